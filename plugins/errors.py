"""A reader's mistake is a 400, not a 500: a DatasetteError with a 500 status is a request
Datasette refuses (?_sort on a column that does not exist, a _through that names no link),
the request's fault all the same. Any other error is Datasette's to render."""

from datasette import Response, hookimpl
from datasette.views.base import DatasetteError
from markupsafe import Markup


@hookimpl
def handle_exception(datasette, request, exception):
    if not isinstance(exception, DatasetteError) or exception.status < 500:
        return None

    async def inner():
        message = Markup(exception.message) if exception.message_is_html else exception.message
        info = {"ok": False, "error": message, "status": 400, "title": exception.title}
        if request.path.endswith(".json"):
            return Response.json(info, status=400)
        return Response.html(await datasette.render_template(
            ["400.html", "error.html"], info, request=request), status=400)

    return inner

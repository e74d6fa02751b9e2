"""A reader's mistake is a 400 with a message, not a 500: a DatasetteError with a 500 status
is a request Datasette refuses (?_sort on a column that does not exist, a _through that names
no link); an SQLite error about a statement's own parts (snippet() of a column that does not
exist) is the reader's SQL; a _through that is not a link's JSON is refused before Datasette
reads it. Any other error is Datasette's to render."""

import json
import sqlite3

from datasette import Response, hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, NotFound
from datasette.views.base import DatasetteError
from markupsafe import Markup

# Raised by SQLite for what a statement asks (a column index out of range, a value out of
# bounds), never for the server's own state.
_STATEMENTS_FAULT = (sqlite3.InterfaceError, sqlite3.DataError, sqlite3.ProgrammingError)


@hookimpl(tryfirst=True)
def filters_from_request(request):
    for through in request.args.getlist("_through"):
        try:
            link = json.loads(through)
        except ValueError:
            link = None
        if not (isinstance(link, dict) and all(isinstance(link.get(key), str) for key in (
                "table", "column")) and isinstance(link.get("value"), (str, int))):
            raise BadRequest('_through is a JSON object of a link table, a column and a value: '
                             '{"table": "document_subjects", "column": "subject_id", "value": '
                             '"subject-1906"}')


_WITHDRAWN = "select withdrawn_in, reason from withdrawn where id = :id"


async def _withdrawn(datasette, request):
    """Why a document's record was withdrawn, if the address is of one that was."""
    pks = request.url_vars.get("pks")
    if request.url_vars.get("table") != "documents" or not pks:
        return None
    try:
        database = datasette.get_database(route=request.url_vars["database"])
        return (await database.execute(_WITHDRAWN, {"id": tilde_decode(pks)})).first()
    except (KeyError, sqlite3.Error):
        return None  # no such database, or one built without releases


@hookimpl
def handle_exception(datasette, request, exception):
    if isinstance(exception, NotFound):
        # A withdrawn record is gone (410), and says why, so that a citation of it still
        # leads somewhere; anything else is said with what was looked for and a search box
        # (templates/error.html).
        async def not_found():
            withdrawn = await _withdrawn(datasette, request)
            status = 410 if withdrawn else 404
            message = (f"This record was withdrawn in version {withdrawn['withdrawn_in']} of the "
                       f"collection: {withdrawn['reason']}" if withdrawn else exception.args[0])
            info = {"ok": False, "error": message, "status": status, "title": None}
            if request.path.endswith(".json"):
                return Response.json(info, status=status)
            return Response.html(await datasette.render_template(
                [f"{status}.html", "error.html"], dict(info, looked_for=request.path),
                request=request), status=status)
        return not_found
    if isinstance(exception, DatasetteError) and exception.status >= 500:
        message = Markup(exception.message) if exception.message_is_html else exception.message
        title = exception.title
    elif isinstance(exception, _STATEMENTS_FAULT):
        message, title = str(exception), None
    else:
        return None

    async def inner():
        info = {"ok": False, "error": message, "status": 400, "title": title}
        if request.path.endswith(".json"):
            return Response.json(info, status=400)
        return Response.html(await datasette.render_template(
            ["400.html", "error.html"], info, request=request), status=400)

    return inner

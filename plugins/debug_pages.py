"""Datasette's debugging pages are for a maintainer at their own machine, not for the
public: they answer 404 here, as do the charts' source maps (6.6 MB each, of no use to a
reader). What readers and their tools use stays: /-/versions, /-/metadata, /-/databases."""

from datasette import Response, hookimpl

DEBUG_PAGES = ("/-/threads", "/-/messages", "/-/patterns", "/-/allow-debug")


def _debugging(path):
    page = path.split(".")[0]
    return page in DEBUG_PAGES or (path.startswith("/-/") and path.endswith(".map"))


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def public(scope, receive, send):
            if scope["type"] == "http" and _debugging(scope["path"]):
                return await Response.text("Not found", status=404).asgi_send(send)
            await app(scope, receive, send)
        return public
    return wrap

"""How long a response may be kept. In the published app, datasette-hashed-urls marks every
page under the database's hashed path as good for a year; only a page of the data as built
earns that. An error, and the answer to a reader's own SQL or _where (which may call random()
or date('now')), is kept by no cache."""

from urllib.parse import parse_qsl

from datasette import hookimpl

# Arguments whose answer may differ from one request to the next.
_READERS_OWN_SQL = {"sql", "_where"}


def _kept_by_no_cache(scope, status):
    query = scope.get("query_string", b"").decode("latin-1")
    arguments = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
    return status >= 400 or bool(arguments & _READERS_OWN_SQL)


# Called last, so that it wraps the other plugins' wrappers and has the last word on headers.
@hookimpl(trylast=True)
def asgi_wrapper():
    def wrap(app):
        async def kept(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def sending(event):
                if event["type"] == "http.response.start" and _kept_by_no_cache(
                        scope, event["status"]):
                    headers = [pair for pair in event.get("headers", [])
                               if pair[0].lower() != b"cache-control"]
                    event = dict(event, headers=[*headers, [b"cache-control", b"no-store"]])
                await send(event)

            await app(scope, receive, sending)
        return kept
    return wrap

"""What every response's headers tell a browser and a cache.

- What a page may do: load scripts, styles and data from this site alone (Datasette's pages
  and the charts run inline scripts, and Vega compiles its expressions, hence 'unsafe-inline'
  and 'unsafe-eval'), be framed by no other site, be read as the type it says it is.
- How long it may be kept. In the published app, datasette-hashed-urls marks every page under
  the database's hashed path as good for a year; only a page of the data as built earns that.
  An error, and the answer to a reader's own SQL or _where (which may call random() or
  date('now')), is kept by no cache."""

from urllib.parse import parse_qsl

from datasette import hookimpl

SECURITY = {
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"strict-origin-when-cross-origin",
}
# Arguments whose answer may differ from one request to the next.
_READERS_OWN_SQL = {"sql", "_where"}


def _headers(scope, status, headers):
    query = scope.get("query_string", b"").decode("latin-1")
    kept_by_no_cache = status >= 400 or bool(
        {name for name, _ in parse_qsl(query, keep_blank_values=True)} & _READERS_OWN_SQL)
    replaced = {*SECURITY, b"cache-control"} if kept_by_no_cache else set(SECURITY)
    return [*(pair for pair in headers if pair[0].lower() not in replaced),
            *map(list, SECURITY.items()),
            *([[b"cache-control", b"no-store"]] if kept_by_no_cache else [])]


# Called last, so that it wraps the other plugins' wrappers and has the last word on headers.
@hookimpl(trylast=True)
def asgi_wrapper():
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def sending(event):
                if event["type"] == "http.response.start":
                    event = dict(event, headers=_headers(scope, event["status"],
                                                         event.get("headers", [])))
                await send(event)

            await app(scope, receive, sending)
        return with_headers
    return wrap

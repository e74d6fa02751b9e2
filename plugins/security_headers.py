"""Headers that tell a browser what a page may do: load scripts, styles and data from this
site alone (Datasette's pages and the charts run inline scripts, and Vega compiles its
expressions, hence 'unsafe-inline' and 'unsafe-eval'), be framed by no other site, and be
read as the type it says it is."""

from datasette import hookimpl

HEADERS = {
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
        b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"strict-origin-when-cross-origin",
}


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def secured(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def sending(event):
                if event["type"] == "http.response.start":
                    headers = [pair for pair in event.get("headers", [])
                               if pair[0].lower() not in HEADERS]
                    event = dict(event, headers=[*headers, *map(list, HEADERS.items())])
                await send(event)

            await app(scope, receive, sending)
        return secured
    return wrap

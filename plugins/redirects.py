"""Where the published app adds its database's content hash to addresses
(datasette-hashed-urls: /archive/... redirects to /archive-<hash>/...), the redirect is made
here, from the address as the reader sent it. The plugin builds it from the decoded path:
/archive/%E2%98%83 answered a bare 500 (a Location header must be ASCII), %00 or %0d%0a
dropped the connection, and a%2Fb became a/b, another address. Runs outside it (trylast)."""

from datasette import hookimpl

from kwp_archive import site

# Bytes that stand as they are in a Location header's path; any other is written %XX.
_AS_IS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                   b"-._~!$&'()*+,;=:@/%")


def _encoded(raw: bytes) -> bytes:
    return b"".join(bytes([byte]) if byte in _AS_IS else b"%%%02X" % byte for byte in raw)


@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    def wrap(app):
        async def redirect(scope, receive, send):
            database = datasette.databases.get(site.DATABASE)
            route = database.route if database is not None else None
            raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
            first, _, rest = raw.lstrip(b"/").partition(b"/")
            name, dot, extension = first.partition(b".")
            # The plain name, or an old hash (a page of a previous build of the database).
            hashed = route not in (None, site.DATABASE)
            plain = hashed and (name == site.DATABASE.encode() or (
                name.rsplit(b"-", 1)[0] == site.DATABASE.encode() and name != route.encode()))
            if scope["type"] != "http" or not plain:
                return await app(scope, receive, send)
            location = b"/" + route.encode() + dot + extension + (b"/" + rest if rest else b"")
            query = scope.get("query_string", b"")
            location = _encoded(location) + (b"?" + _encoded(query) if query else b"")
            await send({"type": "http.response.start", "status": 302,
                        "headers": [[b"location", location], [b"content-length", b"0"]]})
            await send({"type": "http.response.body", "body": b""})
        return redirect
    return wrap

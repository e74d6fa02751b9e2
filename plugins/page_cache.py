"""Pages kept for the next reader who asks for the same URL, while the database cannot change.

Served --immutable (as `make run` serves it), every page is a function of its URL: the second
reader of a page need not wait for its queries and its template again. Kept: answers to GET
requests that carry no cookie and no credentials, with status 200, no cookie of their own,
and at most MAX_ENTRY bytes; at most KWP_PAGE_CACHE_MB megabytes (default 32) in all, the
least recently asked for going first. Never kept: a page any of whose queries ran out of
time (its facets or count would be missing only because the server was busy then), the
answer to a reader's own SQL (which may ask for random() or the time), and Datasette's own
/-/ pages. KWP_PAGE_CACHE_MB=0 keeps nothing.
"""

import contextvars
import os
from collections import OrderedDict
from urllib.parse import parse_qs

from datasette import hookimpl
from datasette.database import QueryInterrupted

MAX_ENTRY = 512 * 1024
DEFAULT_MB = 32
# Said on a page served from the cache, for whoever looks at the headers (and the tests).
HIT = (b"x-page-cache", b"hit")

# The request being answered: whether any of its queries ran out of time.
_request = contextvars.ContextVar("page_cache_request", default=None)


class _Pages:
    """Responses by key, least recently used first, within a total size."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.entries = OrderedDict()
        self.size = 0

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key, status, headers, body):
        if len(body) > MAX_ENTRY or key in self.entries:
            return
        self.entries[key] = (status, headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, _, oldest) = self.entries.popitem(last=False)
            self.size -= len(oldest)


def _max_bytes():
    try:
        return max(0, int(float(os.environ.get("KWP_PAGE_CACHE_MB", DEFAULT_MB)) * 1024 * 1024))
    except ValueError:
        return DEFAULT_MB * 1024 * 1024


def _keyable(scope):
    """The key of a request whose answer may be kept, or None."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith("/-/"):
        return None
    headers = dict(scope["headers"])
    if b"cookie" in headers or b"authorization" in headers:
        return None
    # A reader's own SQL may ask for random() or the time: it is run every time.
    if "sql" in parse_qs(scope["query_string"].decode("latin-1")):
        return None
    return (scope.get("scheme"), headers.get(b"host"), scope["path"], scope["query_string"])


@hookimpl
def startup(datasette):
    """Each immutable database's queries tell the request they belong to when they run out of
    time, so that its page is not kept."""
    for database in datasette.databases.values():
        if database.is_mutable:
            continue
        execute = database.execute

        async def execute_watched(*args, _execute=execute, **kwargs):
            try:
                return await _execute(*args, **kwargs)
            except QueryInterrupted:
                request = _request.get()
                if request is not None:
                    request["interrupted"] = True
                raise

        database.execute = execute_watched


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        pages = _Pages(_max_bytes())

        def immutable():
            return all(not database.is_mutable for name, database in datasette.databases.items()
                       if name != "_internal")

        async def keeping(scope, receive, send):
            key = _keyable(scope) if pages.max_bytes else None
            if key is None or not immutable():
                return await app(scope, receive, send)
            kept = pages.get(key)
            if kept is not None:
                status, headers, body = kept
                await send({"type": "http.response.start", "status": status,
                            "headers": [*headers, HIT]})
                await send({"type": "http.response.body", "body": body})
                return
            request = {"interrupted": False}
            token = _request.set(request)
            response = {"status": None, "headers": [], "body": [], "size": 0, "done": False}

            async def recording(message):
                if message["type"] == "http.response.start":
                    response["status"] = message["status"]
                    response["headers"] = list(message.get("headers", []))
                elif message["type"] == "http.response.body":
                    body = message.get("body", b"")
                    response["size"] += len(body)
                    if response["size"] <= MAX_ENTRY:
                        response["body"].append(body)
                    response["done"] = not message.get("more_body", False)
                await send(message)

            try:
                await app(scope, receive, recording)
            finally:
                _request.reset(token)
            if (response["done"] and response["status"] == 200
                    and not request["interrupted"] and response["size"] <= MAX_ENTRY
                    and not any(name.lower() == b"set-cookie"
                                for name, _ in response["headers"])):
                pages.put(key, 200, response["headers"], b"".join(response["body"]))

        return keeping

    return wrap

"""What one request may cost: the size of one value and of one result, the functions a
visitor's SQL may call, and, refused before Datasette reads the request, how many facets it
asks for and how long a raw search is. Datasette's time limit bounds how long a query runs
between its steps; these bound what one step may cost, which a time limit cannot
(zeroblob(999999999) takes no time at all, printf() of a huge width 8 s)."""

import sqlite3
from urllib.parse import parse_qsl

from datasette import Response, hookimpl

from kwp_archive import search

# The longest string or blob any value may be, in bytes. The longest text in the sources is
# a summary of at most 100,000 characters (400,000 bytes of UTF-8 at the very most). instr()
# and replace() compare a needle at every place of a text, in one step: a million bytes let
# one call take 4 s, half a million about one.
MAX_VALUE = 500_000
# What the values of one result may weigh, roughly as the JSON that carries them: a blob
# goes out as base64 inside JSON and costs some 40 times its size to encode and keep.
MAX_RESULT = 32_000_000
_WEIGHT = {str: 2, bytes: 40}
# Functions that reach the process, not the data: fts3_tokenizer() registers tokenizers by
# memory address, load_extension() loads code, fts5() hands out a pointer to its API. And
# printf() (format()), which pads to any width a character at a time, past the length limit,
# in one step that no time limit interrupts: printf('%.*c', 2147483647, 'x') took 8 s.
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension", "fts5", "printf", "format"}
# A LIKE or GLOB compares a pattern's every character with the text's, in one step too: the
# pattern is kept short (SQLite allows 50,000; 1,000 let one comparison take a second).
MAX_PATTERN = 500
# The longest address, path and query together, in bytes: a search box's longest search or
# a long query of a reader's own SQL takes a few; 90 KB addresses were only ever a flood.
MAX_ADDRESS = 16_384
# Facets a page may ask for: Datasette counts each one asked, repeats too, and each costs more
# the more there are (3,000 of ?_facet=type took 7 s). A page shows five.
MAX_FACETS = 20


class ResultTooLarge(sqlite3.OperationalError):
    pass


def _authorize(action, name, function, database, source):
    if action == sqlite3.SQLITE_FUNCTION and function.lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _weighing_row_factory():
    """sqlite3.Row, weighing each query's rows as fetched, to stop it past MAX_RESULT: before
    the memory is spent, not after."""
    state = {"cursor": None, "weight": 0}

    def row(cursor, values):
        if cursor is not state["cursor"]:
            state["cursor"], state["weight"] = cursor, 0
        state["weight"] += sum(len(value) * _WEIGHT[type(value)] if type(value) in _WEIGHT
                               else 8 for value in values)
        if state["weight"] > MAX_RESULT:
            raise ResultTooLarge(
                f"this result would be more than {MAX_RESULT // 1_000_000} MB: ask for fewer "
                "rows or smaller values (a LIMIT, or substr() of long text)")
        return sqlite3.Row(cursor, values)

    return row


@hookimpl(tryfirst=True)
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, MAX_PATTERN)
    conn.set_authorizer(_authorize)
    conn.row_factory = _weighing_row_factory()


@hookimpl
def register_magic_parameters():
    # :_search_rank_limit in the search query of metadata.yml.
    return [("search", lambda key, request: {"rank_limit": search.RANK_LIMIT}[key])]


@hookimpl
def extra_template_vars(request):
    """Whether search cut the reader's text and how it read it, and how many matches the
    search query ranks."""
    if request is None:
        return {}
    typed = request.args.get("q") or request.args.get("_search") or ""
    read = search.described(typed)
    # Said where the reading is not plain: an operator, a phrase, a prefix, parentheses.
    return {"search_cut": search.too_long(typed), "search_read": read if read != typed.strip()
            else "",
            "search_rank_limit": search.RANK_LIMIT,
            "search_limits": (search.MAX_TERMS, search.MAX_LENGTH)}


def _refused(scope):
    """Why a request is refused before Datasette reads it, as a response; or None."""
    query = scope.get("query_string", b"")
    if len(scope.get("raw_path") or scope["path"].encode()) + len(query) > MAX_ADDRESS:
        return Response.text(f"this address is longer than {MAX_ADDRESS:,} bytes: shorten it",
                             status=414)
    args = parse_qsl(query.decode("latin-1"))
    # A raw search goes to FTS5 as it is, which no time limit interrupts: the search box's
    # cut of its text (search.fts_query) does not apply, so it is held to that length.
    raw = ("_searchmode", "raw") in args and any(
        name.startswith("_search") and search.too_long(value) for name, value in args)
    if raw:
        message = (f"a raw search is at most {search.MAX_TERMS} terms and {search.MAX_LENGTH} "
                   "characters")
    elif sum(name.startswith("_facet") for name, _ in args) > MAX_FACETS:
        message = f"a page counts at most {MAX_FACETS} facets: ask for fewer"
    else:
        return None
    if scope["path"].endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": 400}, status=400)
    return Response.text(message, status=400)


@hookimpl
def asgi_wrapper():
    """Refuses a costly request (an address past MAX_ADDRESS, more facets than MAX_FACETS, a
    long raw search) before Datasette reads it."""
    def wrap(app):
        async def guarded(scope, receive, send):
            refused = _refused(scope) if scope["type"] == "http" else None
            if refused is not None:
                return await refused.asgi_send(send)
            await app(scope, receive, send)
        return guarded
    return wrap

"""What one request may cost, refused before Datasette reads it: how long its address is, how
many facets it asks for, how long a raw search is, and a reader's own SQL that reaches a
full-text index (?sql= naming documents_fts or people_fts), which is tried first in a process
that can be stopped (kwp_archive/trial.py); ?_where= may not reach the index at all (?_search=
and ?sql= do). FTS5 tables are reached only by name: SQLite has no other way to them, and this
database no view or trigger that reads them. (What one value, pattern and result may cost is
the connection's: kwp_archive/connection.py.)"""

from urllib.parse import parse_qsl

from datasette import Response, hookimpl
from datasette.utils import derive_named_parameters

from kwp_archive import search, trial

# The longest address, path and query together, in bytes: a search box's longest search or
# a long query of a reader's own SQL takes a few; 90 KB addresses were only ever a flood.
MAX_ADDRESS = 16_384
# In any case: SQLite's names are ASCII case-insensitive ("DOCUMENTS_FTS" is the same table).
_FULL_TEXT = "_fts"
# Facets a page may ask for: Datasette counts each one asked, repeats too, and each costs more
# the more there are (3,000 of ?_facet=type took 7 s). A page shows five.
MAX_FACETS = 20


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


async def _full_text_refused(datasette, path, args):
    """Why a reader's own SQL may not reach the full-text index, or None: the first ?sql= is
    the one Datasette runs, bound as it binds it (each parameter's first value, or empty);
    every ?_where= counts."""
    if any(name == "_where" and _FULL_TEXT in value.lower() for name, value in args):
        return ("_where may not search the full-text index: use _search=, the search page, "
                "or SQL of your own (?sql=)")
    sql = next((value for name, value in args if name == "sql"), "")
    if _FULL_TEXT not in sql.lower():
        return None
    try:
        database = datasette.get_database(route=path.strip("/").split("/")[0].rsplit(".")[0])
    except KeyError:
        return None  # Datasette answers 404
    firsts = {}
    for name, value in args:
        firsts.setdefault(name, value)
    params = {name: firsts.get(name, "")
              for name in await derive_named_parameters(database, sql)}
    if await trial.passes(database.path, sql, params):
        return None
    return (f"this full-text query would take more than {trial.MAX_CPU} seconds or 100 MB in "
            "one step: use fewer terms (the search page's fts_query() keeps them few)")


async def _refused(datasette, scope):
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
    elif any(name in ("sql", "_where") for name, _ in args):
        message = await _full_text_refused(datasette, scope["path"], args)
    else:
        message = None
    if message is None:
        return None
    if scope["path"].endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": 400}, status=400)
    return Response.text(message, status=400)


@hookimpl
def asgi_wrapper(datasette):
    """Refuses a costly request (an address past MAX_ADDRESS, more facets than MAX_FACETS, a
    long raw search, a full-text query of one's own past its trial) before Datasette reads
    it."""
    def wrap(app):
        async def guarded(scope, receive, send):
            refused = await _refused(datasette, scope) if scope["type"] == "http" else None
            if refused is not None:
                return await refused.asgi_send(send)
            await app(scope, receive, send)
        return guarded
    return wrap

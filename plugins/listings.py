"""The archive's listings, subjects and collections, as filters of the documents table
(?_subject=<id>, ?_collection=<id>); each listing's document count links to them (cells.py).
Datasette's ?_through= says the same, but 0.65 names its parameter :p0 as the first column
filter does, so that ?_through=...&type=letter finds nothing.

A listing alone is counted by the build (its document_count): Datasette's count(*) of the
filter looks up each of its documents, which at a million documents is the slowest part of the
page, and the page says the build's count instead (?_nocount=1 on the page, set here; the
page's links to other formats keep it, so that their count is null: take it away to count)."""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive.derived import ARRAY_SOURCES
from kwp_archive.pages import LISTING_FILTERS, in_listing

# Arguments that choose how the rows are shown, not which: a listing with only these is alone.
_PRESENTATION = {"_sort", "_sort_desc", "_next", "_size", "_facet", "_facet_array",
                 "_col", "_nocol", "_nofacet", "_nosuggest", "_labels", "_nocount", "_chart"}


def _alone(names):
    """Whether the arguments, by name, choose one listing and nothing else: its count is then
    the build's."""
    chosen = [name for name in names if name not in _PRESENTATION]
    return len(chosen) == 1 and chosen[0] in LISTING_FILTERS


def _listing_alone(request):
    """The (array, id) of the one listing a page of documents chooses alone, or None."""
    names = [name for name in request.args.keys() for _ in request.args.getlist(name)]
    if not _alone(names):
        return None
    argument = next(name for name in names if name in LISTING_FILTERS)
    return LISTING_FILTERS[argument], request.args.get(argument)


@hookimpl
def filters_from_request(request, table, database, datasette):
    if table != "documents" or not any(name in request.args for name in LISTING_FILTERS):
        return None

    async def inner():
        where, params, human = [], {}, []
        for argument, array in LISTING_FILTERS.items():
            links, key, names = ARRAY_SOURCES[array]
            for number, listing_id in enumerate(request.args.getlist(argument)):
                parameter = f"{argument[1:]}_{number}"
                named = (await datasette.get_database(database).execute(
                    f"select name from {names} where id = :id", {"id": listing_id})).first()
                where.append(in_listing(links, key, parameter))
                params[parameter] = listing_id
                # Not {...!r}: a name with an apostrophe would show in double quotes.
                human.append(f"in the {array[:-1]} “{named['name'] if named else listing_id}”")
        return FilterArguments(where, params, human)

    return inner


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """The build's count of a listing's documents, which the page says (its template sets
    Datasette's count to it) where it counts none itself."""
    alone = (view_name == "table" and table == "documents" and request is not None
             and request.args.get("_nocount") and _listing_alone(request))
    if not alone:
        return {}

    async def inner():
        array, listing_id = alone
        row = (await datasette.get_database(database).execute(
            f"select document_count from {ARRAY_SOURCES[array][2]} where id = :id",
            {"id": listing_id})).first()
        return {"listing_count": row[0] if row else 0}

    return inner


def _counted_by_the_build(scope):
    """The query string of a page of the documents table: with _nocount=1 where one listing
    alone is chosen, without it otherwise (a link from such a page keeps it, and a page of
    the listing and a type, say, is counted by Datasette)."""
    args = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    kept = [(name, value) for name, value in args if name != "_nocount"]
    if _alone(name for name, _ in kept):
        kept.append(("_nocount", "1"))
    return urlencode(kept).encode("latin-1")


@hookimpl
def asgi_wrapper(datasette):
    # Only the HTML page: the JSON and CSV give Datasette's own count, as their readers expect.
    path = datasette.urls.table("archive", "documents")

    def wrap(app):
        async def counted(scope, receive, send):
            if scope["type"] == "http" and scope["path"] == path and any(
                    name.encode() in scope["query_string"] for name in LISTING_FILTERS):
                scope = dict(scope, query_string=_counted_by_the_build(scope))
            await app(scope, receive, send)
        return counted
    return wrap

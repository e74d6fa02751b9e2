"""The archive's listings, subjects and collections, as filters of the documents table
(?_subject=<id>, ?_collection=<id>); each listing's document count links to them (cells.py).
Datasette's ?_through= says the same, but 0.65 names its parameter :p0 as the first column
filter does, so that ?_through=...&type=letter finds nothing.

A listing, alone or with one value of a counted column (?_subject=...&type=letter), is counted
by the build (its document_count; facet_pairs): Datasette's count(*) of the filter looks up
each of its documents, which at a million documents is the slowest part of the page, and the
page says the build's count instead (?_nocount=1 on the page, set here; the page's links to
other formats keep it, so that their count is null: take it away to count)."""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive.derived import ARRAY_SOURCES, COUNTED_FACETS
from kwp_archive.pages import LISTING, LISTING_FILTERS, filtering, in_listing

# The columns whose documents the build counts within a listing, and those of them that hold
# numbers, whose count it has of a number written as it stores it (1956, not 1956.0).
_COUNTED = COUNTED_FACETS["documents"]
_NUMBERS = {"year"}


def _counted(args):
    """(array, listing id, column, value) where the arguments choose one listing and at most
    one value of a counted column, whose documents the build counted; else None."""
    chosen = [(name, value) for name, value in args if filtering(name)]
    listings = [(name, value) for name, value in chosen if name in LISTING_FILTERS]
    values = [(name, value) for name, value in chosen if name in _COUNTED]
    if len(listings) != 1 or len(chosen) != 1 + len(values) or len(values) > 1:
        return None
    column, value = values[0] if values else (None, None)
    if column in _NUMBERS:
        if not (value.isascii() and value.isdigit() and str(int(value)) == value):
            return None
        value = int(value)
    return LISTING_FILTERS[listings[0][0]], listings[0][1], column, value


def _counted_by_the_build_of(request):
    """_counted() of a request that asks Datasette to count nothing (?_nocount=1)."""
    return request.args.get("_nocount") and _counted(
        (name, value) for name in request.args.keys() for value in request.args.getlist(name))


@hookimpl
def filters_from_request(request, table, database, datasette):
    if table != "documents" or not any(name in request.args for name in LISTING_FILTERS):
        return None

    # Nothing on the page counts its documents (the build did): a large listing's page may
    # look each document it walks up in the links (pages.in_listing).
    uncounted = bool(_counted_by_the_build_of(request))

    async def inner():
        where, params, human = [], {}, []
        for argument, array in LISTING_FILTERS.items():
            links, key, names = ARRAY_SOURCES[array]
            for number, listing_id in enumerate(request.args.getlist(argument)):
                parameter = f"{argument[1:]}_{number}"
                named = (await datasette.get_database(database).execute(
                    LISTING.format(names=names), {"id": listing_id})).first()
                where.append(in_listing(links, key, parameter,
                                        large=uncounted and bool(named and named["large"])))
                params[parameter] = listing_id
                # Not {...!r}: a name with an apostrophe would show in double quotes.
                human.append(f"in the {array[:-1]} “{named['name'] if named else listing_id}”")
        return FilterArguments(where, params, human)

    return inner


# The documents of a listing of one value of a column, as the build counted them.
_LISTED_OF_A_VALUE = """
select count from facet_pairs
where table_name = 'documents' and filter_column = :array
  and filter_value = (select name from {names} where id = :id)
  and column_name = :column and value = :value"""


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """The build's count of the page's documents, which the page says (its template sets
    Datasette's count to it) where it counts none itself."""
    counted = (view_name == "table" and table == "documents" and request is not None
               and _counted_by_the_build_of(request))
    if not counted:
        return {}

    async def inner():
        array, listing_id, column, value = counted
        names = ARRAY_SOURCES[array][2]
        sql, params = (f"select document_count from {names} where id = :id", {"id": listing_id})
        if column:
            sql = _LISTED_OF_A_VALUE.format(names=names)
            params.update(array=array, column=column, value=value)
        row = (await datasette.get_database(database).execute(sql, params)).first()
        # No count: no document of the listing has that value.
        return {"listing_count": row[0] if row else 0}

    return inner


def _counted_by_the_build(scope):
    """The query string of a page of the documents table: with _nocount=1 where the build
    counted its documents, without it otherwise (a link from such a page keeps it, and a page
    of two listings, say, is counted by Datasette)."""
    args = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    kept = [(name, value) for name, value in args if name != "_nocount"]
    if _counted(kept):
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

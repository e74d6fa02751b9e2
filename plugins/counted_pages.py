"""A page of the documents table chosen by one or two values whose rows the build counted (a
type, a year, a listing, a type in a year, a subject's letters: pages.counted_by_the_build)
says the build's count of its rows, as Datasette says its own: Datasette's count(*) of a
large value is the slowest part of such a page at a million documents.

Only the HTML page: its address is given ?_nocount=1 here, so that Datasette counts nothing,
and its links to the other formats are given without it, so that JSON counts its rows as its
readers expect."""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from kwp_archive.derived import ARRAY_SOURCES
from kwp_archive.pages import LISTING_FILTERS, counted_by_the_build

# The build's count of the documents of one value of a column, of a listing, and of two values
# (facet_pairs, whose filter is a listing's name where a listing is one of the two).
_OF_A_VALUE = """
select count from facet_counts
where table_name = 'documents' and column_name = :column and value = :value"""
_OF_A_LISTING = "select document_count from {names} where id = :value"
_OF_TWO_VALUES = """
select count from facet_pairs
where table_name = 'documents' and filter_column = :filter and filter_value = {filter_value}
  and column_name = :column and value = :value"""


def _counted(request):
    """counted_by_the_build() of a page that asks Datasette to count nothing, else None."""
    return request.args.get("_nocount") and counted_by_the_build(
        (name, value) for name in request.args.keys() for value in request.args.getlist(name))


def _stored(name, value):
    """(the build's name for a filter, the value as it stores it): a listing's array."""
    return LISTING_FILTERS.get(name, name), int(value) if name == "year" else value


def _count_query(chosen):
    """The SQL and parameters of the build's count of the documents the values choose."""
    (name, value), *other = chosen
    if not other:
        if name in LISTING_FILTERS:
            return _OF_A_LISTING.format(names=LISTING_FILTERS[name]), {"value": value}
        return _OF_A_VALUE, dict(zip(("column", "value"), _stored(name, value)))
    filter_value = ":filter_value"
    if name in LISTING_FILTERS:
        filter_value = f"(select name from {ARRAY_SOURCES[LISTING_FILTERS[name]][2]} " \
                       "where id = :filter_value)"
    params = dict(zip(("filter", "filter_value"), _stored(name, value)))
    params.update(zip(("column", "value"), _stored(*other[0])))
    return _OF_TWO_VALUES.format(filter_value=filter_value), params


def _counting(links):
    """The page's links to other formats, a URL or {format: URL}, without ?_nocount."""
    if isinstance(links, dict):
        return {name: _counting(url) for name, url in links.items()}
    path, _, query = links.partition("?")
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
            if name != "_nocount"]
    return f"{path}?{urlencode(kept)}" if kept else path


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """The build's count of the page's rows, which its template says in place of Datasette's,
    and the page's links to other formats without ?_nocount."""
    chosen = (view_name == "table" and table == "documents" and request is not None
              and _counted(request))
    if not chosen:
        return {}

    async def inner():
        sql, params = _count_query(chosen)
        row = (await datasette.get_database(database).execute(sql, params)).first()
        # No count: no document has that value.
        return {"page_count": row[0] if row else 0, "counting": _counting}

    return inner


def _counted_by_the_build(query_string):
    """The query string of a page of the documents table with _nocount=1 where the build
    counted its rows, and without it otherwise (a reader's own is taken away: the page's
    links to other formats, which count, would otherwise keep it); None where it stays as it
    is, as nearly every page's does."""
    args = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    kept = [(name, value) for name, value in args if name != "_nocount"]
    counted = counted_by_the_build(kept)
    if not counted and len(kept) == len(args):
        return None
    return urlencode(kept + [("_nocount", "1")] if counted else kept).encode("latin-1")


@hookimpl
def asgi_wrapper(datasette):
    # Only the HTML page: the JSON and CSV give Datasette's own count, as their readers expect.
    path = datasette.urls.table("archive", "documents")

    def wrap(app):
        async def counted(scope, receive, send):
            if scope["type"] == "http" and scope["path"] == path and scope["query_string"]:
                query_string = _counted_by_the_build(scope["query_string"])
                if query_string is not None:
                    scope = dict(scope, query_string=query_string)
            await app(scope, receive, send)
        return counted
    return wrap

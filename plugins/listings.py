"""The archive's listings, subjects and collections, as filters of the documents table
(?_subject=<id>, ?_collection=<id>); each listing's document count links to them (cells.py).
Datasette's ?_through= says the same, but 0.65 names its parameter :p0 as the first column
filter does, so that ?_through=...&type=letter finds nothing.

A listing's page, alone or with one value, says the build's count (plugins/counted_pages.py);
nothing on it counts, and a large listing's documents are then found by walking them in date
order (pages.in_listing)."""

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive.derived import ARRAY_SOURCES
from kwp_archive.pages import LISTING, LISTING_FILTERS, counted_by_the_build, in_listing


@hookimpl
def filters_from_request(request, table, database, datasette):
    if table != "documents" or not any(name in request.args for name in LISTING_FILTERS):
        return None

    # Nothing on the page counts its documents (the build did): a large listing's page may
    # look each document it walks up in the links (pages.in_listing).
    uncounted = bool(request.args.get("_nocount") and counted_by_the_build(
        (name, value) for name in request.args.keys() for value in request.args.getlist(name)))

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

"""The archive's listings, subjects and collections, as filters of the documents table
(?_subject=<id>, ?_collection=<id>); each listing's document count links to them (cells.py).
Datasette's ?_through= says the same, but 0.65 names its parameter :p0 as the first column
filter does, so that ?_through=...&type=letter finds nothing."""

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive.derived import ARRAY_SOURCES
from kwp_archive.pages import LISTING_FILTERS, in_listing


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

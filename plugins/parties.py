"""/-/party?name=...: the page of the person or organisation of that name, for the names of
who wrote to whom (the correspondence and received tables, the timeline), which the build
keeps as names. Found when followed, so that showing a thousand names costs nothing."""

from datasette import Response, hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound

from kwp_archive import site

# People first: a name a person and an organisation shared would be the person's.
_PARTY = """
select 'people' as party_table, id from people where name = :name
union all
select 'organisations', id from organisations where name = :name
limit 1"""


async def party(datasette, request):
    name = request.args.get("name", "")
    found = (await datasette.get_database(site.DATABASE).execute(_PARTY, {"name": name})).first()
    if found is None:
        raise NotFound(f"No person or organisation is named {name!r}: search for the name at "
                       f"{datasette.urls.database(site.DATABASE)}/search")
    return Response.redirect(datasette.urls.row(site.DATABASE, found["party_table"],
                                                tilde_encode(found["id"])))


@hookimpl
def register_routes():
    return [(r"^/-/party$", party)]

"""Row pages: a document lists its people and organisations by role, and a person or an
organisation lists their documents."""

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode

from kwp_archive import parties


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "row" or request is None:
        return {}
    table = request.url_vars.get("table")
    if table not in parties.ROW_QUERIES:
        return {}

    async def inner():
        name = request.url_vars["database"]
        row_id = tilde_decode(request.url_vars["pks"])
        result = await datasette.get_database(name).execute(
            parties.ROW_QUERIES[table], {"id": row_id}
        )
        rows = [
            dict(row, path=datasette.urls.row(name, row["link_table"], tilde_encode(row["id"])))
            for row in result.rows
        ]
        return {"row_links": parties.group_by_role(table, rows)}

    return inner

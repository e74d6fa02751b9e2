"""Row pages read as a catalogue card: a document with its date, type, summary, parties by
role, listings and neighbours in time; a party, subject or collection with its documents in
order (a party's with its role in each)."""

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode

from kwp_archive import names, pages
from kwp_archive.sources import ALIAS_JOIN

RECORDS = {table: f"select * from {table} where id = :id"
           for table in ("people", "organisations", "subjects", "collections", "events")}
RECORDS["documents"] = """
    select documents.*, document_types.name as type_name,
        coalesce(archives.name, 'Wilson Center Digital Archive') as archive_name
    from documents join document_types on document_types.id = documents.type
        left join archives on archives.id = documents.source_archive
    where documents.id = :id"""


@hookimpl
def extra_template_vars(view_name, request, datasette):
    table = request.url_vars.get("table") if request is not None else None
    if view_name != "row" or table not in RECORDS:
        return {}

    async def inner():
        # The route, not the name: datasette-hashed-urls adds the content hash to it.
        database = datasette.get_database(route=request.url_vars["database"])
        params = {"id": tilde_decode(request.url_vars["pks"])}

        async def linked(sql, link_table=None):
            return [dict(row, path=datasette.urls.row(
                database.name, link_table or row["link_table"], tilde_encode(row["id"])))
                for row in (await database.execute(sql, params)).rows]

        record = (await database.execute(RECORDS[table], params)).first()
        context = {"record": dict(record) if record else None}
        if table in ("subjects", "collections"):
            listing = (await database.execute(pages.LISTING.format(names=table), params)).first()
            sql = pages.listed_documents(table, large=bool(listing and listing["large"]))
        else:
            sql = pages.ROW_QUERIES[table]
        links = await linked(sql)
        if table == "documents":
            context["row_links"] = pages.group_by_role(links)
            context["listings"] = await linked(pages.DOCUMENT_LISTINGS)
            context["related"] = [
                dict(row, relation=pages.RELATED_AS[(row["relation"], row["direction"])])
                for row in await linked(pages.DOCUMENT_RELATED)]
            context["neighbours"] = {row["side"]: row for row in await linked(
                pages.DOCUMENT_NEIGHBOURS, "documents")}
        else:
            context["row_links"] = links
            if table == "events":
                context["event_people"] = [
                    dict(person, roles=pages.in_role_order(person["roles"].split(",")))
                    for person in await linked(pages.EVENT_PEOPLE)]
                context["months"] = pages.months_chart(
                    (await database.execute(pages.EVENT_MONTHS, params)).rows)
            if table in ("people", "organisations") and record and record["aliases"]:
                context["record"]["spellings"] = names.by_script(
                    record["aliases"].split(ALIAS_JOIN.strip()))
        return context

    return inner

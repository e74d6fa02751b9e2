"""Citations: .ris, .bib and .csljson beside json and CSV on every page of documents, and a
recommended citation on each document's page and in SQL (chicago_citation)."""

import json
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import BadRequest, NotFound, Response

from kwp_archive import citations

FORMATS = {  # extension: (content type, how to write the citables)
    "ris": ("application/x-research-info-systems", citations.ris),
    "bib": ("application/x-bibtex", citations.bibtex),
    "csljson": ("application/vnd.citationstyles.csl+json", lambda citables: json.dumps(
        citations.csl_json(citables), ensure_ascii=False, indent=2)),
}


def document_ids(columns, rows):
    """The document ids among the rows: the documents table, or a query's document_id or id."""
    column = "document_id" if "document_id" in columns else "id"
    ids = [row[column] for row in rows if row[column] is not None]
    if not all(isinstance(identifier, str) for identifier in ids):
        raise BadRequest(f"The {column} column holds values that are not document ids (text)")
    return ids


def can_render(columns, table, query_name):
    if table is not None:
        return table == "documents"
    return "document_id" in columns or (query_name is not None and "id" in columns)


# The most documents one citation file holds (metadata.yml may set another: plugins:
# citations: max_cited): beyond, the reader narrows the list; CSV streams any number.
MAX_CITED = 10_000


async def every_id(datasette, request, ids, next_token):
    """The ids of the whole list a table page begins (`ids`, then its later pages), read
    through the table's own JSON: a citation file holds the list, not the page shown."""
    path = request.path.rsplit(".", 1)[0] + ".json"
    kept = [(name, value) for name, value in parse_qsl(request.query_string)
            if name not in ("_next", "_size", "_shape")]
    most = (datasette.plugin_config("citations") or {}).get("max_cited", MAX_CITED)
    while next_token:
        page = (await datasette.client.get(path + "?" + urlencode(kept + [
            ("_size", "max"), ("_shape", "objects"), ("_nofacet", "1"), ("_nocount", "1"),
            ("_next", next_token)]))).json()
        ids += [row["id"] for row in page["rows"]]
        next_token = page.get("next")
        if len(ids) > most:
            raise BadRequest(
                f"This list has more than {most:,} documents, more than one citation file "
                "holds: narrow it (a year, a type, a search), or download it as CSV.")
    return ids


async def citables(database, ids):
    result = await database.execute(citations.CITABLE_DOCUMENTS, {"ids": json.dumps(ids)})
    return citations.in_order(result.rows, ids)


def renderer(extension):
    content_type, write = FORMATS[extension]

    async def render(datasette, columns, rows, database, table, query_name, view_name, data,
                     request):
        if data.get("error"):  # of the reader's SQL: said as JSON says it, not hidden by a 404
            raise BadRequest(data["error"])
        if not can_render(columns, table, query_name):
            # Datasette serves any extension at any address; a citation needs a document.
            raise NotFound(
                f"There are no documents here to cite as .{extension}: citation files are "
                "made of the documents table, a document, or a query that lists documents.")
        ids = document_ids(columns, rows)
        if table == "documents" and data.get("next"):
            ids = await every_id(datasette, request, ids, data["next"])
        body = write(await citables(datasette.get_database(database), ids))
        # One document's file is named by its id, so that several saved files stay apart.
        name = ids[0] if view_name == "row" and len(ids) == 1 else (
            table or query_name or database)
        # A file to save, or to hand to a reference manager; never a page.
        return Response(body, content_type=f"{content_type}; charset=utf-8", headers={
            "content-disposition": f'attachment; filename="{name}.{extension}"',
            "x-content-type-options": "nosniff"})

    return render


@hookimpl
def register_output_renderer(datasette):
    return [{"extension": extension, "render": renderer(extension), "can_render": can_render}
            for extension in FORMATS]


@hookimpl
def extra_template_vars(view_name, request, datasette):
    if view_name != "row" or request is None or request.url_vars.get("table") != "documents":
        return {}

    async def inner():
        database = datasette.get_database(route=request.url_vars["database"])
        [citable] = await citables(database, [tilde_decode(request.url_vars["pks"])]) or [None]
        if citable is None:
            return {"citation": None}
        citation = citable.note
        page = datasette.absolute_url(request, request.path)
        return {"citation": citation, "citation_meta": citations.highwire(citable),
                "document_jsonld": citations.schema_org(citable, page)}

    return inner

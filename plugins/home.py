"""The home page: the collection's figures, a search box, and the ways in; and the About
page (templates/pages/about.html)."""

from datasette import hookimpl
from datasette.utils import tilde_encode

from kwp_archive import dates, package, pages, site


@hookimpl
def extra_template_vars(template, view_name, datasette, request):
    if template == "pages/about.html":  # a custom page, which Datasette gives no metadata

        async def about():
            return {"metadata": datasette.metadata(), "release": await _release(datasette)}
        return about
    if view_name != "index" or site.DATABASE not in datasette.databases:
        return {}

    async def inner():
        database = datasette.get_database(site.DATABASE)
        # Counted once per server (or read from the inspect file), not on every view.
        counts = await database.table_counts(limit=1000)
        figures = {table: counts.get(table) for table in ("documents", "people", "organisations")}
        figures.update(dict((await database.execute(pages.DATE_SPAN)).first()))
        if figures["documents"]:
            figures["span"] = (dates.human(figures["first_date"]),
                               dates.human(figures["last_date"]))
        queries = await datasette.get_canned_queries(site.DATABASE, None)
        charts = [(query.get("title") or name,
                   f"{datasette.urls.database(site.DATABASE)}/{name}#{query['fragment']}")
                  for name, query in queries.items() if query.get("fragment")]
        events = [dict(row, path=datasette.urls.row(site.DATABASE, "events",
                                                     tilde_encode(row["id"])))
                  for row in (await database.execute(pages.EVENTS_IN_ORDER)).rows]
        release = await _release(datasette)
        archives = [dict(row) for row in (await database.execute(pages.ARCHIVES_IN_USE)).rows]
        return {"home": {"database": site.DATABASE, "figures": figures, "charts": charts,
                         "events": events, "release": release, "archives": archives,
                         "dataset": _dataset(datasette, request, figures, release)}}

    return inner


async def _release(datasette):
    """The release the database was built as (version, date, summary), or None."""
    if site.DATABASE not in datasette.databases:
        return None
    row = (await datasette.get_database(site.DATABASE).execute(package.RELEASE)).first()
    return dict(row) if row else None


def _dataset(datasette, request, figures, release):
    """The collection as a schema.org Dataset, for search engines (JSON-LD)."""
    metadata = datasette.metadata()
    absolute = (lambda path: datasette.absolute_url(request, datasette.urls.path(path))
                ) if request else (lambda path: path)
    dataset = {
        "@context": "https://schema.org", "@type": "Dataset", "name": metadata["title"],
        "description": " ".join(str(metadata.get("description_html", "")).replace(
            "<p>", " ").replace("</p>", " ").split()),
        "url": absolute("/"), "license": metadata["license_url"],
        "creator": {"@type": "Organization", "name": f"The editors of {metadata['title']}"},
        "isBasedOn": {"@type": "Dataset", "name": metadata["source"],
                      "url": metadata["source_url"]},
        "temporalCoverage": "1945/1956",
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "application/vnd.sqlite3",
             "contentUrl": absolute(f"/{site.DATABASE}.db")},
            {"@type": "DataDownload", "encodingFormat": "text/csv",
             "contentUrl": absolute(f"/{site.DATABASE}/documents.csv?_stream=on")}],
    }
    if release:
        dataset.update(version=release["version"], datePublished=release["date"])
    return dataset

"""The home page: the collection's figures, a search box, and the ways in; and the About
page (templates/pages/about.html)."""

from datasette import hookimpl
from datasette.utils import tilde_encode

from kwp_archive import dates, pages, site


@hookimpl
def extra_template_vars(template, view_name, datasette):
    if template == "pages/about.html":  # a custom page, which Datasette gives no metadata
        return {"metadata": datasette.metadata()}
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
        return {"home": {"database": site.DATABASE, "figures": figures, "charts": charts,
                         "events": events}}

    return inner

"""What the web finds the collection by: /robots.txt (crawlers welcome on pages, kept off
SQL, exports and filtered combinations), /sitemap.xml (every page of a record), and
/feed.atom (the records by the release that added them). The canonical link and the
schema.org JSON-LD are in the templates (base.html, index.html, _document.html)."""

from xml.sax.saxutils import escape

from datasette import Response, hookimpl
from datasette.utils import tilde_encode

from kwp_archive import site

# Costly or endless addresses: SQL, exports, searches and filtered combinations (more than
# one argument). A page of one filter, a record's page and the home page stay open.
_ROBOTS = """User-agent: *
Allow: /
Disallow: /*?sql=
Disallow: /*&sql=
Disallow: /*.json
Disallow: /*.csv
Disallow: /*.ris
Disallow: /*.bib
Disallow: /*.csljson
Disallow: /*_search=
Disallow: /*_facet
Disallow: /*?*&
Disallow: /-/
Sitemap: {sitemap}
"""
# The tables whose every row is a page to find, in the order the sitemap lists them.
PAGES = ("documents", "people", "organisations", "events", "subjects", "collections")
# The most addresses one sitemap file may hold (sitemaps.org); past it, an index of files.
PER_FILE = 50_000
_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</{kind}>\n')
_FEED_SIZE = 200
# The releases, newest first, then the records of none (a collection with no ledger); each
# release's records, the latest dated first, read from the index on added_in release by
# release: ordering all the records by their release sorted a million for each request.
_RELEASES = "select version, date from releases order by rowid desc"
_FEED = """
select id, title, date, summary, added_in from documents
where added_in = :version
order by date desc, id
limit :size"""


def _absolute(datasette, request, path):
    return datasette.absolute_url(request, datasette.urls.path(path))


async def robots(datasette, request):
    return Response.text(_ROBOTS.format(sitemap=_absolute(datasette, request, "/sitemap.xml")))


# Every record's page, in the sitemap's order; a file's share read with LIMIT and OFFSET, so
# that no request holds a million addresses.
_RECORD_PAGES = " union all ".join(f"select '{table}' as page_table, id from {table}"
                                   for table in PAGES) + " limit :limit offset :offset"


async def _addresses(datasette, request, first, count):
    """The sitemap's addresses from the `first`: the home and About pages, then the records'."""
    fixed = [_absolute(datasette, request, path) for path in ("/", "/about")]
    addresses = fixed[first:first + count]
    rows = await datasette.get_database(site.DATABASE).execute(_RECORD_PAGES, {
        "limit": count - len(addresses), "offset": max(0, first - len(fixed))},
        custom_time_limit=10_000)
    return addresses + [datasette.absolute_url(request, datasette.urls.row(
        site.DATABASE, row["page_table"], tilde_encode(row["id"]))) for row in rows.rows]


def _xml(kind, tag, addresses):
    items = "".join(f"  <{tag}><loc>{escape(address)}</loc></{tag}>\n" for address in addresses)
    return Response(_SITEMAP.format(kind=kind, items=items), content_type="application/xml")


async def sitemap(datasette, request):
    """/sitemap.xml, or with more than PER_FILE pages an index of /sitemap-N.xml."""
    counts = await datasette.get_database(site.DATABASE).table_counts(limit=1000)
    total = 2 + sum(counts.get(table) or 0 for table in PAGES)
    part = request.url_vars.get("part")
    if part is None and total > PER_FILE:
        return _xml("sitemapindex", "sitemap", [
            _absolute(datasette, request, f"/sitemap-{number}.xml")
            for number in range(1, (total - 1) // PER_FILE + 2)])
    first = (int(part or 1) - 1) * PER_FILE
    return _xml("urlset", "url", await _addresses(datasette, request, first, PER_FILE))


async def feed(datasette, request):
    """An Atom feed of the records, the newest release's first."""
    database = datasette.get_database(site.DATABASE)
    released = dict((await database.execute(_RELEASES)).rows)
    rows = []
    for version in [*released, ""]:
        rows += [dict(row, released=released.get(version)) for row in (await database.execute(
            _FEED, {"version": version, "size": _FEED_SIZE - len(rows)})).rows]
        if len(rows) >= _FEED_SIZE:
            break
    metadata = datasette.metadata()
    updated = max((row["released"] for row in rows if row["released"]), default="1970-01-01")
    entries = "".join(
        f"""  <entry>
    <title>{escape(row["title"])}</title>
    <id>{escape(page)}</id>
    <link href="{escape(page)}"/>
    <updated>{row["released"] or updated}T00:00:00Z</updated>
    <summary>{escape(row["date"])}: {escape(row["summary"])}</summary>
    <category term="{escape(row["added_in"])}" label="added in version {escape(row["added_in"])}"/>
  </entry>
""" for row in rows for page in [datasette.absolute_url(request, datasette.urls.row(
            site.DATABASE, "documents", tilde_encode(row["id"])))])
    home = _absolute(datasette, request, "/")
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(metadata["title"])}: records by release</title>
  <id>{escape(home)}</id>
  <link href="{escape(home)}"/>
  <link rel="self" href="{escape(_absolute(datasette, request, "/feed.atom"))}"/>
  <updated>{updated}T00:00:00Z</updated>
  <author><name>The editors of {escape(metadata["title"])}</name></author>
{entries}</feed>
"""
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/robots\.txt$", robots), (r"^/sitemap\.xml$", sitemap),
            (r"^/sitemap-(?P<part>[0-9]+)\.xml$", sitemap), (r"^/feed\.atom$", feed)]

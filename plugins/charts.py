"""Charts from datasette-vega, drawn where a reader asks for one and nowhere else.

datasette-vega adds its 944 KB bundle to every page, and throws on a page with no rows. Here
the bundle is served as it ships, but a page loads it only when it draws a chart: a canned
query with a chart fragment (by_year, by_month, by_type, received), or any page of rows
opened with ?_chart=1, which the "Chart these rows" link adds. A link to the chart of the
page it is on redraws at once (the bundle reads the fragment only when the page loads)."""

import json
from pathlib import Path

import datasette_vega
from datasette import hookimpl
from datasette.plugins import pm
from datasette.utils.asgi import asgi_static

VEGA = Path(datasette_vega.__file__).parent / "static"
STATIC = "/-/charts/"
pm.unregister(name="vega")  # its hooks add the bundle everywhere; these hooks choose


def _assets(extension):
    return [STATIC + path.name for path in sorted(VEGA.glob(f"*.{extension}"))]


async def _draws_a_chart(datasette, database, request):
    """Whether the page draws a chart; worked out once a page, for the three hooks that ask."""
    if request is None or database is None:
        return False
    if "kwp_draws_a_chart" not in request.scope:
        query = request.path.rstrip("/").rsplit("/", 1)[-1]
        queries = await datasette.get_canned_queries(database, None)
        request.scope["kwp_draws_a_chart"] = request.args.get("_chart") == "1" or bool(
            queries.get(query, {}).get("fragment"))
    return request.scope["kwp_draws_a_chart"]


@hookimpl
def register_routes():
    return [(STATIC.replace("/", r"\/") + "(?P<path>.*)$", asgi_static(str(VEGA)))]


@hookimpl
def extra_js_urls(database, request, datasette):
    async def inner():
        return _assets("js") if await _draws_a_chart(datasette, database, request) else []
    return inner


@hookimpl
def extra_css_urls(database, request, datasette):
    async def inner():
        return _assets("css") if await _draws_a_chart(datasette, database, request) else []
    return inner


# Runs at the end of the body: before the bundle's own DOMContentLoaded handler.
_SCRIPT = """
(function () {
  var table = document.querySelector("table.rows-and-columns");
  // The bundle looks for a table of rows and throws where there is none.
  document.addEventListener("DOMContentLoaded", function (event) {
    if (!table) { event.stopImmediatePropagation(); }
  }, true);
  // A link to this very page's chart: set the fragment, and load the page again to draw it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href*='#g.mark']");
    if (!link) { return; }
    var url = new URL(link.href, location.href);
    if (url.pathname !== location.pathname || url.search !== location.search) { return; }
    event.preventDefault();
    history.replaceState(null, "", url.hash);
    location.reload();
  });
  // Any page of rows can be charted on request.
  var exports = document.querySelector(".export-links");
  if (table && exports && !DRAWS) {
    var url = new URL(location.href);
    url.searchParams.set("_chart", "1");
    exports.insertAdjacentHTML("beforeend", ' · <a class="chart-these" href="' +
      url.pathname + url.search + '">Chart these rows</a>');
  }
})();
"""


@hookimpl
def extra_body_script(database, request, datasette):
    async def inner():
        draws = await _draws_a_chart(datasette, database, request)
        return _SCRIPT.replace("DRAWS", json.dumps(draws))
    return inner

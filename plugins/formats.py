"""An address ending in an extension no renderer makes (/archive/documents.xyz) is a 404 that
names the formats there are; Datasette would serve the page as HTML under it. Routes a plugin
registers come before Datasette's own, so this one is found first."""

from datasette import hookimpl
from datasette.utils.asgi import NotFound

# Datasette's own and plugins/citations.py's.
FORMATS = ("json", "csv", "ris", "bib", "csljson")


async def no_such_format(request):
    extension = request.url_vars["extension"]
    raise NotFound(f"There is no .{extension} of this page: it is available as "
                   + ", ".join(f".{format}" for format in FORMATS) + " and as a page")


@hookimpl
def register_routes():
    # A table, query or row of a database; never /-/ (static files, Datasette's own pages).
    known = "|".join(FORMATS)
    return [(rf"^/(?!-/)[^/]+/[^/]+(/[^/]+)?\.(?!(?:{known})$)(?P<extension>[A-Za-z0-9]+)$",
             no_such_format)]

"""Show the highlights in full-text search snippets as highlights, not as markup text."""

from datasette import hookimpl
from markupsafe import Markup, escape

# What snippet() puts around each match (metadata.yml); JSON and CSV keep them as they are.
HIGHLIGHTS = ("<mark>", "</mark>")


@hookimpl
def render_cell(value, column):
    if column != "snippet" or not isinstance(value, str):
        return None
    # Escape everything but the two markers: the documents' own markup may not reach the page.
    html = str(escape(value))
    for marker in HIGHLIGHTS:
        html = html.replace(str(escape(marker)), marker)
    return Markup(html)

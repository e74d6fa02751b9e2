"""Show the highlights in full-text search snippets as highlights, not as markup text."""

from datasette import hookimpl
from markupsafe import Markup, escape

# What snippet() puts around each match (metadata.yml); JSON and CSV keep them as they are.
HIGHLIGHTS = ("<mark>", "</mark>")


@hookimpl
def render_cell(value, column):
    if column != "snippet" or not isinstance(value, str):
        return None
    # Escape everything, then let only the two markers through: the documents' own text may
    # hold markup, and none of it may reach the page unescaped.
    html = str(escape(value))
    for marker in HIGHLIGHTS:
        html = html.replace(str(escape(marker)), marker)
    return Markup(html)

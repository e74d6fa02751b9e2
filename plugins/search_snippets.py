"""Show the highlights in full-text search snippets as highlights, not as markup text."""

from datasette import hookimpl
from markupsafe import Markup, escape

# The markers that snippet() puts around each match in the search query of metadata.yml.
# They stay as they are in JSON and CSV downloads, where <mark> explains itself.
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

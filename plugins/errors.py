"""Errors cost what a page costs: Datasette's own error pages, without the traceback with
every local variable (some 41 KB of log and 0.2 s each) that it prints when the rich
package is installed; and a reader's mistake is a 400, not a 500."""

import datasette.handle_exception
from datasette import hookimpl
from datasette.views.base import DatasetteError

# Datasette prints rich's traceback for every error, a 404 or a query that ran out of time
# included; its plain traceback, for real failures only, is what remains.
datasette.handle_exception.rich = None

# Messages of errors that Datasette raises as 500s but that are a reader's request gone
# wrong, e.g. ?_sort=a-column-that-does-not-exist.
_READERS_MISTAKES = ("Cannot sort table by",)


@hookimpl(tryfirst=True)
def handle_exception(exception):
    if isinstance(exception, DatasetteError) and exception.status == 500 and str(
            exception.message).startswith(_READERS_MISTAKES):
        exception.status = 400
    return None  # Datasette's own handler renders the page

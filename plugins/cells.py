"""How a value is shown in HTML; JSON and CSV keep it as stored.

- A document's title, and its id or document_id in a query's results, link to its page.
- On the people and organisations tables, a party's name links to its page, and its document
  count to its query, by the full name (which finds the party alone, under any spelling).
- On the subjects and collections tables, the document count links to the documents table
  filtered to the listing (plugins/listings.py).
- Who wrote to whom (the correspondence and received tables, the timeline): each name links
  to its party's page (plugins/parties.py), each count to the documents it counts.
- A date reads as a person reads it ("1945", "January 11, 1946").
- A JSON array (a party's roles, a document's collections and subjects) shows its words.
- A search snippet's highlights show as highlights, and nothing else of it as markup.

One render_cell hook for all of them, which looks the column up: Datasette calls every
plugin's hook for every cell of a page, and a canned query's page has a thousand rows."""

import functools
import json
import re
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from kwp_archive import dates
from kwp_archive.derived import ARRAY_SOURCES, COUNTED_ARRAY_FACETS
from kwp_archive.pages import LISTING_FILTERS

# What snippet() puts around each match (metadata.yml).
HIGHLIGHTS = ("<mark>", "</mark>")
_LISTING_ARGUMENT = {array: argument for argument, array in LISTING_FILTERS.items()}
_PARTY_QUERY = {"people": "person", "organisations": "organisation"}


def _link(path, text):
    return Markup(f'<a href="{escape(path)}">{escape(text)}</a>')


# A page of a thousand rows builds two thousand links: each table's path is worked out once,
# and an id of letters, digits, "-" and "_" (every id the build takes) is its own encoding.
_AS_IS = re.compile(r"[A-Za-z0-9_-]+")


@functools.lru_cache(maxsize=64)
def _table_path(datasette, database, table):
    return datasette.urls.table(database, table)


def _row_path(datasette, database, table, identifier):
    encoded = identifier if _AS_IS.fullmatch(identifier) else tilde_encode(identifier)
    return f"{_table_path(datasette, database, table)}/{encoded}"


# A page of a thousand rows shows a few hundred dates, and a timeline the same names again
# and again: each is worked out once.
_human = functools.lru_cache(maxsize=4096)(dates.human)


def human_date(value):
    try:
        return _human(value)
    except (TypeError, ValueError):  # not a date, or a value that cannot be cached (a list)
        return value


def _document(row, value, column, table, database, datasette):
    # Datasette links the documents table's id, and a link table's document_id, itself.
    if column != "title" and table is not None:
        return None
    columns = row.keys()
    if "document_id" in columns:
        identifier = row["document_id"]
    elif "id" in columns and "title" in columns and table in (None, "documents"):
        identifier = row["id"]  # only documents have a title
    else:
        return None
    if not isinstance(identifier, str) or not identifier:
        return None
    return _link(_row_path(datasette, database, "documents", identifier), value)


def _name(row, value, column, table, database, datasette):
    if table not in _PARTY_QUERY:
        return None
    return _link(_row_path(datasette, database, table, row["id"]), value)


def _document_count(row, value, column, table, database, datasette):
    if table in _PARTY_QUERY:
        query = f"{datasette.urls.database(database)}/{_PARTY_QUERY[table]}"
        return _link(f"{query}?" + urlencode({"name": row["name"]}), value)
    if table in ARRAY_SOURCES and value:
        documents = _table_path(datasette, database, "documents")
        return _link(f"{documents}?" + urlencode({_LISTING_ARGUMENT[table]: row["id"]}), value)
    return None


@functools.lru_cache(maxsize=4096)
def _party_link(datasette, name):
    """A name linked to its party's page."""
    return _link(datasette.urls.path("/-/party?" + urlencode({"name": name})), name)


def _party(row, value, column, table, database, datasette):
    """A name, or the "; "-separated names of a timeline's cell, each to its party's page."""
    if table not in ("correspondence", "received") and column not in ("authors", "recipients"):
        return None
    return Markup("; ").join(_party_link(datasette, name) for name in value.split("; "))


def _exchanged(row, value, column, table, database, datasette):
    """A count of documents from an author to a recipient (or to a recipient), to them."""
    if table not in ("correspondence", "received"):
        return None
    names = {"author": row["author"]} if table == "correspondence" else {"author": ""}
    names["recipient"] = row["recipient"]
    return _link(f"{datasette.urls.database(database)}/exchanged?" + urlencode(names), value)


def _date(row, value, column, table, database, datasette):
    if (shown := human_date(value)) == value:
        return None
    return Markup(f'<time datetime="{escape(value)}">{escape(shown)}</time>')


def _array(row, value, column, table, database, datasette):
    if column not in COUNTED_ARRAY_FACETS.get(table, ()):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    # Datasette shows its own rendering of a cell for an empty string: a dash says "none".
    return (", ".join(map(str, items)) or "—") if isinstance(items, list) else None


def snippet(value):
    # Escape everything but the two markers: the documents' own markup may not reach the page.
    html = str(escape(value))
    for marker in HIGHLIGHTS:
        html = html.replace(str(escape(marker)), marker)
    return Markup(html)


_BY_COLUMN = {"title": _document, "id": _document, "document_id": _document, "name": _name,
              "document_count": _document_count, "date": _date,
              **dict.fromkeys(("author", "recipient", "authors", "recipients"), _party),
              "documents": _exchanged,
              # A search's summary and people, their matches marked.
              **dict.fromkeys(("snippet", "summary", "people"),
                              lambda row, value, *_: snippet(value)),
              **{array: _array for arrays in COUNTED_ARRAY_FACETS.values() for array in arrays}}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if isinstance(value, dict) and table == "documents" and column == "type":
        # A document's type by its name alone, where Datasette would add its id ("Report
        # report"), which is the builders' word, not the reader's.
        return _link(_row_path(datasette, database, "document_types", value["value"]),
                     value["label"])
    shown = _BY_COLUMN.get(column)
    # A count is a number; every other value shown otherwise is text.
    if shown is None or value == "" or not isinstance(
            value, int if column in ("document_count", "documents") else str):
        return None
    return shown(row, value, column, table, database, datasette)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["human_date"] = human_date
    env.globals["date_range_problems"] = dates.range_problems

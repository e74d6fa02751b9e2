"""Datasette's queries that read a million documents to answer a page, asked in forms that
read only what the page shows. Each form gives exactly the rows and counts of Datasette's,
by what the build guarantees; any other SQL goes to SQLite as Datasette wrote it.

- The search box (`?_search=`): Datasette asks for `rowid in (select rowid from documents_fts
  where ... match ...)`, which makes SQLite collect every match before it can sort or count
  them: a word in 900,000 of a million documents costs 0.25 s to list and as much again to
  count. The build stores the documents in date order (kwp_archive.database.DATE_ORDER), so
  the index lists a word's matches in the order the page shows them: the first page reads
  the first matches the index lists and stops, and the count is counted in the index.
- An array facet's value (`?subjects__arraycontains=`): Datasette reads every row's JSON
  array (1.6 s); the build made the arrays from the link tables, which an index answers.
- A column facet of a filtered page: grouped so that SQLite reads the filtered rows, not the
  whole of the facet's own index.
"""

import re

from datasette import hookimpl

from kwp_archive.database import ARRAY_SOURCES, COUNTED_FACETS
from kwp_archive.site import DATABASE

_MATCHES = ("rowid in (select rowid from documents_fts "
            "where documents_fts match escape_fts(:search))")

# The first page, or a later one (with its keyset), in date order. A search with any other
# filter or order is left as Datasette asks it: newest first, Datasette breaks ties of date
# by id ascending, which is not the index's order read backwards.
_ROWS = re.compile(
    r"select (?P<columns>.+?) from documents where " + re.escape(_MATCHES)
    + r"(?P<keyset> and \(date > :p\d+ or \(date = :p\d+ and \(\(id > :p\d+\)\)\)\))?"
    + r" order by date(?:, id)? limit (?P<limit>\d+)",
    re.DOTALL)
_FIRST_MATCHES = """select {columns} from documents where rowid in (
    select documents.rowid
    from (select rowid as matched from documents_fts
          where documents_fts match escape_fts(:search)) as matches
    join documents on documents.rowid = matches.matched
    where 1{keyset}
    order by matches.matched
    limit {limit}
) order by date, id limit {limit}"""

_COUNT = f"select count(*) from documents where {_MATCHES}"
# Every row of documents_fts is a document's, one for one.
_COUNT_IN_INDEX = "select count(*) from documents_fts where documents_fts match escape_fts(:search)"


# `:p0 in (select value from json_each("documents"."subjects"))`, as Datasette's
# arraycontains filter writes it, for an array the build made from a link table.
_CONTAINS = re.compile(
    r':(?P<parameter>p\d+) in \(select value from json_each\("documents"\."(?P<column>'
    + "|".join(ARRAY_SOURCES) + r')"\)\)')
# The documents linked to the item. Read by id for an item of few documents (found by key,
# then sorted); for one of many, SQLite walks the table's order (the date index), looks up
# each document's links, and stops at the page's last row, instead of listing and sorting
# a quarter of a million.
_LINKED = ("documents.id in (select {links}.document_id from {links} join {names} on "
           "{names}.id = {links}.{key} where {names}.name = :{parameter})")
_LINKED_WALKED = ("exists (select 1 from {links} join {names} on {names}.id = {links}.{key} "
                  "where {links}.document_id = documents.id and {names}.name = :{parameter})")
WALK_FROM = 10_000
# The count of an array's item alone is the build's count of it (facet_counts).
_CONTAINS_COUNT = re.compile(r"select count\(\*\) from documents where " + _CONTAINS.pattern)
_ITEM_COUNT = ("select coalesce((select count from facet_counts where table_name = 'documents' "
               "and column_name = '{column}' and value = :{parameter}), 0)")


# A column facet of a filtered page, as Datasette writes it. Grouped by the column as it is,
# SQLite reads the whole index that starts with that column, in its order, to save sorting
# a few groups (45 ms for a year and a type of a million documents); grouped by +column it
# reads the filtered rows from the filters' index (5 ms).
_FACET_GROUP = re.compile(r"group by (?P<column>{}) order by count desc, value limit".format(
    "|".join(COUNTED_FACETS["documents"])))


def rewrite(sql, params=None, item_counts=None):
    """The same query in the form that reads only what it returns; any other SQL as it is.
    `item_counts`: {(array, item): documents}, from the build's counts."""
    sql = sql.strip()
    alone = _CONTAINS_COUNT.fullmatch(sql)
    if alone is not None:
        return _ITEM_COUNT.format(column=alone["column"], parameter=alone["parameter"])

    def linked(contains):
        links, key, names = ARRAY_SOURCES[contains["column"]]
        item = params.get(contains["parameter"]) if isinstance(params, dict) else None
        many = (item_counts or {}).get((contains["column"], item), 0) >= WALK_FROM
        return (_LINKED_WALKED if many else _LINKED).format(
            links=links, key=key, names=names, parameter=contains["parameter"])

    sql = _CONTAINS.sub(linked, sql)
    if "from documents where" in sql:
        sql = _FACET_GROUP.sub(r"group by +\g<column> order by count desc, value limit", sql)
    if sql == _COUNT:
        return _COUNT_IN_INDEX
    rows = _ROWS.fullmatch(sql)
    if rows is None:
        return sql
    return _FIRST_MATCHES.format(columns=rows["columns"], keyset=rows["keyset"] or "",
                                 limit=rows["limit"])


_ITEM_COUNTS = """
select column_name, value, count from facet_counts
where table_name = 'documents' and column_name in ({arrays})
"""


@hookimpl
def startup(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None:
        return

    async def inner():
        item_counts = {}
        if not database.is_mutable:  # else the counts could change under the page
            arrays = ", ".join(f"'{array}'" for array in ARRAY_SOURCES)
            counted = await database.execute(_ITEM_COUNTS.format(arrays=arrays))
            item_counts = {(column, value): count for column, value, count in counted.rows}
        execute = database.execute

        async def execute_rewritten(sql, params=None, *args, **kwargs):
            return await execute(rewrite(sql, params, item_counts), params, *args, **kwargs)

        database.execute = execute_rewritten

    return inner

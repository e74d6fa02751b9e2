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
"""

import re

from datasette import hookimpl

from kwp_archive.database import ARRAY_SOURCES
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
_LINKED = ("documents.id in (select {links}.document_id from {links} join {names} on "
           "{names}.id = {links}.{key} where {names}.name = :{parameter})")


def _linked(contains):
    links, key, names = ARRAY_SOURCES[contains["column"]]
    return _LINKED.format(links=links, key=key, names=names, parameter=contains["parameter"])


def rewrite(sql):
    """The same query in the form that reads only what it returns; any other SQL as it is."""
    sql = _CONTAINS.sub(_linked, sql.strip())
    if sql == _COUNT:
        return _COUNT_IN_INDEX
    rows = _ROWS.fullmatch(sql)
    if rows is None:
        return sql
    return _FIRST_MATCHES.format(columns=rows["columns"], keyset=rows["keyset"] or "",
                                 limit=rows["limit"])


@hookimpl
def startup(datasette):
    database = datasette.databases.get(DATABASE)
    if database is None:
        return
    execute = database.execute

    async def execute_rewritten(sql, *args, **kwargs):
        return await execute(rewrite(sql), *args, **kwargs)

    database.execute = execute_rewritten

"""The documents table's search box, answered in the order the full-text index lists matches.

For `?_search=` Datasette asks for `rowid in (select rowid from documents_fts where ... match
...)`, which makes SQLite collect every match before it can sort them or count them: a word
in 900,000 of a million documents costs 0.25 s to list and as much again to count. The build
stores the documents in date order (kwp_archive.database.DATE_ORDER), so the index lists a
word's matches in the order the page shows them; these queries, and only these, are asked
in a form that reads the first page's matches and stops, and counts in the index itself.
The rows and the count are exactly those of Datasette's own queries.
"""

import re

from datasette import hookimpl

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


def rewrite(sql):
    """The same query in the form that reads only what it returns; any other SQL as it is."""
    sql = sql.strip()
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

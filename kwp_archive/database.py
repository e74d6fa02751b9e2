"""The SQLite database: schema, loading, indexes and full-text search, written atomically.

The table and column names here are the public API that users' SQL depends on: keep them.
"""

import itertools
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from . import names
from .search import NAME_KEYS
from .sources import ROLES

_ROLE_CHECK = "role IN ({})".format(", ".join(f"'{role}'" for role in ROLES))

# Porter stemming over unicode61 with diacritics removed: "telegrams" finds "telegram", and
# "Hŏn" finds "Hon".
TOKENIZE = "porter unicode61 remove_diacritics 2"

# The documents table, made twice: with the schema, and again in the date order (DATE_ORDER).
_DOCUMENTS = """CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('year', 'month', 'day')),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    type TEXT NOT NULL REFERENCES document_types(id),
    summary TEXT NOT NULL,
    source_url TEXT NOT NULL,
    archive TEXT NOT NULL,
    archive_reference TEXT NOT NULL,
    translator TEXT NOT NULL,
    original_language TEXT NOT NULL,
    collections TEXT NOT NULL DEFAULT '[]',
    subjects TEXT NOT NULL DEFAULT '[]'
);"""
# Ids of documents are unique whatever their case: BibTeX, whose keys they become, takes
# doc-a and DOC-A for one.
_ANY_CASE_INDEX = "CREATE UNIQUE INDEX documents_id_any_case ON documents(id COLLATE NOCASE);"

SCHEMA = f"""
CREATE TABLE document_types (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    sent INTEGER NOT NULL CHECK (sent IN (0, 1))
);
{_DOCUMENTS}
{_ANY_CASE_INDEX}
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    position TEXT NOT NULL,
    sources TEXT NOT NULL DEFAULT '',
    document_count INTEGER NOT NULL DEFAULT 0,
    roles TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0,
    roles TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_url TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE subjects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_url TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE document_people (
    document_id TEXT NOT NULL REFERENCES documents(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK ({_ROLE_CHECK}),
    date TEXT,
    PRIMARY KEY (document_id, person_id, role)
);
CREATE TABLE document_organisations (
    document_id TEXT NOT NULL REFERENCES documents(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL CHECK ({_ROLE_CHECK}),
    date TEXT,
    PRIMARY KEY (document_id, organisation_id, role)
);
CREATE TABLE document_collections (
    document_id TEXT NOT NULL REFERENCES documents(id),
    collection_id TEXT NOT NULL REFERENCES collections(id),
    PRIMARY KEY (document_id, collection_id)
);
CREATE TABLE document_subjects (
    document_id TEXT NOT NULL REFERENCES documents(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    PRIMARY KEY (document_id, subject_id)
);
CREATE TABLE correspondence (
    author TEXT NOT NULL,
    recipient TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (author, recipient)
);
CREATE TABLE received (
    recipient TEXT PRIMARY KEY,
    documents INTEGER NOT NULL
);
CREATE TABLE facet_counts (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, column_name, value)
);
CREATE TABLE facet_pairs (
    table_name TEXT NOT NULL,
    filter_column TEXT NOT NULL,
    filter_value,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, filter_column, filter_value, column_name, value)
);
CREATE TABLE facet_triples (
    table_name TEXT NOT NULL,
    first_filter_column TEXT NOT NULL,
    first_filter_value,
    second_filter_column TEXT NOT NULL,
    second_filter_value,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, first_filter_column, first_filter_value, second_filter_column,
                 second_filter_value, column_name, value)
);
"""

# Built after the rows are in, which is faster than keeping them up to date row by row; by
# sqlite-utils (create_indexes). Each: its name, its table, its columns.
INDEXES = (
    # The table's order, then what a date range tests and counts: a year's 80,000 documents
    # of a million are counted, and their facets too, from the index alone (5 ms, not 120).
    ("documents_date", "documents",
     ("date", "id", "date_start", "date_end", "type", "year", "date_precision")),
    ("documents_title", "documents", ("title", "id")),
    ("people_document_count", "people", ("document_count", "id")),
    # Each faceted column first, then the table's order (date, id), then the other facets: a
    # page filtered on one facet lists its first rows in date order and counts the other
    # facets from the index alone (among 170,000 telegrams of a million documents:
    # milliseconds, where sorting them took 0.3 s and counting their years from the table
    # 0.75 s).
    ("documents_year", "documents", ("year", "date", "id", "type", "date_precision")),
    ("documents_type", "documents", ("type", "date", "id", "year", "date_precision")),
    ("documents_date_precision", "documents", ("date_precision", "date", "id", "type", "year")),
    # With the role: a person's links list in date order, and count by role, from the index.
    ("document_people_person", "document_people", ("person_id", "date", "document_id", "role")),
    ("document_people_role", "document_people", ("role",)),
    ("people_sort_name", "people", ("sort_name",)),
    ("document_organisations_organisation", "document_organisations",
     ("organisation_id", "date", "document_id", "role")),
    ("document_organisations_role", "document_organisations", ("role",)),
    ("document_collections_collection", "document_collections", ("collection_id",)),
    ("document_subjects_subject", "document_subjects", ("subject_id",)),
)


def _tables(connection):
    # Only a view of our connection: no sqlite-utils plugins, no pragmas of its own.
    return sqlite_utils.Database(connection, recursive_triggers=False, execute_plugins=False)


def create_indexes(connection):
    tables = _tables(connection)
    for name, table, columns in INDEXES:
        tables[table].create_index(columns, index_name=name)

_ROLE_ORDER = "CASE role " + " ".join(
    f"WHEN '{role}' THEN {number}" for number, role in enumerate(ROLES)
) + " END"

# How many documents each person and organisation appears in, and in which roles (a JSON
# array, in the order author, recipient, mentioned), for their table pages and facets.
_SUMMARY = """
UPDATE {parties} SET
    document_count = (
        SELECT count(DISTINCT document_id) FROM {links} WHERE {party} = {parties}.id
    ),
    roles = (
        SELECT json_group_array(role) FROM (
            SELECT DISTINCT role FROM {links} WHERE {party} = {parties}.id
            ORDER BY {role_order}
        )
    );
"""
# Each document's collections and subjects by name, as JSON arrays: the documents table facets
# them, and a reader sees them beside the title. Made as the documents are copied into date
# order (DATE_ORDER), rather than by rewriting a million rows after.
_LIST = """coalesce((
        SELECT json_group_array(name) FROM (
            SELECT {names}.name FROM {links}
            JOIN {names} ON {names}.id = {links}.{key}
            WHERE {links}.document_id = documents_as_read.id ORDER BY {names}.name
        )), '[]')"""
_LISTED_COUNT = """
UPDATE collections SET document_count = (
    SELECT count(*) FROM document_collections WHERE collection_id = collections.id);
UPDATE subjects SET document_count = (
    SELECT count(*) FROM document_subjects WHERE subject_id = subjects.id);
"""

# The columns whose facets are counted once, here, for the unfiltered table: counting a
# million rows on every page view is what makes a large table page slow. The counted_facets
# plugin answers from these counts; metadata.yml asks for them with `counted:` facets.
COUNTED_FACETS = {
    "documents": ("type", "year", "date_precision"),
    "document_people": ("role",),
    "document_organisations": ("role",),
}
# Columns holding JSON arrays, counted by their items for `counted_array:` facets.
COUNTED_ARRAY_FACETS = {"documents": ("collections", "subjects"), "people": ("roles",),
                        "organisations": ("roles",)}
# Where each array's items come from: (link table, its key, the table of names). A filtered
# page counts the items from the links, not by reading every row's array.
ARRAY_SOURCES = {
    "collections": ("document_collections", "collection_id", "collections"),
    "subjects": ("document_subjects", "subject_id", "subjects"),
}
# Every count of the counted columns comes from one pass over the table: its cube, the rows
# counted by every combination of those columns' values (some thousand groups of a million
# documents). The counts for the unfiltered table, for each value of another column and for
# each pair of values of two others are then sums over the cube, not passes over the table.
_FACET_CUBE = """
CREATE TEMP TABLE facet_cube AS
SELECT {columns}, count(*) AS count FROM {table} GROUP BY {columns};
"""
_FACET_COUNT = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT '{table}', '{column}', {column}, sum(count) FROM temp.facet_cube
WHERE {column} IS NOT NULL GROUP BY {column};
"""
# The same counts among the rows of each value of another counted column: a page filtered on
# one facet value (?type=telegram) shows the other facets from these.
_PAIR_COUNT = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT '{table}', '{filter}', {filter}, '{column}', {column}, sum(count) FROM temp.facet_cube
WHERE {filter} IS NOT NULL AND {column} IS NOT NULL GROUP BY {filter}, {column};
"""
# The same counts among the rows of each pair of values of two other counted columns: a page
# filtered on two (?type=telegram&date_precision=month) shows the third's facet from these,
# rather than count 30,000 of a million rows on every view. The filter columns go in the
# order of COUNTED_FACETS.
_TRIPLE_COUNT = """
INSERT INTO facet_triples (table_name, first_filter_column, first_filter_value,
    second_filter_column, second_filter_value, column_name, value, count)
SELECT '{table}', '{first}', {first}, '{second}', {second}, '{column}', {column}, sum(count)
FROM temp.facet_cube
WHERE {first} IS NOT NULL AND {second} IS NOT NULL AND {column} IS NOT NULL
GROUP BY {first}, {second}, {column};
"""


def _column_counts():
    sql = []
    for table, columns in COUNTED_FACETS.items():
        sql.append(_FACET_CUBE.format(table=table, columns=", ".join(columns)))
        sql += [_FACET_COUNT.format(table=table, column=column) for column in columns]
        sql += [_PAIR_COUNT.format(table=table, filter=filter, column=column)
                for filter in columns for column in columns if filter != column]
        for first, second in itertools.combinations(columns, 2):
            sql += [_TRIPLE_COUNT.format(table=table, first=first, second=second, column=column)
                    for column in columns if column not in (first, second)]
        sql.append("DROP TABLE temp.facet_cube;\n")
    return "".join(sql)


# The pair counts of the arrays (ARRAY_SOURCES), so that a page of one value, whether a
# column's (?year=1956) or an array's (?subjects__arraycontains=...), shows every facet from
# counts: each array's items by the counted columns of their documents, gathered once in one
# pass; then each direction; then each array's items by another's (or its own). Read from
# the arrays the build made from the link tables (DATE_ORDER), in table order, rather than
# by looking up a document for each of a million links; from a narrow copy of what they
# need of the documents that have an array item (_LISTED_DOCUMENTS), where each read the
# whole table, titles and summaries too; and with the documents of the same arrays counted
# together first, so that each array is taken apart once, not once for each of its
# documents: a million documents have some thousands of lists of subjects. At a million
# documents all the summaries took 17.2 to 20.4 s over four runs, where reading the table
# and taking every document's arrays apart took 23.8 to 25.5, the same counts to the row
# (taken in turns, 2026-12-01).
_LISTED_DOCUMENTS = """
CREATE TEMP TABLE listed_documents AS
SELECT rowid AS document, type, year, date_precision, collections, subjects FROM documents
WHERE collections != '[]' OR subjects != '[]';
"""
_LISTED_BY_COLUMNS = """
CREATE TEMP TABLE listed_{column} AS
SELECT item.value AS name, alike.type, alike.year, alike.date_precision, sum(alike.count) AS count
FROM (
    SELECT {column}, type, year, date_precision, count(*) AS count
    FROM temp.listed_documents WHERE {column} != '[]'
    GROUP BY 1, 2, 3, 4
) AS alike, json_each(alike.{column}) AS item
GROUP BY 1, 2, 3, 4;
"""
_PAIRS_OF_LISTED = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT 'documents', '{filter_column}', {filter_value}, '{column}', {value}, sum(count)
FROM temp.listed_{array} GROUP BY {filter_value}, {value};
"""
_ARRAY_BY_ARRAY = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT 'documents', '{array}', item.value, '{other}', other.value, sum(alike.count)
FROM (
    SELECT {array} AS items, {other} AS others, count(*) AS count
    FROM temp.listed_documents WHERE {array} != '[]' AND {other} != '[]'
    GROUP BY 1, 2
) AS alike, json_each(alike.items) AS item, json_each(alike.others) AS other
GROUP BY item.value, other.value;
"""
# The documents' arrays are read from their narrow copy, each of its rows one document's.
_ARRAY_FACET_COUNT = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT '{table}', '{column}', item.value, count(DISTINCT {table}.rowid)
FROM {rows} AS {table}, json_each({table}.{column}) AS item
WHERE {table}.{column} != '[]' GROUP BY item.value;
"""

# The authors and recipients of documents that were sent (a letter, a telegram, a report),
# people and organisations alike, gathered once for both counts below: only these are
# correspondence, as a speech is addressed to its audience.
_SENT_PARTIES = """
CREATE TEMP TABLE sent_parties AS
WITH sent AS (
    SELECT id FROM documents WHERE type IN (SELECT id FROM document_types WHERE sent)
)
SELECT document_people.document_id, document_people.role, people.name
FROM document_people JOIN people ON people.id = document_people.person_id
WHERE document_people.role IN ('author', 'recipient') AND document_people.document_id IN sent
UNION ALL
SELECT document_organisations.document_id, document_organisations.role, organisations.name
FROM document_organisations
JOIN organisations ON organisations.id = document_organisations.organisation_id
WHERE document_organisations.role IN ('author', 'recipient')
    AND document_organisations.document_id IN sent;
CREATE INDEX temp.sent_parties_document ON sent_parties(document_id, role);
"""

# Who wrote to whom, counted once: pairing the authors and recipients of a million documents
# takes seconds, past the time limit of a page.
CORRESPONDENCE = """
INSERT INTO correspondence (author, recipient, documents)
SELECT authors.name, recipients.name, count(*)
FROM temp.sent_parties AS authors
JOIN temp.sent_parties AS recipients
    ON recipients.document_id = authors.document_id AND recipients.role = 'recipient'
WHERE authors.role = 'author'
GROUP BY authors.name, recipients.name;
-- Its pages list the most frequent pairs first: 590,000 pairs of a million documents.
CREATE INDEX correspondence_by_documents ON correspondence(documents DESC, author, recipient);
"""

# How many sent documents each party received, each document once however many authors it
# has: what a chart of correspondence counts.
RECEIVED = """
INSERT INTO received (recipient, documents)
SELECT name, count(DISTINCT document_id) FROM temp.sent_parties WHERE role = 'recipient'
GROUP BY name;
"""

# Documents per month (those dated to a month or a day), for the by_month chart: counting
# a million dates on a page view would outlast the time limit.
_MONTH_COUNT = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT 'documents', 'month', substr(date, 1, 7), count(*) FROM documents
WHERE date_precision != 'year' GROUP BY substr(date, 1, 7);
"""

def _array_pair_counts():
    sql = []
    for array in ARRAY_SOURCES:
        sql.append(_LISTED_BY_COLUMNS.format(column=array))
        for column in COUNTED_FACETS["documents"]:
            # ?year=1956 -> its subjects; ?subjects__arraycontains=X -> its years.
            sql.append(_PAIRS_OF_LISTED.format(array=array, filter_column=column,
                                               filter_value=column, column=array, value="name"))
            sql.append(_PAIRS_OF_LISTED.format(array=array, filter_column=array,
                                               filter_value="name", column=column, value=column))
        for other in ARRAY_SOURCES:
            sql.append(_ARRAY_BY_ARRAY.format(array=array, other=other))
    return "".join(sql)


# Who wrote to whom. Run before the date order, while the link tables and the documents are
# in the order they were read: a link's document is then near the one before it, where in
# date order every lookup lands somewhere else (5.9 s at a million documents, not 2.5).
# temp.sent_parties is not dropped: it goes with the build's connection, and its temporary
# file with it, where dropping it freed its pages one by one (0.6 s).
CORRESPONDENCE_COUNTS = "".join((_SENT_PARTIES, CORRESPONDENCE, RECEIVED))

SUMMARIES = "".join((_MONTH_COUNT, _LISTED_COUNT)) + _SUMMARY.format(
    parties="people", links="document_people", party="person_id", role_order=_ROLE_ORDER
) + _SUMMARY.format(
    parties="organisations", links="document_organisations", party="organisation_id",
    role_order=_ROLE_ORDER,
) + _column_counts() + _LISTED_DOCUMENTS + "".join(
    _ARRAY_FACET_COUNT.format(
        table=table, column=column,
        rows="temp.listed_documents" if table == "documents" else table)
    for table, columns in COUNTED_ARRAY_FACETS.items() for column in columns
) + _array_pair_counts()

# The name keys (names.keys: the folded spellings of the names, searched by
# kwp_archive.search.fts_query) are folded once per person, and each document's are put
# together from its people's (write_full_text): a person in a hundred thousand documents is
# folded once, not a hundred thousand times. Sorted and without repeats, as names.keys gives
# them, so the index is what folding every document would give.
FTS_HASH_SIZE = 16 * 1024 * 1024
FULL_TEXT_TABLES = f"""
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, summary, people, organisations, {NAME_KEYS}, tokenize = '{TOKENIZE}'
);
-- FTS5 writes its index to disk each time its terms in memory pass this size, and merges
-- what it wrote. 1 MB by default; at 16 MB, a million documents are indexed in 14 s, not 22,
-- and their searches are as fast. 32 MB gains 3 s more for 24 MB more memory, which the
-- second process cannot spare: it holds every person's names and keys as it writes
-- (write_full_text). Kept in documents_fts_config, where it matters only to whoever writes to
-- the index.
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', {FTS_HASH_SIZE});
CREATE VIRTUAL TABLE people_fts USING fts5(
    name, aliases, {NAME_KEYS}, tokenize = '{TOKENIZE}'
);
"""
_PEOPLE_NAMES = "SELECT rowid, id, name, aliases FROM people"
_ORGANISATION_NAMES = "SELECT id, name, aliases FROM organisations"
# Each document's text and the ids of its parties (space-separated: an id has no space, see
# kwp_archive.sources), in (date, id) order: the order DATE_ORDER
# stores them in, so that a document's place here is its rowid there, before or after it has
# run (kwp_archive.fulltext builds the index from the documents as read, beside the date
# order). The parties are looked up as the documents are read in storage order, where each
# lookup lands near the one before (the links were read in the same order), and SQLite sorts
# after: looking each document up in date order instead took 25 s at a million, not 14.
_DOCUMENTS_TEXT = """
SELECT documents.title, documents.summary,
    (SELECT group_concat(person_id, ' ') FROM document_people
     WHERE document_people.document_id = documents.id),
    (SELECT group_concat(organisation_id, ' ') FROM document_organisations
     WHERE document_organisations.document_id = documents.id)
FROM documents
ORDER BY documents.date, documents.id
"""
_DOCUMENT_FULL_TEXT_ROW = f"""
INSERT INTO documents_fts (rowid, title, summary, people, organisations, {NAME_KEYS})
VALUES (?, ?, ?, ?, ?, ?)
"""
_PEOPLE_FULL_TEXT_ROW = f"""
INSERT INTO people_fts (rowid, name, aliases, {NAME_KEYS}) VALUES (?, ?, ?, ?)
"""
# What the full text reads of the build's tables, and the tables it is made from.
FULL_TEXT_QUERIES = (_DOCUMENTS_TEXT, _PEOPLE_NAMES, _ORGANISATION_NAMES)
FULL_TEXT_READS = ("documents", "people", "organisations", "document_people",
                   "document_organisations")
# The tables in which FTS5 keeps each full-text index: all there is to copy of one.
FULL_TEXT_INDEXES = ("documents_fts", "people_fts")
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
FULL_TEXT_SHADOW_TABLES = tuple(
    f"{index}_{shadow}" for index in FULL_TEXT_INDEXES for shadow in FTS5_SHADOWS)


# The columns of documents as read from records.csv (the rest are made by the build), in the
# order the loader of kwp_archive.sources yields them.
_COLUMNS_AS_READ = """id, date, date_start, date_end, date_precision, year, title, type,
    summary, source_url, archive, archive_reference, translator, original_language"""

# The insert for each table, in the column order the loaders of kwp_archive.sources yield.
INSERTS = {
    "document_types":
        "INSERT INTO document_types (id, name, description, sent) VALUES (?, ?, ?, ?)",
    "documents": f"""INSERT INTO documents ({_COLUMNS_AS_READ})
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
    "people": """INSERT INTO people (id, name, sort_name, aliases, position, sources)
        VALUES (?1, ?2, sort_name(?2), ?3, ?4, ?5)""",
    "organisations": "INSERT INTO organisations (id, name, aliases) VALUES (?, ?, ?)",
    "collections": "INSERT INTO collections (id, name, source_url) VALUES (?, ?, ?)",
    "subjects": "INSERT INTO subjects (id, name, source_url) VALUES (?, ?, ?)",
    "document_collections":
        "INSERT INTO document_collections (document_id, collection_id) VALUES (?, ?)",
    "document_subjects": "INSERT INTO document_subjects (document_id, subject_id) VALUES (?, ?)",
    # Each link carries its document's date, so that a person's documents list in date order
    # straight from an index, however many there are.
    "document_people": """INSERT INTO document_people (document_id, person_id, role, date)
        VALUES (?1, ?2, ?3, (SELECT date FROM documents WHERE id = ?1))""",
    "document_organisations": """INSERT INTO document_organisations
        (document_id, organisation_id, role, date)
        VALUES (?1, ?2, ?3, (SELECT date FROM documents WHERE id = ?1))""",
}


# Pages of 8 KB, not SQLite's 4: half as many pages to read and write for the same rows.
# At a million records the build took 66 s, not 69 (16 KB: 66 s too).
PAGE_SIZE = 8192


@contextmanager
def atomic(output, before_replace=None):
    """A new database in a temporary file beside `output`, renamed over it only when the
    block completes (and `before_replace(temporary path)`, if given, has run on it). Any
    failure, or a signal, leaves an existing output file exactly as it was, and removes the
    temporary file; one left by a build that was killed outright goes at the next build.

    Yields a connection inside an open transaction, with the schema in place.
    """
    output = Path(output)
    remove_abandoned(output)
    descriptor, temporary = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp"
    )
    os.close(descriptor)
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # The file is private until it is renamed into place, so a crash needs no journal.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        # Lets Python's signal handlers run during a long statement (the full-text index of
        # a million documents), so that a SIGTERM stops the build within a moment.
        connection.set_progress_handler(lambda: 0, 100_000)
        connection.executescript(SCHEMA)
        connection.create_function("sort_name", 1, names.sort_name, deterministic=True)
        connection.execute("BEGIN")
        yield connection
        connection.execute("COMMIT")
        connection.close()
        _remove_wal_files(temporary)
        if before_replace is not None:
            before_replace(temporary)
        # mkstemp makes the file private (0600); the database is for every reader, as the
        # umask says (0644 as a rule), like any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, output)
    except BaseException:
        connection.close()
        os.unlink(temporary)
        _remove_wal_files(temporary)
        raise


def _remove_wal_files(database):
    # The full text is built beside the rest in WAL mode (kwp_archive.fulltext), which ends
    # it before the database is done; SQLite may leave WAL's emptied files behind all the same.
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def remove_abandoned(output):
    """Remove the temporary files of builds of `output` whose process is gone (killed
    outright, with no chance to clean up). A running build's file stays."""
    # The database, its full text's file (.fts.tmp) and WAL's files (.tmp-wal, .tmp-shm).
    for path in Path(output).parent.glob(f".{Path(output).name}.*.tmp*"):
        pid = path.name[len(Path(output).name) + 2:].split(".", 1)[0]
        if pid.isdigit() and _running(int(pid)):
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # another build removed it first


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def insert(connection, table, rows) -> list:
    """Insert a list of rows into a table; those whose key is taken are left out, the rest
    go in, and the positions of those left out are returned.

    A list, not an iterator: executemany then walks it in C, with no Python call per row
    (bench/RESULTS.md, "Rows inserted a batch at a time")."""
    refused, start = [], 0
    while start < len(rows):
        inserted_before = connection.total_changes
        try:
            connection.executemany(INSERTS[table], rows[start:] if start else rows)
            break
        except sqlite3.IntegrityError:
            # executemany stops at the row that failed, with those before it inserted.
            failed = start + connection.total_changes - inserted_before
            refused.append(failed)
            start = failed + 1
    return refused


def unknown_references(connection, table):
    """(rowid, column, value, parent table) of each row of `table` whose foreign key points
    at no row, found with SQLite's own check through the parents' primary keys."""
    columns = {key[0]: key[3] for key in connection.execute(f"PRAGMA foreign_key_list({table})")}
    for _, rowid, parent, key in connection.execute(f"PRAGMA foreign_key_check({table})"):
        column = columns[key]
        [value] = connection.execute(
            f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        yield rowid, column, value, parent


# The documents in the order a reader sees them, (date, id), so that rowid order is that
# order: the full-text index lists a word's documents by rowid, and the first page of a
# search for a word in most documents is the first hundred it lists, not a sort of them all
# (plugins/query_forms.py). Done once every reference is checked: until then a document's
# rowid is its line in records.csv, which the error messages need.
#
# The table as read is renamed aside, not copied (legacy_alter_table keeps the links'
# REFERENCES documents(id) on the name, for the new table), and a new one is made from the
# schema. Its case-blind index of ids (checked already, as the rows went in) is made after
# the rows: kept up to date while a million ids arrive out of their order, it cost 1.2 s more.
DATE_ORDER = f"""
PRAGMA legacy_alter_table = ON;
ALTER TABLE documents RENAME TO documents_as_read;
PRAGMA legacy_alter_table = OFF;
{_DOCUMENTS}
INSERT INTO documents ({_COLUMNS_AS_READ}, collections, subjects)
SELECT {_COLUMNS_AS_READ},
    {_LIST.format(names="collections", links="document_collections", key="collection_id")},
    {_LIST.format(names="subjects", links="document_subjects", key="subject_id")}
FROM documents_as_read ORDER BY date, id;
DROP TABLE documents_as_read;
{_ANY_CASE_INDEX}
"""

# The planner's statistics, with the indexes that start with a facet's column marked
# noskipscan: else SQLite reads a date range by skipping through every value of the facet in
# its index (a skip-scan, 125 ms for a year of a million documents) instead of along the
# date index (10 ms).
NO_SKIP_SCANS = """
UPDATE sqlite_stat1 SET stat = stat || ' noskipscan'
WHERE idx IN ('documents_type', 'documents_year', 'documents_date_precision');
"""


def gather_statistics(connection):
    """The planner's statistics of every table there is; the full text comes after them, and
    gather_full_text_statistics adds its tables'."""
    _tables(connection).analyze()
    connection.executescript(NO_SKIP_SCANS)


def gather_full_text_statistics(connection):
    """The statistics of the tables that FTS5 keeps its indexes in (a tenth of a second: the
    rest, over a second at a million documents, was gathered while the index was made)."""
    tables = _tables(connection)
    for table in FULL_TEXT_SHADOW_TABLES:
        tables[table].analyze()


def build_full_text(connection):
    """The full text in this process, once the documents are in date order: what the second
    process of kwp_archive.fulltext builds beside the other phases."""
    connection.executescript(FULL_TEXT_TABLES)
    # One transaction, as the second process's: FTS5 writes what it holds at each commit.
    connection.execute("BEGIN")
    write_full_text(connection)
    connection.execute("COMMIT")
    gather_full_text_statistics(connection)


def _script(sql):
    return lambda connection: connection.executescript(sql)


def _with_page_cache(script):
    """A phase that runs `script` with a page cache of PHASE_CACHE, and SQLite's own after."""
    def run(connection):
        [default] = connection.execute("PRAGMA cache_size").fetchone()
        connection.execute(f"PRAGMA cache_size = -{PHASE_CACHE // 1024}")
        try:
            connection.executescript(script)
        finally:
            connection.execute(f"PRAGMA cache_size = {default}")
            connection.execute("PRAGMA shrink_memory")
    return run


# The date order sorts the million rows as read (420 MB) and fills a table in that order,
# reaching its index of ids out of their order: with SQLite's 2 MB it merges more and reads
# the same pages again. At 16 MB the phase took 20.7 and 18.8 s where 2 MB took 25.8, 23.5
# and 22.1 s (alone, a million documents, this machine on 2026-12-01), for 26 MB more at
# its peak; 32 MB gained no more than 16 for 59 MB. Neither the indexes' sorts nor the
# correspondence's lookups gained from it, measured alike.
PHASE_CACHE = 16 * 1024 * 1024

# The phases after the rows are in, in order. The build and the floor of the benchmark run
# them with kwp_archive.pipeline.finish, which builds the full text in a second process
# beside the others, and in place of build_full_text copies it in.
PHASES = (("correspondence", _script(CORRESPONDENCE_COUNTS)),
          ("date order", _with_page_cache(DATE_ORDER)), ("indexes", create_indexes),
          ("summaries", _script(SUMMARIES)), ("statistics", gather_statistics),
          ("full text", build_full_text))


def write_full_text(connection):
    """The rows of people_fts and of documents_fts (FULL_TEXT_TABLES, made already): each
    person's name keys are folded once, and each document's row is put together from its
    people's and organisations' as the documents go by (documents_full_text)."""
    parties = _Parties(connection)
    connection.executemany(_PEOPLE_FULL_TEXT_ROW, (
        (rowid, name, aliases, parties.person_keys[person_id])
        for rowid, person_id, name, aliases in connection.execute(_PEOPLE_NAMES)))
    connection.executemany(_DOCUMENT_FULL_TEXT_ROW, documents_full_text(connection, parties))


def documents_full_text(connection, parties=None):
    """Each document's row of documents_fts, in date order: its rowid there (its place in
    the date order), title, summary, the names (with aliases) of its people and of its
    organisations, and its people's name keys. Each list is sorted and without repeats, as
    names.keys gives a person's keys; parties that are not in their table are left out, as
    a join leaves them out."""
    parties = parties or _Parties(connection)
    for rowid, (title, summary, person_ids, organisation_ids) in enumerate(
            connection.execute(_DOCUMENTS_TEXT), start=1):
        yield (rowid, title, summary, _listed(person_ids, parties.person_names),
               _listed(organisation_ids, parties.organisation_names),
               parties.keys_of(person_ids))


class _Parties:
    """Each person's and organisation's name with its aliases, and each person's name keys,
    made once for each rather than once for every document they are in."""

    def __init__(self, connection):
        self.person_names, self.person_keys = {}, {}
        for _, person_id, name, aliases in connection.execute(_PEOPLE_NAMES):
            self.person_names[person_id] = f"{name} {aliases}".strip(" ")
            # Keys are letters and digits: joined by spaces, they are one token each.
            self.person_keys[person_id] = " ".join(names.keys(f"{name};{aliases}"))
        self.organisation_names = {
            organisation_id: f"{name} {aliases}".strip(" ") for organisation_id, name, aliases
            in connection.execute(_ORGANISATION_NAMES)}

    def keys_of(self, person_ids):
        """The name keys of the people of these ids (as _DOCUMENTS_TEXT lists them)."""
        if person_ids is None:
            return ""
        if " " not in person_ids:  # a person's keys are sorted already
            return self.person_keys.get(person_ids, "")
        keys = set()
        for person_id in person_ids.split(" "):
            keys.update(self.person_keys.get(person_id, "").split())
        return " ".join(sorted(keys))


def _listed(ids, names_of):
    """The names of these ids (as _DOCUMENTS_TEXT lists them: a person in two roles is
    there twice), sorted and without repeats, "; " between."""
    if ids is None:
        return None
    found = {names_of[id] for id in ids.split(" ") if id in names_of}
    return "; ".join(sorted(found)) if found else None


def statements(script):
    """The statements of an SQL script, one by one: executescript would commit first."""
    found, statement = [], ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            found.append(statement)
            statement = ""
    return found

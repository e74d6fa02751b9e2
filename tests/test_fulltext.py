"""kwp_archive.fulltext: the full-text indexes built in a second process and copied in."""

import csv
import os
import re
import shutil
import sqlite3

import pytest

from conftest import SOURCES, live_processes
from kwp_archive import database, fulltext, names

SHADOWS = database.FULL_TEXT_SHADOW_TABLES


def children():
    return [pid for pid, parent, _ in live_processes() if parent == os.getpid()]


def assert_nothing_left(children_before, folder):
    """No second process still running, and no index file of one left in `folder`."""
    assert children() == children_before
    assert not list(folder.glob("*.fts.tmp"))


def without_full_text(archive_db, path):
    """A connection to a copy of the built database at `path`, its full-text indexes gone."""
    shutil.copy(archive_db, path)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript("DROP TABLE documents_fts; DROP TABLE people_fts;")
    return connection


def shadow_rows(path):
    with sqlite3.connect(path) as connection:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in SHADOWS}


def test_the_index_is_the_one_a_single_process_builds(archive_db, tmp_path):
    one_process = tmp_path / "one.db"
    connection = without_full_text(archive_db, one_process)
    database.build_full_text(connection)
    connection.close()
    built = shadow_rows(archive_db)
    assert built == shadow_rows(one_process)
    assert len(built["documents_fts_content"]) == 20
    # The second process reads the documents as read, which are not in date order here: so
    # each document's rowid in the index is the one the date order gave it, not its line.
    with open(SOURCES / "records.csv", newline="", encoding="utf-8") as file:
        as_read = [row["id"] for row in csv.DictReader(file)]
    with sqlite3.connect(archive_db) as connection:
        in_date_order = [id for id, in connection.execute("SELECT id FROM documents ORDER BY rowid")]
    assert sorted(as_read) == sorted(in_date_order) and as_read != in_date_order


def test_the_second_process_reads_only_the_tables_it_is_started_after():
    # The build starts it once these are read (kwp_archive.pipeline), and reads the rest
    # beside it: a table it read besides would be empty in its snapshot.
    built = {table for table, in sqlite3.connect(":memory:").executescript(
        database.SCHEMA).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    named = set(re.findall(r"\b[a-z_]+\b", "\n".join(database.FULL_TEXT_QUERIES)))
    assert named & built == set(database.FULL_TEXT_READS)


def test_the_statistics_are_those_of_one_analyze_of_the_whole_database(archive_db, tmp_path):
    # The build gathers them before the full text is copied in, then the full text's own.
    def statistics(connection):
        return sorted(connection.execute("SELECT tbl, idx, stat FROM sqlite_stat1"))

    path = tmp_path / "analyzed.db"
    shutil.copy(archive_db, path)
    with sqlite3.connect(path) as connection:
        built = statistics(connection)
        connection.execute("DELETE FROM sqlite_stat1")
        connection.execute("ANALYZE")
        connection.executescript(database.NO_SKIP_SCANS)
        assert statistics(connection) == built
    assert {table for table, _, _ in built} >= set(SHADOWS)


def test_the_database_is_one_file_in_rollback_mode(archive_db):
    header = archive_db.read_bytes()[:100]
    assert (header[18], header[19]) == (1, 1), "WAL's read and write versions are 2"
    assert sorted(path.name for path in archive_db.parent.iterdir()) == ["archive.db"]
    with sqlite3.connect(archive_db) as connection:
        assert connection.execute("PRAGMA page_size").fetchone()[0] == database.PAGE_SIZE
        for table in database.FULL_TEXT_INDEXES:
            connection.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


# Failing before it holds its snapshot (raised on the way in), and after (raised by copy_in).
@pytest.mark.parametrize("tables,error", [
    ("CREATE TABLE unrelated (value)", "^no such table: source.documents$"),
    ("CREATE TABLE documents (id)", "^no such table: people$"),
])
def test_a_second_process_that_fails_is_an_error_and_leaves_nothing(tmp_path, tables, error):
    path = tmp_path / "not-a-build.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(tables)
    before = children()  # the session's server, perhaps
    with pytest.raises(sqlite3.OperationalError, match=error):
        with fulltext.in_second_process(connection) as copy_in:
            copy_in()
    connection.close()
    assert_nothing_left(before, tmp_path)


def test_stopping_early_stops_the_second_process(archive_db, tmp_path):
    path = tmp_path / "archive.db"
    connection = without_full_text(archive_db, path)
    before = children()
    with pytest.raises(KeyboardInterrupt):
        with fulltext.in_second_process(connection):
            assert len(children()) == len(before) + 1
            raise KeyboardInterrupt
    connection.close()
    assert_nothing_left(before, tmp_path)


def test_the_second_process_reads_the_rows_as_they_were_when_it_started(archive_db, tmp_path):
    # The build goes on writing (the date order empties documents and fills it again) while
    # the second process reads: it must see the rows as they were when it was started.
    path = tmp_path / "archive.db"
    connection = without_full_text(archive_db, path)
    with fulltext.in_second_process(connection) as copy_in:
        connection.executescript("DELETE FROM documents; DELETE FROM people;")
        copy_in()
    connection.close()
    assert shadow_rows(path) == shadow_rows(archive_db)


# What a document's row of the full text holds of its parties, said in SQL as the build said it
# before documents_full_text put it together in Python: the distinct names (with aliases) of its
# people and of its organisations, sorted, and its people's distinct name keys, sorted.
PARTY_TEXT_IN_SQL = """
SELECT documents.rowid,
    (SELECT group_concat(name, '; ') FROM (
        SELECT DISTINCT trim(people.name || ' ' || people.aliases) AS name
        FROM document_people JOIN people ON people.id = document_people.person_id
        WHERE document_people.document_id = documents.id ORDER BY 1)),
    (SELECT group_concat(name, '; ') FROM (
        SELECT DISTINCT trim(organisations.name || ' ' || organisations.aliases) AS name
        FROM document_organisations
        JOIN organisations ON organisations.id = document_organisations.organisation_id
        WHERE document_organisations.document_id = documents.id ORDER BY 1)),
    coalesce((SELECT group_concat(key, ' ') FROM (
        SELECT DISTINCT person_keys.key FROM document_people
        JOIN person_keys ON person_keys.person_id = document_people.person_id
        WHERE document_people.document_id = documents.id ORDER BY 1)), '')
FROM documents ORDER BY documents.rowid
"""


def test_each_documents_party_text_is_what_sql_gives(archive_db, tmp_path):
    connection = without_full_text(archive_db, tmp_path / "parties.db")
    # The cases a join and DISTINCT decide: a person in two roles, two people of one name,
    # an organisation in two roles, a person and an organisation that are in no table, and
    # a document with no party at all.
    connection.executescript("""
        INSERT INTO people (id, name, sort_name, aliases, position)
            SELECT 'twin', name, sort_name, aliases, '' FROM people WHERE id = 'mikoyan';
        INSERT INTO document_people (document_id, person_id, role)
            SELECT document_id, 'twin', 'mentioned' FROM document_people
            WHERE person_id = 'mikoyan';
        INSERT INTO document_people (document_id, person_id, role)
            SELECT document_id, person_id, 'mentioned' FROM document_people
            WHERE role = 'author';
        INSERT INTO document_organisations (document_id, organisation_id, role)
            SELECT document_id, organisation_id, 'mentioned' FROM document_organisations
            WHERE role = 'recipient';
        INSERT INTO document_people (document_id, person_id, role)
            SELECT id, 'nobody', 'mentioned' FROM documents LIMIT 2;
        INSERT INTO document_organisations (document_id, organisation_id, role)
            SELECT id, 'nothing', 'mentioned' FROM documents LIMIT 2;
        DELETE FROM document_people WHERE document_id = (SELECT max(id) FROM documents);
        DELETE FROM document_organisations
            WHERE document_id = (SELECT max(id) FROM documents);
        CREATE TABLE person_keys (person_id TEXT, key TEXT);
    """)
    for person_id, name, aliases in connection.execute("SELECT id, name, aliases FROM people"):
        connection.executemany("INSERT INTO person_keys VALUES (?, ?)",
                               [(person_id, key) for key in names.keys(f"{name};{aliases}")])
    expected = connection.execute(PARTY_TEXT_IN_SQL).fetchall()
    # The copy's documents are in date order: a row's place in it is the document's rowid.
    found = [(rowid, people, organisations, keys) for rowid, _, _, people, organisations, keys
             in database.documents_full_text(connection)]
    assert found == expected
    assert any(people and "; " in people for _, people, _, _ in found)
    [without_parties] = connection.execute(
        "SELECT rowid FROM documents WHERE id = (SELECT max(id) FROM documents)").fetchone()
    assert dict((rowid, rest) for rowid, *rest in found)[without_parties] == [None, None, ""]

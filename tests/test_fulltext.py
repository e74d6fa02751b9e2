"""kwp_archive.fulltext: the full-text indexes built in a second process and copied in."""

import csv
import os
import re
import shutil
import sqlite3

import pytest

from conftest import SOURCES, live_processes
from kwp_archive import database, fulltext

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
    named = set(re.findall(r"\b[a-z_]+\b", database.FULL_TEXT_AS_READ + database.PARTY_NAMES))
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

"""The floor: what SQLite itself costs for our database, with no checking at all.

    python bench/floor.py SOURCES_DIR OUTPUT.db

Reads the same CSV files with the csv module and inserts the same rows into the same tables
(kwp_archive.database's schema, indexes, summaries and full-text content) with executemany
in one transaction. Python computes what the rows need (date bounds, a person's sort name,
a person's name keys, once per person), and SQL calls no Python function per row. No
validation, no line numbers, no reference checks, no progress, no atomic rename. The rows are
read and inserted by one process; the phases after them run as the build runs them, the full
text in a second process beside the others (kwp_archive.pipeline.finish).
"""

import calendar
import csv
import sqlite3
import sys
from pathlib import Path

from kwp_archive import database, names, pipeline
from kwp_archive.progress import Silent


def bounded(rows):
    for id, date, title, type, summary, *provenance in rows:
        year = int(date[:4])
        if len(date) == 4:
            start, end, precision = f"{date}-01-01", f"{date}-12-31", "year"
        elif len(date) == 7:
            last = calendar.monthrange(year, int(date[5:7]))[1]
            start, end, precision = f"{date}-01", f"{date}-{last:02d}", "month"
        else:
            start = end = date
            precision = "day"
        yield id, date, start, end, precision, year, title, type, summary, *provenance


def rows(path, columns):
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        for row in reader:
            yield tuple(row.get(column, "") for column in columns)


def main(sources, output):
    sources = Path(sources)
    connection = sqlite3.connect(output, isolation_level=None)
    connection.execute(f"PRAGMA page_size = {database.PAGE_SIZE}")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(database.SCHEMA)
    connection.execute("BEGIN")
    insert = database.INSERTS
    connection.executemany(insert["document_types"], (
        (id, name, description, int(sent == "yes")) for id, name, description, sent in rows(
            sources / "document_types.csv", ("id", "name", "description", "sent"))))
    connection.executemany(insert["documents"], bounded(rows(
        sources / "records.csv", ("id", "date", "title", "type", "summary", "source_url",
                                  "archive", "archive_reference", "translator",
                                  "original_language"))))
    connection.executemany(
        "INSERT INTO people (id, name, sort_name, aliases, position, sources) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((id, name, names.sort_name(name), aliases, position, provenance)
         for id, name, aliases, position, provenance in rows(
             sources / "people.csv", ("id", "name", "aliases", "position", "sources"))))
    connection.executemany(insert["organisations"], rows(
        sources / "organisations.csv", ("id", "name", "aliases")))
    connection.executemany(insert["document_people"], rows(
        sources / "document_people.csv", ("document_id", "person_id", "role")))
    connection.executemany(insert["document_organisations"], rows(
        sources / "document_organisations.csv", ("document_id", "organisation_id", "role")))
    for table, columns in (("collections", ("id", "name", "source_url")),
                           ("subjects", ("id", "name", "source_url")),
                           ("document_collections", ("document_id", "collection_id")),
                           ("document_subjects", ("document_id", "subject_id"))):
        connection.executemany(insert[table], rows(sources / f"{table}.csv", columns))
    # The phases after the rows as the build runs them: the full text in a second process
    # beside the date order, indexes and summaries. The floor of a two-core build uses both.
    pipeline.finish(connection, Silent())
    connection.execute("COMMIT")
    connection.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""The floor: what SQLite itself costs for our database, with no checking at all.

    python bench/floor.py SOURCES_DIR OUTPUT.db

Reads the same CSV files with the csv module and inserts the same rows, with executemany,
into the build's tables as read; then writes and derives them as the build does
(kwp_archive.pipeline.finish). Python computes only what the rows need (a date's bounds, a
person's sort name). No validation, no checks over every row, no progress, no atomic
rename: the build's time over the floor's is what checking costs.
"""

import calendar
import csv
import sqlite3
import sys
from pathlib import Path

from kwp_archive import loading, names, pipeline, provenance, schema, sources
from kwp_archive.progress import Progress


def bounded(date):
    year = int(date[:4])
    if len(date) == 4:
        return f"{date}-01-01", f"{date}-12-31", "year", year
    if len(date) == 7:
        last = calendar.monthrange(year, int(date[5:7]))[1]
        return f"{date}-01", f"{date}-{last:02d}", "month", year
    return date, date, "day", year


def rows(path, layout):
    with open(path, newline="", encoding="utf-8") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            if layout is sources.RECORDS:
                row["date_start"], row["date_end"], row["date_precision"], row["year"] = (
                    bounded(row["date"]))
                row["source_kind"] = provenance.source_kind(row["source_url"])
            elif layout is sources.PEOPLE:
                row["sort_name"] = names.sort_name(row["name"])
                row["born"] = int(row["born"]) if row.get("born") else None
                row["died"] = int(row["died"]) if row.get("died") else None
            elif layout is sources.DOCUMENT_TYPES:
                row["sent"] = int(row.get("sent") == "yes")
            yield line, *(row.get(column, "") for column in layout.columns)


def main(directory, output):
    connection = sqlite3.connect(output, isolation_level=None)
    connection.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(schema.TABLES)
    loading.stage(connection)
    connection.execute("BEGIN")
    for layout in sources.LAYOUTS:
        path = Path(directory) / layout.filename
        if path.exists():  # the benchmark's sources have no related documents, say
            loading.insert(connection, layout, rows(path, layout))
    connection.execute("COMMIT")
    pipeline.finish(connection, Progress())
    connection.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])

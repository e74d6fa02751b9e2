"""Whether two builds hold the same rows: every table and the full-text indexes' contents,
row by row in rowid order, and the same answers to a few searches.

    python bench/same_rows.py A.db B.db [--ignore TABLE ...]

Tables and columns only one side has are named (a newer build may add some), and the
columns both have are compared; exit status 1 when any of those differ.
"""

import argparse
import sqlite3
import sys

# FTS5 keeps each index in shadow tables whose pages depend on how it was written; what it
# holds is compared through the index itself.
_SHADOW = ("_data", "_idx", "_docsize", "_config", "_content")
_SEARCHES = ("telegram", "plen*", "kim", '"central committee"', "name_keys : kimilsonk")


def tables(connection):
    return {name for (name,) in connection.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        if not name.endswith(_SHADOW)}


def _has_rowid(connection, table):
    try:
        connection.execute(f"select rowid from [{table}] limit 0")
        return True
    except sqlite3.OperationalError:
        return False


def differences(a, b, ignore=()):
    first, second = sqlite3.connect(a), sqlite3.connect(b)
    found = []
    shared = (tables(first) & tables(second)) - set(ignore)
    for name in sorted((tables(first) ^ tables(second)) - set(ignore)):
        found.append(f"{name}: only in {a if name in tables(first) else b}")
    for name in sorted(shared):
        columns = [[row[1] for row in side.execute(f"pragma table_info([{name}])")]
                   for side in (first, second)]
        both = [column for column in columns[0] if column in columns[1]]
        for column in sorted(set(columns[0]) ^ set(columns[1])):
            found.append(f"{name}.{column}: only in {a if column in columns[0] else b}")
        # A table WITHOUT ROWID is in the order of its key, which is among its columns.
        order = "rowid" if _has_rowid(first, name) else ", ".join(both)
        sql = f"select {order}, {', '.join(both)} from [{name}] order by {order}"
        if first.execute(sql).fetchall() != second.execute(sql).fetchall():
            found.append(f"{name}: rows differ")
    for name in sorted(shared & {"documents_fts", "people_fts"}):
        for search in _SEARCHES:
            sql = f"select rowid from [{name}] where [{name}] match ? order by rank, rowid"
            try:
                same = first.execute(sql, (search,)).fetchall() == second.execute(
                    sql, (search,)).fetchall()
            except sqlite3.OperationalError:
                continue  # a column that index has not
            if not same:
                found.append(f"{name}: the search {search!r} differs")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--ignore", nargs="*", default=[])
    args = parser.parse_args(argv)
    found = differences(args.a, args.b, args.ignore)
    print("\n".join(found) or "the same rows")
    return 1 if any(line.endswith("differ") for line in found) else 0


if __name__ == "__main__":
    sys.exit(main())

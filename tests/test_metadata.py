"""Every table and column that users can query is described in metadata.yml."""

import sqlite3

import yaml

from kwp_archive import site


def test_every_table_and_column_is_described(archive_db):
    metadata = yaml.safe_load(site.METADATA.read_text())
    tables = metadata["databases"]["archive"]["tables"]
    with sqlite3.connect(archive_db) as connection:
        names = [name for (name,) in connection.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like 'sqlite_%' "
            # FTS5 keeps its index in shadow tables: SQLite's internals, not ours.
            "and name not glob '*_fts_*' order by name")]
        assert {"documents", "people", "documents_fts", "people_fts"} <= set(names)
        missing = []
        for name in names:
            described = tables.get(name, {})
            if not described.get("description"):
                missing.append(name)
            columns = [row[1] for row in connection.execute(f"pragma table_info([{name}])")]
            missing += [f"{name}.{column}" for column in columns
                        if not described.get("columns", {}).get(column)]
    assert missing == []
    assert set(tables) <= set(names), "metadata describes tables the build does not make"


def test_collection_metadata():
    metadata = yaml.safe_load(site.METADATA.read_text())
    for key in ("title", "description_html", "license", "license_url", "source", "source_url"):
        assert metadata.get(key), key
    assert "Wilson Center Digital Archive" in metadata["source"]

"""Write the database as a Frictionless data package: one CSV per table and datapackage.json,
with each table's schema (types, keys, descriptions from metadata.yml), licence and sources."""

import csv
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import yaml

from . import atomic

TABLES = ("documents", "people", "organisations", "document_types", "collections", "subjects",
          "events", "document_people", "document_organisations", "document_collections",
          "document_subjects", "document_events", "related_documents", "reference_hosts",
          "unlinked_mentions", "releases", "withdrawn", "archives")
_TYPES = {"TEXT": "string", "INTEGER": "integer", "REAL": "number"}
# Text columns that the sources may leave empty, beside those whose default is empty; every
# other column always has a value.
_MAY_BE_EMPTY = {"summary", "aliases", "position", "born", "died", "sources", "description",
                 "archive", "archive_reference", "translator", "original_language"}


# The release a database was built as: the last of releases.csv.
RELEASE = "select version, date, summary from releases order by rowid desc limit 1"


def release(connection):
    """(version, date, summary) of the release a database was built as, or None."""
    row = connection.execute(RELEASE).fetchone()
    return tuple(row) if row else None


def write(database, directory, metadata_path, homepage=None) -> Path:
    metadata = yaml.safe_load(Path(metadata_path).read_text(encoding="utf-8"))
    described = metadata["databases"]["archive"]["tables"]
    directory = atomic.our_directory(directory, empty=True)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        connection.row_factory = sqlite3.Row
        resources = [_write_table(connection, table, described.get(table, {}), directory)
                     for table in TABLES]
        released = release(connection)
    package = {"name": "kwp-archive", "title": metadata["title"],
               "description": " ".join(metadata["databases"]["archive"]["description"].split()),
               "licenses": [{"name": "CC-BY-4.0", "title": metadata["license"],
                             "path": metadata["license_url"]}],
               "sources": [{"title": metadata["source"], "path": metadata["source_url"]}],
               "resources": resources}
    if released:
        # The same id for the same version, wherever it is built.
        version, date, _ = released
        package = {"id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'kwp-archive/{version}')}",
                   **package, "version": version, "created": f"{date}T00:00:00Z",
                   **({"homepage": homepage} if homepage else {})}
    path = directory / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _write_table(connection, table, described, directory):
    columns = connection.execute(f"pragma table_info([{table}])").fetchall()
    names = [column["name"] for column in columns]
    primary_key = [column["name"] for column in sorted(columns, key=lambda c: c["pk"])
                   if column["pk"]]
    with open(directory / f"{table}.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        writer.writerows(connection.execute(f"select {', '.join(names)} from [{table}] "
                                            f"order by {', '.join(primary_key)}"))
    schema = {"fields": [{"name": name, "type": _TYPES[column["type"]],
                          "description": described.get("columns", {}).get(name, ""),
                          "constraints": {"required": name not in _MAY_BE_EMPTY
                                                      and column["dflt_value"] != "''"}}
                         for name, column in zip(names, columns)],
              "primaryKey": primary_key}
    foreign_keys = [{"fields": [key["from"]],
                     "reference": {"resource": key["table"], "fields": [key["to"]]}}
                    for key in connection.execute(f"pragma foreign_key_list([{table}])")]
    if foreign_keys:
        schema["foreignKeys"] = sorted(foreign_keys, key=lambda key: key["fields"])
    return {"name": table, "path": f"{table}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": " ".join(described.get("description", "").split()),
            "schema": schema}

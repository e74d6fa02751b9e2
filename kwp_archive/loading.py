"""The rows as read, checked as a whole, then written into the tables readers see.

Each file's rows go into a temporary table of their own as they are read, each under the
line it starts on. Once every file is in, what needs every row (an id used twice, a link
given twice, a reference to nothing) is a query over those tables that names the lines at
fault. Only a source set with no problem is written into the tables of kwp_archive.schema:
the documents in the order a reader sees them (date, then id), so that their rowids follow
that order, and every other table in the editors' order.
"""

from . import names
from .schema import ANY_CASE_INDEX
from .sources import (
    COLLECTIONS,
    DOCUMENT_TYPES,
    ENTITIES,
    LAYOUTS,
    ORGANISATIONS,
    PEOPLE,
    RECORDS,
    SUBJECTS,
    Problem,
)

# What each column that refers to another file refers to.
_REFERS_TO = {"type": DOCUMENT_TYPES, "document_id": RECORDS, "person_id": PEOPLE,
              "organisation_id": ORGANISATIONS, "collection_id": COLLECTIONS,
              "subject_id": SUBJECTS}


def _as_read(layout):
    return f"temp.as_read_{layout.table}"


def stage(connection):
    """A temporary table for each file's rows as read: they go with the connection."""
    for layout in LAYOUTS:
        connection.execute(f"CREATE TEMP TABLE as_read_{layout.table} "
                           f"(line INTEGER PRIMARY KEY, {', '.join(layout.columns)})")


def insert(connection, layout, rows):
    """Rows of a file as its loader yields them: the line, then the values."""
    places = ", ".join("?" * (1 + len(layout.columns)))
    connection.executemany(f"INSERT INTO {_as_read(layout)} VALUES ({places})", rows)


# The rows whose id an earlier row of the same file has already; for documents, whatever
# its case (schema.ANY_CASE_INDEX).
_TAKEN_IDS = """
SELECT line, id, earlier_id FROM (
    SELECT line, id,
        first_value(id) OVER (PARTITION BY id {collation} ORDER BY line) AS earlier_id,
        row_number() OVER (PARTITION BY id {collation} ORDER BY line) AS place
    FROM {table}
)
WHERE place > 1
"""
# The links that an earlier row of the same file gives already.
_REPEATED_LINKS = """
SELECT line, {columns} FROM (
    SELECT line, {columns},
        row_number() OVER (PARTITION BY {columns} ORDER BY line) AS place
    FROM {table}
)
WHERE place > 1
"""
_UNKNOWN = """
SELECT line, {column} FROM {table}
WHERE {column} NOT IN (SELECT id FROM {target})
"""


def problems(connection, readers):
    """Every problem that needs every row, as Problems with their files and lines."""
    found = []
    for layout in ENTITIES:
        reader = readers[layout.table]
        collation = "COLLATE NOCASE" if layout is RECORDS else ""
        for line, value, earlier in connection.execute(
                _TAKEN_IDS.format(table=_as_read(layout), collation=collation)):
            if value != earlier:
                found.append(Problem(reader.name, line, "id", (
                    f"{value!r} differs from the earlier id {earlier!r} only in case; "
                    "reference managers would take them for one, so choose another id")))
            else:
                found.append(Problem(reader.name, line, "id",
                                     f"{value!r} is used by an earlier row"))
    for layout in LAYOUTS:
        if layout in ENTITIES:
            continue
        reader = readers[layout.table]
        party = layout.columns[1]
        for line, document_id, party_id, *role in connection.execute(_REPEATED_LINKS.format(
                table=_as_read(layout), columns=", ".join(layout.columns))):
            as_role = f" as {role[0]}" if role else ""
            found.append(Problem(reader.name, line, party, f"{party_id!r} is already linked "
                                 f"to {document_id!r}{as_role} by an earlier row"))
    for layout in LAYOUTS:
        for column in layout.columns:
            target = _REFERS_TO.get(column)
            if target is None or target is layout:
                continue
            found += _unknown(connection, readers[layout.table], column, readers[target.table])
    return found


def _unknown(connection, reader, column, target):
    if not target.usable:
        return []  # that file's own problems are reported already
    return [
        Problem(reader.name, line, column, f"{value!r} is not an id in {target.path.name}")
        for line, value in connection.execute(_UNKNOWN.format(
            table=_as_read(reader.layout), column=column, target=_as_read(target.layout)))
        if value not in target.refused_ids
    ]


def likely_duplicates(connection, reader):
    """Warnings for people whose names fold to the same key: one person entered twice?"""
    first_with_key = {}
    warnings = []
    for line, person_id, name in connection.execute(
            f"SELECT line, id, name FROM {_as_read(PEOPLE)} ORDER BY line"):
        earlier = first_with_key.setdefault(names.fold(name), (person_id, name, line))
        if earlier[0] != person_id:
            warnings.append(Problem(
                reader.name, line, "name",
                f"{name!r} ({person_id}) may be the same person as {earlier[1]!r} "
                f"({earlier[0]}, line {earlier[2]}): the names fold to the same key",
            ))
    return warnings


# Each document's collections and subjects by name, as JSON arrays, made as the documents
# are written: the documents table facets them, and a reader sees them beside the title.
_NAMES = """coalesce((
        SELECT json_group_array(name) FROM (
            SELECT {names}.name FROM {links}
            JOIN {names} ON {names}.id = {links}.{key}
            WHERE {links}.document_id = as_read.id ORDER BY {names}.name
        )), '[]')"""
_DOCUMENTS = """
INSERT INTO documents ({columns}, collections, subjects)
SELECT {columns},
    {collections},
    {subjects}
FROM {table} AS as_read
ORDER BY date, id
"""
_IN_ORDER = "INSERT INTO {table} ({columns}) SELECT {columns} FROM {as_read} ORDER BY line"
# A link to a party carries its document's date.
_DATED_LINKS = """
INSERT INTO {table} ({columns}, date)
SELECT {columns}, (SELECT date FROM documents WHERE documents.id = as_read.document_id)
FROM {as_read} AS as_read
ORDER BY line
"""


def write(connection):
    """The rows as read, into the tables readers see. The documents' arrays are made from
    their collections' and subjects' links, so those go first; the links to parties, which
    carry their documents' dates, last."""
    for layout in LAYOUTS:
        if layout is RECORDS or layout.columns[-1] == "role":
            continue
        connection.execute(_IN_ORDER.format(table=layout.table, as_read=_as_read(layout),
                                            columns=", ".join(layout.columns)))
    connection.execute(_DOCUMENTS.format(
        columns=", ".join(RECORDS.columns), table=_as_read(RECORDS),
        collections=_NAMES.format(names="collections", links="document_collections",
                                  key="collection_id"),
        subjects=_NAMES.format(names="subjects", links="document_subjects", key="subject_id")))
    connection.execute(ANY_CASE_INDEX)
    for layout in LAYOUTS:
        if layout.columns[-1] == "role":
            connection.execute(_DATED_LINKS.format(
                table=layout.table, as_read=_as_read(layout),
                columns=", ".join(layout.columns)))

"""The rows as read, checked as a whole, then written into the tables readers see.

Each file's rows go into a temporary table of their own as read, under the line each starts
on; what needs every row (an id used twice, a link given twice, a reference to nothing) is a
query over those tables that names the lines at fault. A sound source set is then written:
the documents in the order a reader sees them (date, then id), so that their rowids follow
it; every other table in the editors'."""

import re
from urllib.parse import urlsplit

from . import names, provenance, sources
from .derived import ARRAY_SOURCES
from .mentions import Mentions
from .schema import ANY_CASE_INDEX
from .sources import LAYOUTS, PARTY_LINKS, PEOPLE, RECORDS, Problem

# The host of a record's source_url (https://HOST/...), as archives.csv lists it.
_HOST = "substr({url}, 9, instr(substr({url}, 9) || '/', '/') - 1)"
# What each column that refers to another file refers to.
_REFERS_TO = {"type": sources.DOCUMENT_TYPES, "document_id": RECORDS, "related_id": RECORDS,
              "person_id": PEOPLE, "organisation_id": sources.ORGANISATIONS,
              "collection_id": sources.COLLECTIONS, "subject_id": sources.SUBJECTS,
              "event_id": sources.EVENTS}


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


# Rows whose key an earlier row has, with that row's; a document's id in any case.
_TAKEN = """
SELECT line, {key}, earlier FROM (
    SELECT line, {key},
        first_value({first}) OVER (PARTITION BY {partition} ORDER BY line) AS earlier,
        row_number() OVER (PARTITION BY {partition} ORDER BY line) AS place
    FROM {table}
)
WHERE place > 1"""
# Whether any key is taken twice: grouping is several times quicker than the windows above,
# which a sound source set (the common case) then never needs.
_ANY_TAKEN = "SELECT 1 FROM {table} GROUP BY {partition} HAVING count(*) > 1 LIMIT 1"
_UNKNOWN = "SELECT line, {column} FROM {table} WHERE {column} NOT IN (SELECT id FROM {target})"


def problems(connection, readers):
    """Every problem that needs every row, as Problems with their files and lines, one at a
    time (a file may hold millions)."""
    for layout in LAYOUTS:
        yield from _taken(connection, readers[layout.table])
    for layout in LAYOUTS:
        for column in layout.columns:
            target = _REFERS_TO.get(column)
            if target is not None and target is not layout:
                yield from _unknown(connection, readers[layout.table], column,
                                    readers[target.table])
    yield from _release_problems(connection, readers)
    yield from _foreign_hosts(connection, readers)
    for vouched in (PEOPLE, sources.EVENTS):
        yield from _unlisted_hosts(connection, readers[vouched.table],
                                   readers[sources.REFERENCE_HOSTS.table])


def _taken(connection, reader):
    layout = reader.layout
    key = ", ".join(layout.key)
    partition = "id COLLATE NOCASE" if layout is RECORDS else key
    if not connection.execute(_ANY_TAKEN.format(table=_as_read(layout),
                                                partition=partition)).fetchone():
        return
    sql = _TAKEN.format(key=key, first=layout.key[0], partition=partition,
                        table=_as_read(layout))
    for line, *values, earlier in connection.execute(sql):
        if len(values) == 1 and values[0] != earlier:
            message = (f"{values[0]!r} differs from the earlier id {earlier!r} only in case; "
                       "reference managers would take them for one, so choose another id")
        elif len(values) == 1:
            message = f"{values[0]!r} is used by an earlier row"
        else:
            as_role = f" as {values[2]}" if len(values) > 2 else ""
            message = (f"{values[1]!r} is already linked to {values[0]!r}{as_role} by an "
                       "earlier row")
        yield Problem(reader.name, line, layout.key[min(1, len(values) - 1)], message)


def _unknown(connection, reader, column, target):
    if not target.usable:
        return []  # that file's own problems are reported already
    sql = _UNKNOWN.format(table=_as_read(reader.layout), column=column,
                          target=_as_read(target.layout))
    return (Problem(reader.name, line, column, f"{value!r} is not an id in {target.path.name}")
            for line, value in connection.execute(sql) if value not in target.refused_ids)


# (file, column, the rows at fault, what is wrong): a withdrawn record has left records.csv;
# a release named is one of releases.csv.
_RELEASE_CHECKS = (
    (sources.WITHDRAWN, "id", "id IN (SELECT id FROM temp.as_read_documents)",
     "is still in records.csv: a withdrawn record's row leaves it"),
    *((layout, column, f"{column} NOT IN (SELECT version FROM temp.as_read_releases)",
       "is not a version in releases.csv")
      for layout, column in ((sources.WITHDRAWN, "withdrawn_in"),
                             (sources.LEDGER, "added_in"), (sources.LEDGER, "changed_in"))),
)


# Records whose source is on no archive's host (only the Digital Archive's without
# archives.csv).
_FOREIGN = f"""
SELECT line, source_url FROM temp.as_read_documents AS as_read
WHERE {_HOST.format(url="source_url")} NOT IN (
    SELECT host FROM temp.as_read_archives
    UNION ALL SELECT :archive_host WHERE NOT EXISTS (SELECT 1 FROM temp.as_read_archives))"""


def _foreign_hosts(connection, readers):
    records, archives = readers[RECORDS.table], readers[sources.ARCHIVES.table]
    if not archives.usable:
        return
    hosts = [host for (host,) in connection.execute("SELECT host FROM temp.as_read_archives")]
    for line, url in connection.execute(_FOREIGN, {"archive_host": provenance.ARCHIVE_HOST}):
        yield Problem(records.name, line, "source_url", (
            f"{url!r} is not on the host of an archive of archives.csv "
            f"({', '.join(hosts) or provenance.ARCHIVE_HOST}): give the address as the "
            "archive's own page shows it"))


def _release_problems(connection, readers):
    for layout, column, where, message in _RELEASE_CHECKS:
        reader = readers[layout.table]
        for line, value in connection.execute(
                f"SELECT line, {column} FROM {_as_read(layout)} WHERE {where}"):
            yield Problem(reader.name, line, column, f"{value!r} {message}")


_ADDRESS = re.compile(r"https?://\S+")


def _unlisted_hosts(connection, vouched, hosts):
    """A person's or an event's sources on a host that reference_hosts.csv does not list:
    names, positions and dates come from reference works, never from a mirror or a content
    farm. A listed host stands for itself and those below it (wikipedia.org for
    en.wikipedia.org)."""
    if not hosts.usable:
        return []
    listed = {host for (host,) in connection.execute(f"SELECT host FROM {_as_read(hosts.layout)}")}
    found = []
    what = "a person's names, position and dates" if vouched.layout is PEOPLE else (
        "an event's dates")
    for line, given in connection.execute(
            f"SELECT line, sources FROM {_as_read(vouched.layout)}"):
        for address in _ADDRESS.findall(given or ""):
            # An address in parentheses, or at the end of a sentence, ends before them.
            address = address.rstrip(".,;")
            while address.endswith(")") and address.count("(") < address.count(")"):
                address = address[:-1]
            host = (urlsplit(address).hostname or "").removeprefix("www.")
            parts = host.split(".")
            if not any(".".join(parts[start:]) in listed for start in range(len(parts))):
                found.append(Problem(vouched.name, line, "sources", (
                    f"{host!r} is not a host of reference_hosts.csv: {what} come from a "
                    f"reference work ({address})")))
    return found


def likely_duplicates(connection, reader):
    """Warnings for people whose names fold to the same key: one person entered twice?"""
    first_with_key, warnings = {}, []
    for line, person_id, name in connection.execute(
            f"SELECT line, id, name FROM {_as_read(PEOPLE)} ORDER BY line"):
        earlier = first_with_key.setdefault(names.fold(name), (person_id, name, line))
        if earlier[0] != person_id:
            warnings.append(Problem(reader.name, line, "name", (
                f"{name!r} ({person_id}) may be the same person as {earlier[1]!r} "
                f"({earlier[0]}, line {earlier[2]}): the names fold to the same key. Merge "
                "the rows only where a reference page says they are one person; until then "
                "the warning stays")))
    return warnings


# Of the people a text names, those neither linked to its record nor in unlinked.csv.
_UNLINKED = """
SELECT line, person_id, field FROM temp.named
WHERE NOT EXISTS (SELECT 1 FROM {links} AS links
                  WHERE links.document_id = named.document_id AND links.person_id = named.person_id)
  AND NOT EXISTS (SELECT 1 FROM {unlinked} AS unlinked
                  WHERE unlinked.document_id = named.document_id
                    AND unlinked.person_id = named.person_id)
ORDER BY line, person_id"""


def unlinked_people(connection, readers):
    """Warnings for people a title or summary names who are not linked, nor in unlinked.csv."""
    people = connection.execute(f"SELECT id, name, aliases FROM {_as_read(PEOPLE)}").fetchall()
    mentions, name_of = Mentions(people), {person_id: name for person_id, name, _ in people}
    connection.execute("CREATE TEMP TABLE named (line, document_id, person_id, field)")
    for line, document_id, title, summary in connection.execute(
            f"SELECT line, id, title, summary FROM {_as_read(RECORDS)}"):
        in_title = mentions.named(title)
        connection.executemany("INSERT INTO temp.named VALUES (?, ?, ?, ?)", [
            (line, document_id, person_id, "title" if person_id in in_title else "summary")
            for person_id in in_title | mentions.named(summary)])
    return [Problem(readers[RECORDS.table].name, line, field,
                    f"names {name_of[person_id]} ({person_id}), who is not linked to the record: "
                    "link them in document_people.csv, or say why not in unlinked.csv")
            for line, person_id, field in connection.execute(_UNLINKED.format(
                links=_as_read(sources.DOCUMENT_PEOPLE), unlinked=_as_read(sources.UNLINKED)))]


# Each document's collections and subjects by name (JSON arrays), to facet and to show.
_NAMES = """coalesce((
        SELECT json_group_array(name) FROM (
            SELECT {names}.name FROM {links}
            JOIN {names} ON {names}.id = {links}.{key}
            WHERE {links}.document_id = as_read.id ORDER BY {names}.name
        )), '[]')"""
# A record's releases from the ledger, written before the documents (a lookup by its key);
# one it does not hold is new in the version being built, or in none without releases.
_RELEASED = """
    coalesce((SELECT {column} FROM record_releases WHERE record_releases.id = as_read.id),
             (SELECT version FROM releases ORDER BY rowid DESC LIMIT 1), '')"""
# A record's archive, by its address's host (archives.host is unique, so indexed).
_ARCHIVE = f"""
    coalesce((SELECT id FROM archives
              WHERE archives.host = {_HOST.format(url="as_read.source_url")}), '')"""
_DOCUMENTS = """
INSERT INTO documents ({columns}, {arrays}, added_in, changed_in, source_archive)
SELECT {columns}, {names}, {added_in}, {changed_in}, {archive}
FROM {table} AS as_read
ORDER BY date, id"""
_IN_ORDER = "INSERT INTO {table} ({columns}) SELECT {columns} FROM {as_read} ORDER BY line"
# A link to a party carries its document's date.
_DATED_LINKS = """
INSERT INTO {table} ({columns}, date)
SELECT {columns}, (SELECT date FROM documents WHERE documents.id = as_read.document_id)
FROM {as_read} AS as_read
ORDER BY line"""


def write(connection):
    """The rows as read, into the tables readers see: the listings' links before the
    documents, whose arrays they make; the party links, which carry their dates, after."""
    for layout in LAYOUTS:
        if layout is not RECORDS and layout not in PARTY_LINKS:
            connection.execute(_IN_ORDER.format(table=layout.table, as_read=_as_read(layout),
                                                columns=", ".join(layout.columns)))
    arrays = {array: _NAMES.format(links=links, key=key, names=names)
              for array, (links, key, names) in ARRAY_SOURCES.items()}
    connection.execute(_DOCUMENTS.format(
        columns=", ".join(RECORDS.columns), table=_as_read(RECORDS), arrays=", ".join(arrays),
        names=", ".join(arrays.values()), added_in=_RELEASED.format(column="added_in"),
        changed_in=_RELEASED.format(column="changed_in"), archive=_ARCHIVE))
    connection.execute(ANY_CASE_INDEX)
    for layout in PARTY_LINKS:
        connection.execute(_DATED_LINKS.format(table=layout.table, as_read=_as_read(layout),
                                               columns=", ".join(layout.columns)))

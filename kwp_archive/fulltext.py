"""The full-text indexes: documents_fts (each document's title, summary and the names of its
parties) and people_fts (each person's names), written through FTS5's own SQL once the
documents are in their order, each document under its rowid there.

A name is searched under any spelling by its keys (kwp_archive.names.keys), which are folded
once per person, and each document's keys put together from its people's: a person in a
hundred thousand documents is folded once, not a hundred thousand times.
"""

from . import names
from .schema import FULL_TEXT_TABLES
from .search import NAME_KEYS

_PEOPLE = "SELECT rowid, id, name, aliases FROM people"
_ORGANISATIONS = "SELECT id, name, aliases FROM organisations"
# Each document's text and the ids of its parties (space-separated: an id has no space, see
# kwp_archive.sources), in the documents' order, which is their rowids' order.
_DOCUMENTS = """
SELECT documents.rowid, documents.title, documents.summary,
    (SELECT group_concat(person_id, ' ') FROM document_people
     WHERE document_people.document_id = documents.id),
    (SELECT group_concat(organisation_id, ' ') FROM document_organisations
     WHERE document_organisations.document_id = documents.id)
FROM documents
ORDER BY documents.rowid
"""
_DOCUMENT_ROW = f"""
INSERT INTO documents_fts (rowid, title, summary, people, organisations, {NAME_KEYS})
VALUES (?, ?, ?, ?, ?, ?)
"""
_PERSON_ROW = f"INSERT INTO people_fts (rowid, name, aliases, {NAME_KEYS}) VALUES (?, ?, ?, ?)"


def build(connection):
    """Both indexes, in one transaction: FTS5 writes what it holds at each commit."""
    connection.executescript(FULL_TEXT_TABLES)
    connection.execute("BEGIN")
    parties = _Parties(connection)
    connection.executemany(_PERSON_ROW, (
        (rowid, name, aliases, parties.person_keys[person_id])
        for rowid, person_id, name, aliases in connection.execute(_PEOPLE)))
    connection.executemany(_DOCUMENT_ROW, documents_full_text(connection, parties))
    connection.execute("COMMIT")


def documents_full_text(connection, parties=None):
    """Each document's row of documents_fts: its rowid, title, summary, the names (with
    aliases) of its people and of its organisations, and its people's name keys. Each list
    is sorted and without repeats; parties that are not in their table are left out, as a
    join leaves them out."""
    parties = parties or _Parties(connection)
    for rowid, title, summary, person_ids, organisation_ids in connection.execute(_DOCUMENTS):
        yield (rowid, title, summary, _listed(person_ids, parties.person_names),
               _listed(organisation_ids, parties.organisation_names),
               parties.keys_of(person_ids))


class _Parties:
    """Each person's and organisation's name with its aliases, and each person's name keys,
    made once for each rather than once for every document they are in."""

    def __init__(self, connection):
        self.person_names, self.person_keys = {}, {}
        for _, person_id, name, aliases in connection.execute(_PEOPLE):
            self.person_names[person_id] = f"{name} {aliases}".strip(" ")
            # Keys are letters and digits: joined by spaces, they are one token each.
            self.person_keys[person_id] = " ".join(names.keys(f"{name};{aliases}"))
        self.organisation_names = {
            organisation_id: f"{name} {aliases}".strip(" ")
            for organisation_id, name, aliases in connection.execute(_ORGANISATIONS)}

    def keys_of(self, person_ids):
        """The name keys of the people of these ids (space-separated), sorted, no repeats."""
        if person_ids is None:
            return ""
        keys = set()
        for person_id in person_ids.split(" "):
            keys.update(self.person_keys.get(person_id, "").split())
        return " ".join(sorted(keys))


def _listed(ids, names_of):
    """The names of these ids (a person in two roles is there twice), sorted and without
    repeats, "; " between."""
    if ids is None:
        return None
    found = {names_of[id] for id in ids.split(" ") if id in names_of}
    return "; ".join(sorted(found)) if found else None

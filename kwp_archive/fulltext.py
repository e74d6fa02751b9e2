"""The full-text indexes, written through FTS5's own SQL once the documents are in order,
each under its rowid: documents_fts (a document's title, summary and parties' names) and
people_fts (a person's names). A name is searched under any spelling by its keys
(kwp_archive.names.keys), folded once per person and put together for each document from
its people's: a person in a hundred thousand documents is folded once, not each time."""

from . import names
from .schema import FULL_TEXT_TABLES
from .search import NAME_KEYS

# Each document's text and its parties' ids (space-separated: ids have none), in rowid order.
_DOCUMENTS = """
SELECT documents.rowid, documents.title, documents.summary,
    (SELECT group_concat(person_id, ' ') FROM document_people
     WHERE document_people.document_id = documents.id),
    (SELECT group_concat(organisation_id, ' ') FROM document_organisations
     WHERE document_organisations.document_id = documents.id)
FROM documents
ORDER BY documents.rowid"""
_DOCUMENT_ROW = f"""
INSERT INTO documents_fts (rowid, title, summary, people, organisations, {NAME_KEYS})
VALUES (?, ?, ?, ?, ?, ?)"""
_PERSON_ROW = f"INSERT INTO people_fts (rowid, name, aliases, {NAME_KEYS}) VALUES (?, ?, ?, ?)"


def build(connection):
    """Both indexes, in one transaction: FTS5 writes what it holds at each commit."""
    connection.executescript(FULL_TEXT_TABLES)
    connection.execute("BEGIN")
    people = connection.execute("SELECT rowid, id, name, aliases FROM people").fetchall()
    person_names = {person_id: _names(name, aliases) for _, person_id, name, aliases in people}
    # Keys are letters and digits: joined by spaces, they are one token each.
    person_keys = {person_id: " ".join(names.keys(f"{name};{aliases}"))
                   for _, person_id, name, aliases in people}
    organisation_names = {organisation_id: _names(name, aliases) for organisation_id, name, aliases
                          in connection.execute("SELECT id, name, aliases FROM organisations")}
    connection.executemany(_PERSON_ROW, ((rowid, name, aliases, person_keys[person_id])
                                         for rowid, person_id, name, aliases in people))
    # Each list sorted, each name once; parties not in their table left out, as a join would.
    connection.executemany(_DOCUMENT_ROW, (
        (rowid, title, summary, _listed(person_ids, person_names),
         _listed(organisation_ids, organisation_names), _keys_of(person_ids, person_keys))
        for rowid, title, summary, person_ids, organisation_ids in connection.execute(_DOCUMENTS)))
    connection.execute("COMMIT")


def _names(name, aliases):
    return f"{name} {aliases}".strip(" ")


def _keys_of(person_ids, person_keys):
    """The name keys of the people of these ids (space-separated), sorted, no repeats."""
    if person_ids is None:
        return ""
    return " ".join(sorted({key for person_id in person_ids.split(" ")
                            for key in person_keys.get(person_id, "").split()}))


def _listed(ids, names_of):
    """The names of these ids, sorted and each once (an id may come twice), "; " between."""
    if ids is None:
        return None
    found = {names_of[id] for id in ids.split(" ") if id in names_of}
    return "; ".join(sorted(found)) if found else None

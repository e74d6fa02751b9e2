"""sources/ -> archive.db: read each file, check it, write it, in one streaming pass.

Rows go into a temporary database as they are read; SQLite refuses a taken key and finds
references to nothing, and each refusal becomes a Problem with its file and line. Only when
no problem is left is the file renamed over the output.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import database, fulltext, names, reading
from .progress import Silent
from .sources import (COLLECTIONS, DOCUMENT_COLLECTIONS, DOCUMENT_ORGANISATIONS,
                      DOCUMENT_PEOPLE, DOCUMENT_SUBJECTS, DOCUMENT_TYPES, ORGANISATIONS, PEOPLE,
                      RECORDS, SUBJECTS, Problem, SourceError, read_document_types,
                      read_documents, read_links, read_listings, read_memberships,
                      read_organisations, read_people, readers)

# Tables in the order they are loaded, each with its file and how its rows are read.
LOADS = [
    ("document_types", DOCUMENT_TYPES.filename, read_document_types),
    ("documents", RECORDS.filename, read_documents),
    ("people", PEOPLE.filename, read_people),
    ("organisations", ORGANISATIONS.filename, read_organisations),
    ("document_people", DOCUMENT_PEOPLE.filename,
     lambda reader: read_links(reader, "person_id")),
    ("document_organisations", DOCUMENT_ORGANISATIONS.filename,
     lambda reader: read_links(reader, "organisation_id")),
    ("collections", COLLECTIONS.filename, read_listings),
    ("subjects", SUBJECTS.filename, read_listings),
    ("document_collections", DOCUMENT_COLLECTIONS.filename,
     lambda reader: read_memberships(reader, "collection_id")),
    ("document_subjects", DOCUMENT_SUBJECTS.filename,
     lambda reader: read_memberships(reader, "subject_id")),
]
FILES = {table: filename for table, filename, _ in LOADS}
# The full text reads only the first of them (kwp_archive.database.FULL_TEXT_READS): it
# starts once those are in, and the rest are read beside it.
_READ_BEFORE_FULL_TEXT = 1 + max(
    number for number, (table, _, _) in enumerate(LOADS) if table in database.FULL_TEXT_READS)


@dataclass
class Summary:
    counts: dict
    warnings: list = field(default_factory=list)


def build(directory, output, before_replace=None, progress=None) -> Summary:
    """Build the database at `output` from the CSV files in `directory`, or raise
    SourceError with every problem found, leaving `output` as it was. `before_replace`, if
    given, is called with the finished database's temporary path before it takes the place
    of `output`: if it fails, `output` stays as it was too. `progress` (kwp_archive.progress)
    is told of each file read and each phase after."""
    progress = progress or Silent()
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError([Problem(str(directory), 1, "--sources", "is not a directory")])
    problems, warnings = [], []
    files = readers(directory, problems, warnings)
    with reading.Reading(LOADS, files) as read, \
            database.atomic(output, before_replace) as connection:

        def load(loads):
            for table, filename, _ in loads:
                reader = files[filename]
                refuse = _refuser(table, reader, connection)
                with progress.reading(reader.path) as advance:
                    count = 0
                    for rows in read.batches(filename):
                        first_line = len(reader.lines) - len(rows)
                        # From the last: taking a line out moves those after it.
                        for position in reversed(database.insert(connection, table, rows)):
                            refuse(rows[position], first_line + position)
                        count += len(rows)
                        advance(reader.bytes_read, count)

        load(LOADS[:_READ_BEFORE_FULL_TEXT])

        def the_rest():
            # A transaction of their own: the full text's process holds its snapshot of the
            # rows so far.
            connection.execute("BEGIN")
            load(LOADS[_READ_BEFORE_FULL_TEXT:])
            connection.execute("COMMIT")
            for table in ("documents", *LINK_TABLES):
                _report_unknown_references(connection, table, files)
            if problems:
                raise SourceError(sorted(problems,
                                         key=lambda problem: (problem.file, problem.line)))
            warnings.extend(_likely_duplicates(connection, files[PEOPLE.filename]))

        finish(connection, progress, the_rest)
        counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in FILES}
    return Summary(counts, warnings)


def finish(connection, progress, before_phases=None):
    """Every phase after the rows are in (kwp_archive.database.PHASES), in order, but for the
    full text: a second process (kwp_archive.fulltext) builds it from the rows it reads,
    beside the others, and here it is copied in. `before_phases()`, if given, runs first,
    once the second process has started: the build reads the files the full text does not
    need and checks the rows as a whole there, and if it raises, the second process is
    stopped."""
    connection.execute("COMMIT")
    with fulltext.in_second_process(connection) as copy_full_text_in:
        if before_phases is not None:
            before_phases()
        for name, run in database.PHASES:
            with progress.phase(name):
                if name == "full text":
                    seconds = copy_full_text_in()
                else:
                    run(connection)
    progress.elsewhere("full text, second process", seconds)
    connection.execute("BEGIN")


def check(directory) -> Summary:
    """Every check of build(), into a database that is thrown away."""
    with tempfile.TemporaryDirectory() as scratch:
        return build(directory, Path(scratch) / "check.db")


LINK_TABLES = ("document_people", "document_organisations", "document_collections",
               "document_subjects")


def _refuser(table, reader, connection):
    """What is done with a row that SQLite refused, its key taken, given the row and the
    place of its line in reader.lines: a problem reported, and the line taken out, so that a
    row's line is reader.lines[rowid - 1] still."""
    def report(row, place):
        line = reader.lines.pop(place)
        if table == "documents":
            [earlier] = connection.execute(
                "SELECT id FROM documents WHERE id = ? COLLATE NOCASE", (row[0],)).fetchone()
            if earlier != row[0]:
                reader.problem(line, "id", f"{row[0]!r} differs from the earlier id "
                               f"{earlier!r} only in case; reference managers would take "
                               "them for one, so choose another id")
                return
        if table in LINK_TABLES:
            document_id, party_id, *role = row
            party_column = reader.layout.required[1]
            as_role = f" as {role[0]}" if role else ""
            reader.problem(line, party_column, f"{party_id!r} is already linked to "
                           f"{document_id!r}{as_role} by an earlier row")
        else:
            reader.problem(line, "id", f"{row[0]!r} is used by an earlier row")
    return report


def _report_unknown_references(connection, table, files):
    reader = files[FILES[table]]
    for rowid, column, value, parent in database.unknown_references(connection, table):
        target = files[FILES[parent]]
        if not target.usable or value in target.refused_ids:
            continue  # that file's own problems are reported already
        reader.problem(reader.lines[rowid - 1], column,
                       f"{value!r} is not an id in {target.path.name}")


def _likely_duplicates(connection, reader):
    """Warnings for people whose names fold to the same key: one person entered twice?"""
    first_with_key = {}
    warnings = []
    for rowid, person_id, name in connection.execute("SELECT rowid, id, name FROM people"):
        line = reader.lines[rowid - 1]
        earlier = first_with_key.setdefault(names.fold(name), (person_id, name, line))
        if earlier[0] != person_id:
            warnings.append(Problem(
                reader.name, line, "name",
                f"{name!r} ({person_id}) may be the same person as {earlier[1]!r} "
                f"({earlier[0]}, line {earlier[2]}): the names fold to the same key",
            ))
    return warnings

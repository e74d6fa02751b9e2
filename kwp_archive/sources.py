"""Read the editors' CSV files in sources/ into rows ready for the database, streaming.

Every problem is collected as a Problem that names FILE:LINE: column, so that an editor sees
all of them in one run. What one row can show (formats, dates, text) is checked here, and
each row carries its line on: what needs every row (unique ids, references between files)
is checked over the rows as read (kwp_archive.loading), so that no file is ever held in
memory whole.
"""

import csv
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import dates, names, provenance
from .schema import RELATIONS, ROLES

ALIAS_SEPARATOR = ";"
# How the database stores a list of aliases.
ALIAS_JOIN = "; "

# Ids end up in URLs and in users' SQL, so they stay plain.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# A cell starting with one of these is run as a formula when a CSV download is opened in a
# spreadsheet (CSV injection), so the build refuses them rather than shipping them. OWASP
# lists =, +, -, @, tab and carriage return; spreadsheets also skip leading spaces (no-break
# ones too) and read the full-width forms (＝, ＋, －, ＠) as the ASCII ones.
_FORMULA_STARTS = ("=", "+", "-", "@")
_FORMULA_CONTROLS = ("\t", "\r")
# Longest name or alias: the name keys of search grow with its words.
MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class SourceError(Exception):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s) in the sources")
        self.problems = problems


@dataclass(frozen=True)
class Layout:
    """A source file: the table its rows go to, its required and optional columns, the
    columns of its rows as read (after the line each starts on, in the order its loader
    yields them; its required ones if not given), and those no two rows may share."""
    table: str
    filename: str
    required: tuple
    optional: tuple = ()
    columns: tuple = ()
    key: tuple = ("id",)
    # A file a source set may leave out, as having no rows.
    may_be_absent: bool = False

    def __post_init__(self):
        if not self.columns:
            object.__setattr__(self, "columns", self.required)


# The citation columns hold what the archive's citation of the document gives, and are empty
# where no page of the archive gives it.
CITATION_COLUMNS = ("archive", "archive_reference", "translator", "original_language")
DOCUMENT_TYPES = Layout("document_types", "document_types.csv", ("id", "name"),
                        ("description", "sent"), ("id", "name", "description", "sent"))
RECORDS = Layout("documents", "records.csv",
                 ("id", "date", "title", "summary", "type", "source_url"), CITATION_COLUMNS,
                 ("id", "date", "date_start", "date_end", "date_precision", "year", "title",
                  "type", "summary", "source_url", "source_kind", *CITATION_COLUMNS))
# sources: the reference pages that give the person's names, position and years, or why a
# person has none.
PEOPLE = Layout("people", "people.csv", ("id", "name"),
                ("aliases", "position", "born", "died", "sources"),
                ("id", "name", "sort_name", "aliases", "position", "born", "died", "sources"))
ORGANISATIONS = Layout("organisations", "organisations.csv", ("id", "name"), ("aliases",),
                       ("id", "name", "aliases"))
COLLECTIONS = Layout("collections", "collections.csv", ("id", "name", "source_url"))
SUBJECTS = Layout("subjects", "subjects.csv", ("id", "name", "source_url"))
# The hosts whose pages may vouch for a person (editorial policy).
REFERENCE_HOSTS = Layout("reference_hosts", "reference_hosts.csv", ("host", "kind", "why"),
                         key=("host",), may_be_absent=True)
DOCUMENT_PEOPLE = Layout("document_people", "document_people.csv",
                         ("document_id", "person_id", "role"),
                         key=("document_id", "person_id", "role"))
DOCUMENT_ORGANISATIONS = Layout("document_organisations", "document_organisations.csv",
                                ("document_id", "organisation_id", "role"),
                                key=("document_id", "organisation_id", "role"))
DOCUMENT_COLLECTIONS = Layout("document_collections", "document_collections.csv",
                              ("document_id", "collection_id"),
                              key=("document_id", "collection_id"))
DOCUMENT_SUBJECTS = Layout("document_subjects", "document_subjects.csv",
                           ("document_id", "subject_id"), key=("document_id", "subject_id"))
RELATED = Layout("related_documents", "related.csv",
                 ("document_id", "related_id", "relation", "source_url"),
                 key=("document_id", "related_id"), may_be_absent=True)
UNLINKED = Layout("unlinked_mentions", "unlinked.csv", ("document_id", "person_id", "why"),
                  key=("document_id", "person_id"), may_be_absent=True)
# In the order they are read and written: what a file refers to comes before it.
LAYOUTS = (DOCUMENT_TYPES, RECORDS, PEOPLE, ORGANISATIONS, COLLECTIONS, SUBJECTS,
           REFERENCE_HOSTS, DOCUMENT_PEOPLE, DOCUMENT_ORGANISATIONS, DOCUMENT_COLLECTIONS,
           DOCUMENT_SUBJECTS, RELATED, UNLINKED)
# Links of a document to a party, which carry the document's date.
PARTY_LINKS = (DOCUMENT_PEOPLE, DOCUMENT_ORGANISATIONS)
# How document_types.csv says whether documents of a type are sent to someone.
SENT = {"yes": 1, "no": 0, "": 0}


# Longer cells are a mistake (a pasted document?); the csv module's limit, larger still, only
# guards memory.
MAX_CELL = 100_000
csv.field_size_limit(64 * 1024 * 1024)


class _Reader:
    """Rows of one CSV file as (line, {column: value}), reporting problems as it goes."""

    def __init__(self, directory: Path, layout: Layout, problems: list, warnings: list):
        self.path = directory / layout.filename
        self.name = str(self.path)
        self.layout = layout
        self.problems = problems
        self.warnings = warnings
        self.header = None
        # False once the file turns out unreadable as a whole; references to its ids are
        # then not checked, so that one broken file does not bury its own error in others.
        self.usable = True
        # Ids of rows refused for another reason: links to them are not reported as well.
        self.refused_ids = set()

    def problem(self, line, column, message):
        self.problems.append(Problem(self.name, line, column, message))

    def rows(self) -> Iterator[tuple]:
        if not self.path.is_file():
            if not self.layout.may_be_absent:
                self.problem(1, "file", "not found: every source set needs this file")
                self.usable = False
            return
        self.failed = False
        yield from self._rows_of(self._decoded_lines())

    def _rows_of(self, lines):
        """The rows of `lines` (an iterable of the file's lines as text, which sets
        self.failed if it stops short), each with the line it starts on."""
        start = 1
        try:
            reader = csv.reader(lines, strict=True)
            header = next(reader, None)
            if self.failed:
                self.usable = False
                return
            if not header:
                self.problem(1, "header", "the file is empty; it needs a header row: "
                             + ",".join(self.layout.required + self.layout.optional))
                self.usable = False
                return
            if not self._header_is_sound(header):
                self.usable = False
                return
            self.header = header
            # csv counts the lines it has taken, a row's line breaks in quotes included.
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if cells == []:
                    continue  # a blank line
                if self._row_is_sound(line, cells):
                    yield line, dict(zip(header, cells))
            if self.failed:
                # The rest of the file could not be read: its one problem is reported, and
                # references to ids it may have held are not, as they would all be false.
                self.usable = False
        except csv.Error as error:
            self._csv_error(start, str(error))

    def _row_is_sound(self, line, cells):
        if len(cells) != len(self.header):
            index = min(len(cells), len(self.header))
            self.problem(line, self._column_name(index), f"the row has {len(cells)} cells but "
                         f"the header has {len(self.header)}; check for a missing or extra "
                         "comma, or a comma inside a cell that is not in double quotes")
            return False
        if max(map(len, cells)) <= MAX_CELL:
            return True  # as nearly every row: no cell to look for
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL:
                self.problem(line, self._column_name(index), f"the cell is {len(cell):,} "
                             f"characters long; the most a cell holds is {MAX_CELL:,}")
                return False
        return True

    def _csv_error(self, line, message):
        self.usable = False
        if self.failed:
            return  # the decoding problem that stopped the file is already reported
        if "field larger than field limit" in message:
            message = f"a cell is longer than {csv.field_size_limit():,} characters; shorten it"
        elif "unexpected end of data" in message:
            message = 'a quoted cell is never closed: check for an unbalanced "'
        else:
            message += ': a cell that starts with " must end with " right before the comma'
        self.problem(line, self._quoting_column(self._line_text(line)), message)

    def _line_text(self, number):
        """Line `number` of the file as text, read again: only an error message needs it."""
        with open(self.path, "rb") as file:
            for raw in itertools.islice(file, number - 1, number):
                return raw.decode("utf-8", "replace")
        return ""

    def _column_name(self, index):
        if self.header is None:
            return "header"
        return self.header[index] if index < len(self.header) else f"cell {index + 1}"

    def _column_holding(self, number, text, marker):
        """The column whose cell holds `marker` on line `number`, as best one line tells."""
        if number == 1 or self.header is None:
            return "header"
        try:
            cells = next(csv.reader([text]), [])
        except csv.Error:
            return "file"
        for index, cell in enumerate(cells):
            if marker in cell:
                return self._column_name(index)
        return "file"

    def _quoting_column(self, text):
        """The column of the first cell on a line whose double quotes are unbalanced."""
        index, in_quotes, cell_start, opened = 0, False, True, None
        position = 0
        while position < len(text):
            char = text[position]
            if in_quotes and char == '"':
                if text[position + 1:position + 2] == '"':
                    position += 1  # an escaped quote
                else:
                    in_quotes = False
                    if text[position + 1:position + 2] not in ("", ",", "\r", "\n"):
                        return self._column_name(index)
            elif not in_quotes and char == '"' and cell_start:
                in_quotes, opened = True, index
            elif not in_quotes and char == ",":
                index += 1
                cell_start = True
                position += 1
                continue
            cell_start = False
            position += 1
        return self._column_name(opened) if in_quotes and opened is not None else "file"

    def _header_is_sound(self, header):
        sound = True
        for column in self.layout.required:
            if column not in header:
                self.problem(1, column, "required column is missing from the header row")
                sound = False
        seen = set()
        for index, column in enumerate(header):
            if not column.strip():
                self.problem(1, f"cell {index + 1}", "the header cell is empty; name the column "
                             "or remove the extra comma")
                sound = False
                continue
            if column in seen:
                self.problem(1, column, "column appears twice in the header row")
                sound = False
            seen.add(column)
            if column not in self.layout.required + self.layout.optional:
                self.warnings.append(
                    Problem(self.name, 1, column, "unknown column, ignored")
                )
        return sound

    def _decoded_lines(self):
        """The file's lines as text, one by one: a BOM is accepted; at a NUL byte or bytes
        that are not UTF-8, the problem is reported and the lines stop, with self.failed
        set. Read so rather than by the io module, which knows neither line."""
        with open(self.path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if b"\x00" in raw:
                    hint = " (is it UTF-16? save it as UTF-8)" if number == 1 else ""
                    column = self._column_holding(
                        number, raw.decode("utf-8", "replace"), "\x00")
                    self.problem(number, column, f"contains a NUL byte at byte "
                                 f"{raw.index(0) + 1} of the line{hint}")
                    self.failed = True
                    return
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    column = self._column_holding(
                        number, raw.decode("utf-8", "replace"), "\ufffd")
                    self.problem(number, column, f"byte {error.start + 1} of the line is not "
                                 "UTF-8; save the file as UTF-8")
                    self.failed = True
                    return
                # A file saved with Windows line ends (CRLF) may break a quoted cell over
                # lines as any other: that break is a line break, not a stray \r.
                yield text[:-2] + "\n" if text.endswith("\r\n") else text


def _identifier(reader, line, column, value):
    if not value:
        reader.problem(line, column, "is empty")
        return False
    if not _ID.fullmatch(value):
        reader.problem(line, column, f"{value!r} is not a valid id: use letters, digits, "
                       "'-', '_' or '.', with no spaces")
        return False
    return True


def _text(reader, line, column, value, required=False):
    """Checks a free-text cell; returns False when it is unusable."""
    if required and not value.strip():
        reader.problem(line, column, "is empty")
        return False
    if _CONTROL.search(value):
        reader.problem(line, column, "contains a control character")
        return False
    start = _formula_start(value)
    if start:
        reader.problem(line, column, f"starts with {start!r}, which spreadsheets run as a "
                       "formula when they open our CSV downloads; reword the start of the cell")
        return False
    return True


# A million records share some thousands of dates: each is parsed once.
_date = functools.lru_cache(maxsize=1 << 14)(dates.parse)


def _formula_start(value):
    """What a spreadsheet would take for the start of a formula, or None."""
    if not value or value[:1].isalnum():
        return None  # nearly every cell, and every empty one: nothing to normalise
    if value.startswith(_FORMULA_CONTROLS):
        return value[0]
    visible = unicodedata.normalize("NFKC", value).lstrip()
    if visible.startswith(_FORMULA_STARTS):
        return value[:len(value) - len(visible) + 1] if visible != value else value[0]
    return None


def _name(reader, line, column, value, required=False):
    """A person's or organisation's name or alias: text, and short enough to search."""
    if not _text(reader, line, column, value, required):
        return False
    if len(value) > MAX_NAME:
        reader.problem(line, column, f"is {len(value):,} characters long; a name or alias "
                       f"holds at most {MAX_NAME}")
        return False
    return True


def _aliases(reader, line, value):
    """The aliases of a cell, or None if one of them is unusable."""
    aliases = tuple(alias.strip() for alias in value.split(ALIAS_SEPARATOR) if alias.strip())
    if all([_name(reader, line, "aliases", alias) for alias in aliases]):
        return aliases
    return None


# One loader per file: each yields the rows that pass every check, as tuples of the line the
# row starts on and its values in the order of its layout's `columns`.


def _entities(reader, values_of):
    """The rows of a file of things with ids. `values_of(reader, line, row)` checks a row
    beyond its id and gives its tuple, or None when the row is unusable."""
    for line, row in reader.rows():
        valid_id = _identifier(reader, line, "id", row["id"])
        values = values_of(reader, line, row)
        if valid_id and values is not None:
            yield line, *values
        elif valid_id:
            reader.refused_ids.add(row["id"])


def _source_url(reader, line, value):
    problem = provenance.url_problem(value)
    if problem:
        reader.problem(line, "source_url", problem)
        return False
    return True


def _document_type(reader, line, row):
    ok = _text(reader, line, "name", row["name"], required=True)
    ok &= _text(reader, line, "description", row.get("description", ""))
    sent = row.get("sent", "")
    if sent not in SENT:
        reader.problem(line, "sent", f"{sent!r} is not yes, no or empty (no): say whether "
                       "documents of this type are sent to someone")
        ok = False
    return (row["id"], row["name"], row.get("description", ""), SENT.get(sent)) if ok else None


def _document(reader, line, row):
    citation = tuple(row.get(column, "") for column in CITATION_COLUMNS)
    ok = _text(reader, line, "title", row["title"], required=True)
    ok &= _text(reader, line, "summary", row["summary"])
    ok &= _identifier(reader, line, "type", row["type"])
    ok &= _source_url(reader, line, row["source_url"])
    for column, value in zip(CITATION_COLUMNS, citation):
        ok &= _text(reader, line, column, value)
    try:
        date = _date(row["date"])
    except ValueError as error:
        reader.problem(line, "date", str(error))
        return None
    if not ok:
        return None
    return (row["id"], date.text, date.start, date.end, date.precision, date.year,
            row["title"], row["type"], row["summary"], row["source_url"],
            provenance.source_kind(row["source_url"]), *citation)


def _listing(reader, line, row):
    """A collection or subject of the archive: a name, and the page that lists it."""
    ok = _text(reader, line, "name", row["name"], required=True)
    ok &= _source_url(reader, line, row["source_url"])
    return (row["id"], row["name"], row["source_url"]) if ok else None


def _person(reader, line, row):
    ok = _name(reader, line, "name", row["name"], required=True)
    ok &= _text(reader, line, "position", row.get("position", ""))
    ok &= _text(reader, line, "sources", row.get("sources", ""))
    years = [_year(reader, line, column, row.get(column, "")) for column in ("born", "died")]
    aliases = _aliases(reader, line, row.get("aliases", ""))
    if not ok or aliases is None or False in years:
        return None
    return (row["id"], row["name"], names.sort_name(row["name"]), ALIAS_JOIN.join(aliases),
            row.get("position", ""), *years, row.get("sources", ""))


def _year(reader, line, column, value):
    """A year of a person's life as a number, None if not given, False if not a year."""
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        reader.problem(line, column, f"{value!r} is not a year: write it as YYYY, or leave "
                       "it empty where no reference page gives it")
        return False
    return int(value)


def _organisation(reader, line, row):
    ok = _name(reader, line, "name", row["name"], required=True)
    aliases = _aliases(reader, line, row.get("aliases", ""))
    if not ok or aliases is None:
        return None
    return row["id"], row["name"], ALIAS_JOIN.join(aliases)


def _one_of(allowed, what):
    def check(reader, line, column, value):
        if value in allowed:
            return True
        reader.problem(line, column, f"{value!r} is not {what}; use one of: "
                       + ", ".join(allowed))
        return False
    return check


# How a cell of the other files is checked, by its column.
_CELL_CHECKS = {"role": _one_of(ROLES, "a role"),
                "relation": _one_of(RELATIONS, "a relation"),
                "source_url": lambda reader, line, column, value: _source_url(reader, line, value),
                "host": lambda reader, line, column, value: _host(reader, line, value)}


def _cells(reader):
    """The rows of a file of links (a document's parties, listings, related documents) or
    of reference hosts: each cell an id where its column ends in _id, else as its column
    requires, else text that may not be empty."""
    for line, row in reader.rows():
        ok = True
        for column in reader.layout.required:
            if column.endswith("_id"):
                ok &= _identifier(reader, line, column, row[column])
            else:
                check = _CELL_CHECKS.get(column)
                ok &= check(reader, line, column, row[column]) if check else _text(
                    reader, line, column, row[column], required=True)
        if ok:
            yield line, *(row[column] for column in reader.layout.columns)


_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _host(reader, line, value):
    if _HOST.fullmatch(value):
        return True
    reader.problem(line, "host", f"{value!r} is not a host name: write it as it appears in "
                   "an address, in lower case, e.g. en.wikipedia.org or wikipedia.org")
    return False


_VALUES_OF = {"document_types": _document_type, "documents": _document, "people": _person,
              "organisations": _organisation, "collections": _listing, "subjects": _listing}


def read(reader):
    """The rows of a reader's file that pass every check of one row, each as the line it
    starts on and its values in the order of its layout's `columns`."""
    values_of = _VALUES_OF.get(reader.layout.table)
    return _entities(reader, values_of) if values_of else _cells(reader)


def readers(directory, problems, warnings):
    """A reader for each source file, by its table."""
    return {layout.table: _Reader(Path(directory), layout, problems, warnings)
            for layout in LAYOUTS}

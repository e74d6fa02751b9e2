"""Read the editors' CSV files in sources/ into rows ready for the database, streaming.

Every problem is a Problem naming FILE:LINE: column, so that an editor sees all of them in
one run. What one row can show (formats, dates, text) is checked here, and each row carries
its line on; what needs every row (unique ids, references between files) is checked by
kwp_archive.loading over the rows as read, so that no file is held in memory whole."""

import csv
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import dates, names, provenance
from .schema import BASES, RELATIONS, ROLES

ALIAS_SEPARATOR = ";"
ALIAS_JOIN = "; "  # how the database stores a list of aliases
# Ids end up in URLs and in users' SQL, so they stay plain.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# A cell starting with one of these is run as a formula when a CSV download is opened in a
# spreadsheet (CSV injection). OWASP lists =, +, -, @, tab and carriage return; spreadsheets
# also skip leading spaces (no-break ones too) and read the full-width forms as ASCII.
_FORMULA_STARTS = ("=", "+", "-", "@")
_FORMULA_CONTROLS = ("\t", "\r")
# Longest name or alias: the name keys of search grow with its words. Longest id: it names
# a page's address and a citation file (a 100,000-character id made a 100 KB header).
MAX_NAME, MAX_ID = 120, 100
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
# Longer cells are a mistake (a pasted document?); the csv module's limit only guards memory.
MAX_CELL = 100_000
csv.field_size_limit(64 * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class Problems(list):
    """The problems found: the first SHOWN kept to report and the rest only counted (`found`
    counts all), so that a file of millions of bad rows is reported in bounded memory."""
    SHOWN, found = 100, 0

    def append(self, problem):
        self.found += 1
        if self.found <= self.SHOWN:
            super().append(problem)


class SourceError(Exception):
    def __init__(self, problems, found=None):
        self.problems, self.found = problems, found or len(problems)
        super().__init__(f"{self.found} problem(s) in the sources")


@dataclass(frozen=True)
class Layout:
    """A source file: its table, required and optional columns, the columns read() yields
    after the line (its required ones if not given), and the key no two rows share."""
    table: str
    required: tuple
    optional: tuple = ()
    columns: tuple = ()
    key: tuple = ()
    filename: str = ""
    may_be_absent: bool = False  # a source set may leave the file out, as having no rows

    def __post_init__(self):
        object.__setattr__(self, "columns", self.columns or self.required)
        object.__setattr__(self, "key", self.key or (
            ("id",) if "id" in self.required else self.required))
        object.__setattr__(self, "filename", self.filename or f"{self.table}.csv")


# What the archive's citation of the document gives; empty where no page of it does.
CITATION_COLUMNS = ("archive", "archive_reference", "translator", "original_language")
# What the CIA reading room's and FRUS's pages give: the document's number (CIA-RDP...; a FRUS
# volume's document number), the volume (FRUS), the printed page, the original classification,
# and the release date (release_date, a date).
ARCHIVE_COLUMNS = ("document_number", "volume", "page", "classification")
# The archives records come from, each with the host its pages are on.
ARCHIVES = Layout("archives", ("id", "name", "host", "citation", "terms"), may_be_absent=True)
DOCUMENT_TYPES = Layout("document_types", ("id", "name"), ("description", "sent"),
                        ("id", "name", "description", "sent"))
RECORDS = Layout("documents", ("id", "date", "title", "summary", "type", "source_url"),
                 (*CITATION_COLUMNS, *ARCHIVE_COLUMNS, "release_date"),
                 ("id", "date", "date_start", "date_end", "date_precision", "year", "title",
                  "type", "summary", "source_url", "source_kind", *CITATION_COLUMNS,
                  *ARCHIVE_COLUMNS, "release_date"),
                 filename="records.csv")
# A release's version: MAJOR.MINOR.PATCH, as the Frictionless spec suggests for data.
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
# sources: the reference pages that give a person's names, position and years, or why none.
PEOPLE = Layout("people", ("id", "name"), ("aliases", "position", "born", "died", "sources"),
                ("id", "name", "sort_name", "aliases", "position", "born", "died", "sources"))
ORGANISATIONS = Layout("organisations", ("id", "name"), ("aliases",), ("id", "name", "aliases"))
# name_source: the archive page that gives the name; empty where no page read names it (the
# name is then the number the listing's address carries, and its page says so).
COLLECTIONS = Layout("collections", ("id", "name", "source_url"), ("name_source",),
                     ("id", "name", "source_url", "name_source"))
SUBJECTS = Layout("subjects", ("id", "name", "source_url"), ("name_source",),
                  ("id", "name", "source_url", "name_source"))
# An episode the documents are about, dated by reference pages (sources), like a person.
EVENTS = Layout("events", ("id", "name", "date_start", "date_end", "description", "sources"),
                may_be_absent=True)
# The hosts whose pages may vouch for a person (editorial policy).
REFERENCE_HOSTS = Layout("reference_hosts", ("host", "kind", "why"), key=("host",),
                         may_be_absent=True)
DOCUMENT_PEOPLE = Layout("document_people", ("document_id", "person_id", "role"))
DOCUMENT_ORGANISATIONS = Layout("document_organisations",
                                ("document_id", "organisation_id", "role"))
# source_url: the archive's listing page that shows the document in the collection.
DOCUMENT_COLLECTIONS = Layout("document_collections", ("document_id", "collection_id"),
                              ("source_url",), ("document_id", "collection_id", "source_url"))
# basis: why the document belongs to the event; source_url: the archive's topic listing
# that files it there, for the basis "archive topic".
DOCUMENT_EVENTS = Layout("document_events", ("document_id", "event_id", "basis"),
                         ("source_url",), ("document_id", "event_id", "basis", "source_url"),
                         key=("document_id", "event_id"), may_be_absent=True)
DOCUMENT_SUBJECTS = Layout("document_subjects", ("document_id", "subject_id"))
RELATED = Layout("related_documents", ("document_id", "related_id", "relation", "source_url"),
                 key=("document_id", "related_id"), filename="related.csv", may_be_absent=True)
UNLINKED = Layout("unlinked_mentions", ("document_id", "person_id", "why"),
                  key=("document_id", "person_id"), filename="unlinked.csv", may_be_absent=True)
# The collection's releases, oldest first: the last is the version being built.
RELEASES = Layout("releases", ("version", "date", "summary"), key=("version",),
                  may_be_absent=True)
# Records taken out of the collection, each with the release that took it out and why.
WITHDRAWN = Layout("withdrawn", ("id", "withdrawn_in", "reason"), may_be_absent=True)
# The release that added each record and the one that last changed it, with a digest of the
# record as released: written by `make release` (kwp_archive.release), not by editors.
LEDGER = Layout("record_releases", ("id", "added_in", "changed_in", "digest"),
                filename="ledger.csv", may_be_absent=True)
# In the order they are read and written: what a file refers to comes before it.
LAYOUTS = (ARCHIVES, DOCUMENT_TYPES, RECORDS, PEOPLE, ORGANISATIONS, COLLECTIONS, SUBJECTS,
           EVENTS, REFERENCE_HOSTS, DOCUMENT_PEOPLE, DOCUMENT_ORGANISATIONS, DOCUMENT_COLLECTIONS,
           DOCUMENT_SUBJECTS, DOCUMENT_EVENTS, RELATED, UNLINKED, RELEASES, WITHDRAWN, LEDGER)
# Links of a document to a party, which carry the document's date.
PARTY_LINKS = (DOCUMENT_PEOPLE, DOCUMENT_ORGANISATIONS)
# How document_types.csv says whether documents of a type are sent to someone.
SENT = {"yes": 1, "no": 0, "": 0}


class _Reader:
    """Rows of one CSV file as (line, {column: value}), reporting problems as it goes."""

    def __init__(self, directory: Path, layout: Layout, problems: list, warnings: list):
        self.path = directory / layout.filename
        self.name = str(self.path)
        self.layout, self.problems, self.warnings, self.header = layout, problems, warnings, None
        # Once False, references to its ids go unchecked: one broken file buries no other error.
        self.usable = True
        self.refused_ids = set()  # of rows refused otherwise: links to them are not reported
        self.failed = False  # once its lines stop short (a NUL byte, or bytes not UTF-8)

    def problem(self, line, column, message):
        self.problems.append(Problem(self.name, line, column, message))

    def rows(self):
        """Each sound row with the line it starts on."""
        if not self.path.is_file():
            if not self.layout.may_be_absent:
                self.problem(1, "file", "not found: every source set needs this file")
                self.usable = False
            return
        start = 1
        try:
            reader = csv.reader(self._decoded_lines(), strict=True)
            header = next(reader, None)
            if not header and not self.failed:
                self.problem(1, "header", "the file is empty; it needs a header row: "
                             + ",".join(self.layout.required + self.layout.optional))
            if self.failed or not header or not self._header_is_sound(header):
                self.usable = False
                return
            self.header = header
            # csv counts the lines it has taken, a row's line breaks in quotes included.
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if cells and self._row_is_sound(line, cells):  # [] is a blank line
                    yield line, dict(zip(header, cells))
            self.usable = not self.failed  # references to ids it may have held would be false
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
        index = next(index for index, cell in enumerate(cells) if len(cell) > MAX_CELL)
        self.problem(line, self._column_name(index), f"the cell is {len(cells[index]):,} "
                     f"characters long; the most a cell holds is {MAX_CELL:,}")
        return False

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
        """Line `number` of the file, read again for an error message."""
        with open(self.path, "rb") as file:
            return next(itertools.islice(file, number - 1, number), b"").decode("utf-8", "replace")

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
        return next((self._column_name(index) for index, cell in enumerate(cells)
                     if marker in cell), "file")

    def _quoting_column(self, text):
        """The column of the first cell on a line whose double quotes are unbalanced."""
        index, in_quotes, cell_start, position = 0, False, True, 0
        while position < len(text):
            char, after = text[position], text[position + 1:position + 2]
            if in_quotes and char == '"' and after == '"':
                position += 1  # an escaped quote
            elif in_quotes and char == '"':
                if after not in ("", ",", "\r", "\n"):
                    return self._column_name(index)
                in_quotes = False
            elif char == '"' and cell_start:
                in_quotes = True
            elif char == "," and not in_quotes:
                index += 1
            cell_start = char == "," and not in_quotes
            position += 1
        return self._column_name(index) if in_quotes else "file"

    def _header_is_sound(self, header):
        """Whether the header has no problem, reporting those it has."""
        before = self.problems.found
        for column in self.layout.required:
            if column not in header:
                self.problem(1, column, "required column is missing from the header row")
        for index, column in enumerate(header):
            if not column.strip():
                self.problem(1, f"cell {index + 1}", "the header cell is empty; name the column "
                             "or remove the extra comma")
                continue
            if column in header[:index]:
                self.problem(1, column, "column appears twice in the header row")
            if column not in self.layout.required + self.layout.optional:
                self.warnings.append(Problem(self.name, 1, column, "unknown column, ignored"))
        return self.problems.found == before

    def _decoded_lines(self):
        """The file's lines as text, a BOM accepted; at a NUL byte or bytes not UTF-8, the
        problem is reported and the lines stop. Not by the io module, which knows no line."""
        with open(self.path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                message = None
                if b"\x00" in raw:
                    hint = " (is it UTF-16? save it as UTF-8)" if number == 1 else ""
                    marker, message = "\x00", (f"contains a NUL byte at byte {raw.index(0) + 1} "
                                               f"of the line{hint}")
                else:
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError as error:
                        marker, message = "\ufffd", (f"byte {error.start + 1} of the line is not "
                                                     "UTF-8; save the file as UTF-8")
                if message:
                    self.problem(number, self._column_holding(
                        number, raw.decode("utf-8", "replace"), marker), message)
                    self.failed = True
                    return
                # A quoted cell broken over Windows line ends holds a line break, not a \r.
                yield text[:-2] + "\n" if text.endswith("\r\n") else text


# The checks of one cell. Each gives the value the database stores, or raises ValueError
# whose arguments are the cell's problems (one, or one for each alias of an aliases cell).

def _id(value):
    if not value:
        raise ValueError("is empty")
    if len(value) > MAX_ID:
        raise ValueError(f"is {len(value):,} characters long; an id is at most {MAX_ID}")
    if not _ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid id: use letters, digits, '-', '_' or '.', "
                         "with no spaces")
    return value


def _text(value):
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    start = formula_start(value)
    if start:
        raise ValueError(f"starts with {start!r}, which spreadsheets run as a formula when "
                         "they open our CSV downloads; reword the start of the cell")
    return value


def formula_start(value):
    """What a spreadsheet would take for the start of a formula, or None."""
    if not value or value[:1].isalnum():
        return None  # nearly every cell, and every empty one: nothing to normalise
    if value.startswith(_FORMULA_CONTROLS):
        return value[0]
    visible = unicodedata.normalize("NFKC", value).lstrip()
    if visible.startswith(_FORMULA_STARTS):
        return value[:len(value) - len(visible) + 1] if visible != value else value[0]
    return None


def _required(check):
    def required(value):
        if not value.strip():
            raise ValueError("is empty")
        return check(value)
    return required


def _name(value):
    """A person's or organisation's name or alias: text, and short enough to search."""
    _text(value)
    if len(value) > MAX_NAME:
        raise ValueError(f"is {len(value):,} characters long; a name or alias holds at most "
                         f"{MAX_NAME}")
    return value


def _aliases(value):
    aliases = [alias.strip() for alias in value.split(ALIAS_SEPARATOR) if alias.strip()]
    problems = []
    for alias in aliases:
        try:
            _name(alias)
        except ValueError as error:
            problems += error.args
    if problems:
        raise ValueError(*problems)
    return ALIAS_JOIN.join(aliases)


def _year(value):
    """A year of a person's life as a number; None if not given."""
    if value and not (value.isascii() and value.isdigit() and len(value) == 4):
        raise ValueError(f"{value!r} is not a year: write it as YYYY, or leave it empty where "
                         "no reference page gives it")
    return int(value) if value else None


def _one_of(allowed, what):
    """A check that a cell is one of `allowed`, stored as it is or as `allowed` maps it."""
    def check(value):
        if value not in allowed:
            raise ValueError(f"{value!r} is not {what}")
        return allowed[value] if isinstance(allowed, dict) else value
    return check


def _source_url(value):
    problem = provenance.url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _record_source_url(value):
    """A record's source: a page of any archive of archives.csv (checked as a whole)."""
    problem = provenance.url_problem(value, any_archive=True)
    if problem:
        raise ValueError(problem)
    return value


def _optional_source_url(value):
    return _source_url(value) if value else ""


def _version(value):
    if not _VERSION.fullmatch(value):
        raise ValueError(f"{value!r} is not a version: write it as MAJOR.MINOR.PATCH, e.g. 1.3.0")
    return value


def _optional_date(value):
    """A partial date as written (an event's, a release date), or "" where none is given."""
    return _date(value).text if value else ""


def _day(value):
    date = _date(value)
    if date.precision != "day":
        raise ValueError(f"{value!r} is not a day: write it as YYYY-MM-DD")
    return date.text


def _host(value):
    if not _HOST.fullmatch(value):
        raise ValueError(f"{value!r} is not a host name: write it as it appears in an address, "
                         "in lower case, e.g. en.wikipedia.org or wikipedia.org")
    return value


# A million records share some thousands of dates: each is parsed once.
_date = functools.lru_cache(maxsize=1 << 14)(dates.parse)
_required_text = _required(_text)
_ROLE = _one_of(ROLES, "a role; use one of: " + ", ".join(ROLES))
_BASIS = _one_of(BASES, "a basis; use one of: " + ", ".join(BASES))
_DATE_GIVEN = _required(_optional_date)
_RELATION = _one_of(RELATIONS, "a relation; use one of: " + ", ".join(RELATIONS))
_SENT = _one_of(SENT, "yes, no or empty (no): say whether documents of this type are sent to "
                      "someone")
_LISTING = {"id": _id, "name": _required_text, "source_url": _source_url,
            "name_source": _optional_source_url}
# How each file's cells are checked, in the order their problems are reported.
_CHECKS = {
    "document_types": {"id": _id, "name": _required_text, "description": _text, "sent": _SENT},
    "documents": {"id": _id, "title": _required_text, "summary": _text, "type": _id,
                  "source_url": _record_source_url, **dict.fromkeys(CITATION_COLUMNS, _text),
                  **dict.fromkeys(ARCHIVE_COLUMNS, _text), "release_date": _optional_date,
                  "date": _date},
    "archives": {"id": _id, "name": _required_text, "host": _host,
                 "citation": _required_text, "terms": _required_text},
    "people": {"id": _id, "name": _required(_name), "position": _text, "sources": _text,
               "born": _year, "died": _year, "aliases": _aliases},
    "organisations": {"id": _id, "name": _required(_name), "aliases": _aliases},
    "collections": _LISTING, "subjects": _LISTING,
    "events": {"id": _id, "name": _required(_name), "date_start": _DATE_GIVEN,
               "date_end": _DATE_GIVEN, "description": _required_text,
               "sources": _required_text},
    "reference_hosts": {"host": _host, "kind": _required_text, "why": _required_text},
    "document_people": {"document_id": _id, "person_id": _id, "role": _ROLE},
    "document_organisations": {"document_id": _id, "organisation_id": _id, "role": _ROLE},
    "document_collections": {"document_id": _id, "collection_id": _id,
                             "source_url": _optional_source_url},
    "document_subjects": {"document_id": _id, "subject_id": _id},
    "document_events": {"document_id": _id, "event_id": _id, "basis": _BASIS,
                        "source_url": _optional_source_url},
    "related_documents": {"document_id": _id, "related_id": _id, "relation": _RELATION,
                          "source_url": _source_url},
    "unlinked_mentions": {"document_id": _id, "person_id": _id, "why": _required_text},
    "releases": {"version": _version, "date": _day, "summary": _required_text},
    "withdrawn": {"id": _id, "withdrawn_in": _version, "reason": _required_text},
    "record_releases": {"id": _id, "added_in": _version, "changed_in": _version,
                        "digest": _required_text},
}


def _document(row):
    """The columns a document's date and address give."""
    date = row["date"]
    return {"date": date.text, "date_start": date.start, "date_end": date.end,
            "date_precision": date.precision, "year": date.year,
            "source_kind": provenance.source_kind(row["source_url"])}


# The columns the build adds to a file's own, from its checked row.
_DERIVED = {"documents": _document,
            "people": lambda row: {"sort_name": names.sort_name(row["name"])}}


def _event_problem(row):
    if _date(row["date_end"]).end < _date(row["date_start"]).start:
        return "date_end", f"{row['date_end']!r} is before date_start {row['date_start']!r}"
    return None


def _event_link_problem(row):
    if row["basis"] == "archive topic" and not row["source_url"]:
        return "source_url", ("is empty: give the address of the archive's topic listing that "
                              "files the document under the event")
    return None


# What a row's cells say together, once each is sound: (column, message) or None.
_ROW_PROBLEMS = {"events": _event_problem, "document_events": _event_link_problem}


def read(reader):
    """The rows of a reader's file that pass every check: each its line, then its `columns`."""
    layout, checks = reader.layout, _CHECKS[reader.layout.table]
    derived = _DERIVED.get(layout.table)
    for line, row in reader.rows():
        refused = set()
        for column, check in checks.items():
            try:
                row[column] = check(row.get(column, ""))
            except ValueError as error:
                refused.add(column)
                for message in error.args:
                    reader.problem(line, column, message)
        if not refused and layout.table in _ROW_PROBLEMS:
            problem = _ROW_PROBLEMS[layout.table](row)
            if problem:
                refused.add(problem[0])
                reader.problem(line, *problem)
        if not refused:
            if derived:
                row.update(derived(row))
            yield line, *(row[column] for column in layout.columns)
        elif "id" in checks and "id" not in refused:
            reader.refused_ids.add(row["id"])


def readers(directory, problems, warnings):
    """A reader for each source file, by its table."""
    return {layout.table: _Reader(Path(directory), layout, problems, warnings)
            for layout in LAYOUTS}

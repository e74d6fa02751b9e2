"""Citations of documents in RIS, BibTeX, CSL-JSON and a Chicago-style note, as the Digital
Archive cites them: a manuscript published by the History and Public Policy Program Digital
Archive, held by an archive (GARF, AVPRF...) at a reference (fond, opis, delo, listy),
translated by someone, at the archive's page; its parties as authors and recipients, and
its date at the precision it was given."""

import functools
import json
import re
from dataclasses import dataclass

from . import dates, names
from .provenance import COLLECTION, PUBLISHER, WEBSITE, accessed_in, document_page

# Each document of :ids (a JSON array) with its authors and recipients as JSON arrays.
CITABLE_DOCUMENTS = """
select
    documents.id, documents.title, documents.date, documents.summary,
    document_types.name as type, documents.source_url, documents.archive,
    documents.archive_reference, documents.translator,
    coalesce(document_correspondents.authors, '[]') as authors,
    coalesce(document_correspondents.recipients, '[]') as recipients,
    -- Which of those are people, whose names are filed surname first (the rest: bodies).
    (select json_group_array(people.name)
     from document_people join people on people.id = document_people.person_id
     where document_people.document_id = documents.id
       and document_people.role in ('author', 'recipient')) as people,
    -- The collection's release, which a citation names as the place accessed.
    (select version from releases order by rowid desc limit 1) as version,
    documents.source_archive, documents.document_number, documents.volume, documents.page,
    documents.release_date
from documents
join document_types on document_types.id = documents.type
left join document_correspondents on document_correspondents.document_id = documents.id
where documents.id in (select value from json_each(:ids))
"""


@dataclass(frozen=True)
class Citable:
    id: str
    title: str
    date: str
    summary: str
    type: str
    authors: tuple
    recipients: tuple
    source_url: str = ""
    archive: str = ""
    archive_reference: str = ""
    translator: str = ""
    people: frozenset = frozenset()  # the authors and recipients who are people
    version: str = ""  # the collection's release
    source_archive: str = ""  # archives.csv's id: wilson-center, cia-reading-room, frus
    document_number: str = ""
    volume: str = ""
    page: str = ""
    release_date: str = ""

    @property
    def publisher(self):
        """(publisher, website) of the document's archive."""
        return PUBLISHERS.get(self.source_archive, (PUBLISHER, WEBSITE))

    @property
    def note(self):
        return chicago(self.title, self.date, self.archive, self.archive_reference,
                       self.translator, self.source_url, self.version, self.source_archive,
                       self.document_number, self.release_date, self.volume, self.page)

    @property
    def accessed(self):
        return accessed_in(self.version)

    def surname_first(self, name):
        """(surname, given names) of a person; None for an organisation, named whole."""
        return names.surname_and_given(name) if name in self.people else None

    @property
    def url(self):
        """The document's own page on the archive; None where we only have a listing."""
        return document_page(self.source_url)

    @property
    def location(self):
        """Where the holding archive keeps it: "GARF, Fond 5446, Opis 98c, Delo 721"."""
        return ", ".join(part for part in (self.archive, self.archive_reference) if part)

    @property
    def date_parts(self):
        """[1945], [1955, 3] or [1946, 1, 11]: the date at the precision it was given."""
        return [int(part) for part in self.date.split("-")]


def in_order(rows, ids):
    """Citables for `ids`, in that order, each once."""
    by_id = {row["id"]: Citable(**dict(row, authors=tuple(json.loads(row["authors"])),
                                       recipients=tuple(json.loads(row["recipients"])),
                                       people=frozenset(json.loads(row["people"] or "[]"))))
             for row in rows}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


# The publisher and the website of each archive's documents, by archives.csv's id.
PUBLISHERS = {"cia-reading-room": ("Central Intelligence Agency",
                                    "CIA FOIA Electronic Reading Room"),
              "frus": ("Office of the Historian, U.S. Department of State",
                       "Foreign Relations of the United States")}


def chicago(title, date, archive="", archive_reference="", translator="", source_url="",
            version="", source_archive="", document_number="", release_date="", volume="",
            page=""):
    """The recommended citation in its archive's own form (Chicago notes style), then this
    collection and its version, as where it was accessed:
    - the Digital Archive's: "Title," date, History and Public Policy Program Digital
      Archive, archive, reference. Translated by X. URL.
    - the CIA reading room's: "Title," date, CIA-RDP..., released date, CIA FOIA Electronic
      Reading Room. URL.
    - FRUS's: "Title," date, Foreign Relations of the United States, 1946, The Far East,
      Volume VIII, Document 575, page 775. URL."""
    title_and_date = f"“{title},” {dates.human(date)}"
    if source_archive == "cia-reading-room":
        released = release_date and f"released {dates.human(release_date)}"
        parts = (title_and_date, document_number, released, PUBLISHERS[source_archive][1])
    elif source_archive == "frus":
        # The volume's title where its page was read; the series' name at the least.
        parts = (title_and_date, volume or PUBLISHERS[source_archive][1],
                 document_number and f"Document {document_number}",
                 page and f"page {page}")
    else:
        parts = (title_and_date, PUBLISHER, archive, archive_reference)
    citation = ", ".join(part for part in parts if part) + "."
    if translator:
        citation += f" Translated by {translator}."
    if document_page(source_url):
        citation += f" {source_url}."
    if version:
        citation += " " + accessed_in(version)
    return citation


def _ris_value(text):
    # A RIS field is one line: a line break would start a new, malformed tag.
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def _ris_name(citable, name):
    """"Ri, Sang-jo" for a person; an organisation whole, its comma saying it has no given
    name ("Korean Workers' Party,"), which reference managers would otherwise split."""
    person = citable.surname_first(name)
    if person is None:
        return f"{name},"
    return ", ".join(part for part in person if part)


def ris(citables) -> str:
    lines = []
    for citable in citables:
        parts = citable.date_parts
        fields = _given([
            ("TY", "MANSCPT"), ("ID", citable.id), ("TI", citable.title),
            *(("AU", _ris_name(citable, name)) for name in citable.authors),
            *(("A2", _ris_name(citable, name)) for name in citable.recipients),
            ("PY", f"{parts[0]:04d}"),
            ("DA", "/".join(f"{part:02d}" for part in parts) + "/" * (4 - len(parts))),
            ("M3", citable.type), ("AB", citable.summary), ("PB", citable.publisher[0]),
            ("DB", citable.publisher[1]), ("T2", citable.volume), ("SP", citable.page),
            ("AN", citable.document_number), ("Y2", citable.release_date),
            ("AV", citable.location), ("A4", citable.translator), ("UR", citable.url),
            ("N1", citable.accessed)])
        lines += [f"{tag}  - {_ris_value(value)}" for tag, value in fields] + ["ER  - ", ""]
    return "\r\n".join(lines)


_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                   "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                   "~": r"\textasciitilde{}"}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _BIBTEX_ESCAPES))
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _bibtex_text(text):
    """Escaped for TeX; UTF-8 (accents, Hangul) as it is, as biber and bibtexparser read it."""
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_ESCAPES[match.group()],
                               " ".join(text.split()))


def _bibtex_names(citable, names):
    """A person as "Surname, Given" (BibTeX's own form: "Kim, Il Sung"); an organisation
    braced whole, as it has no given name."""
    def one(name):
        person = citable.surname_first(name)
        if person is None:
            return "{" + _bibtex_text(name) + "}"
        return ", ".join(_bibtex_text(part) for part in person if part)
    return "{" + " and ".join(map(one, names)) + "}"


def _braced(text):
    return "{" + text + "}"


def _escaped(text):
    return _braced(_bibtex_text(text))


# How a field's value is written where it is not _escaped(): the title in double braces, so
# that styles do not lowercase its proper names, and the translator's name whole.
_BIBTEX_FORMS = {"title": lambda text: _braced(_escaped(text)),
                 "translator": lambda text: _braced(_escaped(text)),
                 "date": _braced, "year": _braced, "url": _braced, "month": str}


def bibtex(citables) -> str:
    entries = []
    for citable in citables:
        parts = citable.date_parts
        publisher = citable.publisher[0]
        note = publisher
        if citable.recipients:
            note = f"Addressed to {', '.join(citable.recipients)}. {publisher}"
        if citable.accessed:
            note += f". {citable.accessed}"
        fields = _given([
            ("title", citable.title), ("author", citable.authors),
            ("recipient", citable.recipients), ("date", citable.date), ("year", str(parts[0])),
            ("month", _MONTHS[parts[1] - 1] if len(parts) > 1 else ""),
            ("type", citable.type), ("abstract", citable.summary),
            ("translator", citable.translator), ("publisher", publisher),
            ("number", citable.document_number), ("booktitle", citable.volume),
            ("pages", citable.page), ("library", citable.location or (
                citable.source_archive in PUBLISHERS and citable.publisher[1])),
            ("url", citable.url), ("note", note)])
        people = functools.partial(_bibtex_names, citable)
        forms = dict(_BIBTEX_FORMS, author=people, recipient=people)
        body = ",\n".join(f"  {name} = {forms.get(name, _escaped)(value)}"
                           for name, value in fields)
        # The document id is the key: unique in the database, so unique in any file.
        entries.append(f"@unpublished{{{citable.id},\n{body}\n}}\n")
    return "\n".join(entries)


def _csl_name(citable, name):
    person = citable.surname_first(name)
    if person is None:
        return {"literal": name}
    return {"family": person[0], **({"given": person[1]} if person[1] else {})}


def csl_json(citables) -> list:
    return [{
        "id": citable.id, "type": "manuscript", "title": citable.title, "genre": citable.type,
        "issued": {"date-parts": [citable.date_parts]}, "publisher": citable.publisher[0],
        **dict(_given([
            # The holding archive; a CIA report's or a FRUS document's own archive otherwise.
            ("archive", citable.archive or (citable.source_archive in PUBLISHERS
                                            and citable.publisher[1])),
            ("archive_location", citable.archive_reference), ("number", citable.document_number),
            ("container-title", citable.volume), ("page", citable.page),
            ("translator", citable.translator and [{"literal": citable.translator}]),
            ("URL", citable.url),
            ("author", [_csl_name(citable, name) for name in citable.authors]),
            ("recipient", [_csl_name(citable, name) for name in citable.recipients]),
            ("abstract", citable.summary), ("note", citable.accessed)])),
    } for citable in citables]


def highwire(citable) -> list:
    """(name, content) of the citation_ <meta> tags Zotero and Google Scholar read on a page."""
    return _given([
        ("citation_title", citable.title),
        ("citation_date", "/".join(f"{part:02d}" if index else f"{part:04d}"
                                   for index, part in enumerate(citable.date_parts))),
        *(("citation_author", _ris_name(citable, name).rstrip(","))
          for name in citable.authors),
        ("citation_publisher", citable.publisher[0]),
        ("citation_archive_location", citable.location or citable.document_number),
        ("citation_technical_report_number", citable.document_number),
        ("citation_translator", citable.translator), ("citation_public_url", citable.url),
        ("citation_abstract", citable.summary)])


def schema_org(citable, page):
    """The document as schema.org JSON-LD: an ArchiveComponent of its holding archive (where
    the archive's citation names one), in this collection."""
    item = {"@context": "https://schema.org", "@type": "ArchiveComponent", "@id": page,
            "url": page, "name": citable.title, "dateCreated": citable.date,
            "inLanguage": "en", "isPartOf": {"@type": "Dataset", "name": COLLECTION,
                                             **({"version": citable.version}
                                                if citable.version else {})},
            "publisher": {"@type": "Organization", "name": PUBLISHER}}
    item.update(_given([
        ("description", citable.summary), ("sameAs", citable.url),
        ("holdingArchive", citable.archive and {
            "@type": "ArchiveOrganization", "name": citable.archive}),
        ("itemLocation", citable.location),
        ("author", [{"@type": "Person", "name": name} if name in citable.people
                    else {"@type": "Organization", "name": name} for name in citable.authors]),
        ("translator", citable.translator and {"@type": "Person", "name": citable.translator}),
    ]))
    return item


def _given(fields):
    """The (name, value) pairs whose value the archive gave: an empty one is left out."""
    return [(name, value) for name, value in fields if value]

"""Where a record's facts come from: addresses on the Wilson Center Digital Archive, for the
build (which refuses any other) and the pages and citations (which lead a reader back)."""

import re
from urllib.parse import urlsplit

ARCHIVE_HOST = "digitalarchive.wilsoncenter.org"
ARCHIVE_SITE = f"https://{ARCHIVE_HOST}/"
# The body that publishes the archive, as its own citations name it.
PUBLISHER = "History and Public Policy Program Digital Archive"
WEBSITE = "Wilson Center Digital Archive"
# This collection, as a citation names the place a document was accessed (with its version).
COLLECTION = "Korean Workers' Party Documents, 1945–1956"


def accessed_in(version):
    """"Accessed in Korean Workers' Party Documents, 1945–1956, version 1.0.0."; "" when the
    database was built with no release."""
    return f"Accessed in {COLLECTION}, version {version}." if version else ""
# str.isspace()'s white space, tested in C: a loop in Python costs a million records seconds.
_WHITE_SPACE = re.compile(r"\s")
# A character an address never holds as it is (RFC 3986): {, }, \, ", <, > and the like are
# written %XX. Taken as they are, they would reach a BibTeX file's braces and a page's HTML.
_NOT_IN_ADDRESS = re.compile(r"[^A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]")


def url_problem(url: str, any_archive=False):
    """Why `url` cannot be a record's source, in words for an editor; None when it can. A
    listing (a subject, a collection) is the Digital Archive's; a record's own source may be
    on any archive's host (`any_archive`), which the build checks against archives.csv."""
    if not url:
        return "is empty: give the address of the archive page the record was read from"
    if _WHITE_SPACE.search(url):
        return f"{url!r} contains white space; an address has none"
    if found := _NOT_IN_ADDRESS.search(url):
        return (f"{url!r} contains {found.group()!r}, which an address writes as "
                + "".join(f"%{byte:02X}" for byte in found.group().encode()))
    if url.startswith(ARCHIVE_SITE) and url[len(ARCHIVE_SITE):][:1] not in ("", "?", "#"):
        return None  # what urlsplit would find: https, the archive's host, a path below /
    parts = urlsplit(url)
    if any_archive and parts.scheme == "https" and parts.netloc and parts.path not in ("", "/"):
        return None
    if parts.scheme != "https" or parts.netloc != ARCHIVE_HOST or parts.path in ("", "/"):
        return (f"{url!r} is not a page of the Digital Archive: give an address that starts "
                f"with {ARCHIVE_SITE}, as the archive's own page shows it")
    return None


# What kind of page of the archive a record's facts were read from.
SOURCE_KINDS = ("document", "file", "listing")


# Where each archive keeps its documents' own pages: the Digital Archive's /document/...,
# the CIA reading room's /readingroom/document/... (its PDFs under /readingroom/docs/), and
# FRUS's /historicaldocuments/frus<year>v<volume>/d<number>.
_DOCUMENT_PAGES = ("/document/", "/readingroom/document/", "/readingroom/docs/",
                   "/historicaldocuments/frus")


def source_kind(url: str):
    """"document" for the document's own page, "file" for a file of it (an address of its
    PDF), "listing" for any page that lists it (a subject, a collection, a search)."""
    path = urlsplit(url).path
    if path.startswith(_DOCUMENT_PAGES):
        return "file" if path.lower().endswith(".pdf") else "document"
    return "listing"


def document_page(url: str):
    """`url` if it leads to the document itself on the archive (its page or file), or None."""
    if url and not url_problem(url, any_archive=True) and source_kind(url) != "listing":
        return url
    return None

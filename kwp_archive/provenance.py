"""Where a record's facts come from: addresses on the Wilson Center Digital Archive.

Shared by the build (which refuses any other address) and the pages and citations (which
link a reader back to the archive).
"""

from urllib.parse import urlsplit

ARCHIVE_HOST = "digitalarchive.wilsoncenter.org"
ARCHIVE_SITE = f"https://{ARCHIVE_HOST}/"
# The body that publishes the archive, as its own citations name it.
PUBLISHER = "History and Public Policy Program Digital Archive"
WEBSITE = "Wilson Center Digital Archive"


def url_problem(url: str):
    """Why `url` cannot be a record's source, in words for an editor; None when it can."""
    if not url:
        return "is empty: give the address of the archive page the record was read from"
    if any(char.isspace() for char in url):
        return f"{url!r} contains white space; an address has none"
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != ARCHIVE_HOST or parts.path in ("", "/"):
        return (f"{url!r} is not a page of the Digital Archive: give an address that starts "
                f"with {ARCHIVE_SITE}, as the archive's own page shows it")
    return None


def document_page(url: str):
    """`url` if it is a document's own page on the archive (not a listing), else None."""
    if url and not url_problem(url) and urlsplit(url).path.startswith("/document/"):
        return url
    return None

"""The database's tables, view and indexes (their SQL in schema.sql). Their names
and columns are the public API that users' SQL depends on: keep them."""

import re
from pathlib import Path

from .search import NAME_KEYS


def _listed(values):
    """SQL's list of the values: 'a', 'b'."""
    return ", ".join(f"'{value}'" for value in values)


# A participant is a party to a conversation or meeting that someone else recorded.
ROLES = ("author", "recipient", "participant", "mentioned")
# How one document's record is related to another's (related_documents).
RELATIONS = ("same document", "draft of", "enclosure of")
# Why a document belongs to an event: it is about it, the archive files it under the event's
# topic, or it deals with what came of it.
BASES = ("subject", "archive topic", "aftermath")
# Half as many pages to read and write as SQLite's 4 KB, for the same rows (bench/RESULTS.md).
PAGE_SIZE = 8192
# Stemmed, without diacritics: "telegrams" finds "telegram", and "Hŏn" finds "Hon".
TOKENIZE = "porter unicode61 remove_diacritics 2"

# Document ids are unique in any case, as BibTeX keys (doc-a is DOC-A): checked, then kept so.
ANY_CASE_INDEX = "CREATE UNIQUE INDEX documents_id_any_case ON documents(id COLLATE NOCASE);"


# FTS5 flushes and merges its terms when they pass this size: 16 MB, not 1, indexes a million
# documents much faster, for memory the build can spare (bench/RESULTS.md); only writers read it.
FTS_HASH_SIZE = 16 * 1024 * 1024
_SQL = (Path(__file__).with_name("schema.sql").read_text(encoding="utf-8").format(
    roles=_listed(ROLES), relations=_listed(RELATIONS), bases=_listed(BASES),
    name_keys=NAME_KEYS, tokenize=TOKENIZE, fts_hash_size=FTS_HASH_SIZE))
# The tables and view; the full-text index, written after them; the indexes, made last.
TABLES, FULL_TEXT_TABLES, INDEXES = re.split(r"^-- @(?:full-text|indexes)\n", _SQL, flags=re.M)


"""Turn what a reader types into a safe FTS5 query that also finds names under any spelling."""

import re

from . import names

_WORD = re.compile(r"\w+")

# The column of documents_fts and people_fts that holds the name keys of names.keys().
NAME_KEYS = "name_keys"
# FTS5 reads an empty phrase as "match nothing", where an empty query would be an error.
NOTHING = '""'


def fts_query(text) -> str:
    """Every term the reader typed must match, either as the words it holds (stemmed, in the
    text columns) or as a spelling of part of a name (folded, in the name_keys column).

    "Pak Hon-yong" gives ("Pak" OR name_keys : "pak") AND ("Hon yong" OR name_keys :
    "honyonk"). A hyphenated term is a phrase. Punctuation never reaches FTS5, so no input is
    a syntax error; text with no words matches nothing.
    """
    terms = []
    for term in str(text or "").split():
        words = _WORD.findall(term)
        if not words:
            continue
        phrase = '"' + " ".join(words) + '"'
        key = names.fold(term)
        terms.append(f'({phrase} OR {NAME_KEYS} : "{key}")' if key else phrase)
    return " AND ".join(terms) or NOTHING

"""Turn what a reader types into a safe FTS5 query."""

import re

_WORD = re.compile(r"\w+")


def fts_query(text) -> str:
    """Every whitespace-separated term must match; a hyphenated term ("Il-u") is a phrase.

    Punctuation never reaches FTS5, so no input is a syntax error. Text with no words gives
    "", which the queries in metadata.yml take to mean "nothing to search for".
    """
    phrases = []
    for term in str(text or "").split():
        words = _WORD.findall(term)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)

"""Turn what a reader types into a safe FTS5 query that also finds names under any spelling.

Readers get the syntax of a web search, and nothing else reaches FTS5:

- words: every one must match (`Mikoyan plenum`);
- `"exact phrase"`: the words in that order (`"August plenum"`);
- `OR` in capitals: either side may match (`Mikoyan OR Shepilov`);
- `-word` or `-"a phrase"`: leave out what matches it (`plenum -December`);
- `prefix*`: any word that starts so (`plen*`)."""

import json
import re
from dataclasses import dataclass

from . import names

_WORD = re.compile(r"\w+")
# A quoted phrase (unclosed, to the end) or a run of anything else, each maybe after a "-".
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# The column of documents_fts and people_fts that holds the name keys of names.keys().
NAME_KEYS = "name_keys"
# FTS5 reads an empty phrase as "match nothing", where an empty query would be an error.
NOTHING = '""'
# What a reader may type, past which it is cut (too_long()): a long OR of common words costs
# FTS5 seconds that SQLite cannot interrupt.
MAX_TERMS, MAX_LENGTH = 16, 500
# The most matches the search query ranks, best first: FTS5's ranking reads every match of
# each word in the whole collection. Past it, the query shows the first matches by date.
RANK_LIMIT = 20_000


@dataclass(frozen=True)
class Term:
    words: tuple
    text: str  # as typed, for folding a name
    prefix: bool = False
    negated: bool = False

    def fts(self):
        star, key = "*" if self.prefix else "", names.fold(self.text)
        phrase = '"' + " ".join(self.words) + '"' + star
        return f'({phrase} OR {NAME_KEYS} : "{key}"{star})' if key else phrase


def parse(text):
    """The reader's text as clauses joined by OR, each a list of Terms joined by AND."""
    clauses, count = [[]], 0
    for match in _TOKEN.finditer(str(text or "")[:MAX_LENGTH]):
        negated, quoted, bare = match.groups()
        if bare == "OR":
            clauses.append([])
        if bare in ("OR", "AND"):
            continue
        if quoted is not None:
            term_text, prefix = quoted, False
        else:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            term_text = bare[1:] if negated else bare
            prefix = term_text.endswith("*")
        words = tuple(_WORD.findall(term_text))
        if words and count < MAX_TERMS:
            count += 1
            clauses[-1].append(Term(words, term_text.rstrip("*"), prefix, bool(negated)))
    return [clause for clause in clauses if clause]


def too_long(text) -> bool:
    """Whether parse() cut what the reader typed, so that the page can say so."""
    text = str(text or "")
    return len(text) > MAX_LENGTH or sum(
        1 for match in _TOKEN.finditer(text) if match.group(3) not in ("OR", "AND")) > MAX_TERMS


def fts_query(text) -> str:
    """Every term the reader typed must match, as the words it holds (stemmed, in the text
    columns) or as a spelling of part of a name (folded, in the name_keys column): "Pak
    Hon-yong" gives ("Pak" OR name_keys : "pak") AND ("Hon yong" OR name_keys : "honyonk").
    A hyphenated term is a phrase. Punctuation never reaches FTS5, so no input is a syntax
    error; text with no words, or with nothing but exclusions, matches nothing."""
    alternatives = []
    for clause in parse(text):
        wanted = [term.fts() for term in clause if not term.negated]
        if not wanted:
            continue  # FTS5 cannot search for "everything but": this side finds nothing
        query = " AND ".join(wanted)
        excluded = [term.fts() for term in clause if term.negated]
        if excluded:
            query = f"({query})" + "".join(f" NOT {term}" for term in excluded)
        alternatives.append(query)
    if len(alternatives) == 1:
        return alternatives[0]
    return " OR ".join(f"({alternative})" for alternative in alternatives) or NOTHING


def name_matches(name_and_aliases, text) -> bool:
    """Whether an alternative of the text has every wanted term among the keys of a name and
    its aliases (";"-separated): whether the reader's text finds this person."""
    found = set(names.keys(name_and_aliases))
    for clause in parse(text):
        wanted = [term for term in clause if not term.negated]
        if wanted and all(_finds(term, found) for term in wanted):
            return True
    return False


def _finds(term, found):
    key = names.fold(term.text)
    if key and term.prefix:
        return any(candidate.startswith(key) for candidate in found)
    return bool(key) and key in found


def highlight_names(parties, text) -> str:
    """The names of a document's people ("Name; Name"), each that the reader's text finds
    marked <mark>...</mark> whole, under any spelling or script, where a snippet would mark a
    part of it or nothing. `parties` is a JSON array of [name, aliases] pairs."""
    return "; ".join(f"<mark>{name}</mark>" if name_matches(f"{name};{aliases}", text) else name
                     for name, aliases in json.loads(parties or "[]"))

"""Turn what a reader types into a safe FTS5 query that also finds names under any spelling.

Readers get the syntax of a web search, and nothing else reaches FTS5:

- words: every one must match (`Mikoyan plenum`);
- `"exact phrase"`: the words in that order (`"August plenum"`);
- `OR` in capitals: either side may match (`Mikoyan OR Shepilov`);
- `-word`, `-"a phrase"` or `NOT word`: leave out what matches it (`plenum -December`);
- `prefix*`: any word that starts so (`plen*`).

Parentheses are not grouping: the page says how the search was read (described())."""

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

    def fts(self, stems=frozenset()):
        """The term as FTS5 reads it; a prefix also as each of `stems` it starts with."""
        star, key = "*" if self.prefix else "", names.fold(self.text)
        phrase = '"' + " ".join(self.words) + '"' + star
        if self.prefix and len(self.words) == 1:
            word = names.plain(self.words[0])
            phrase = " OR ".join([phrase] + [f'"{stem}"' for stem in sorted(stems)
                                             if word.startswith(stem) and stem != word])
        return f'({phrase} OR {NAME_KEYS} : "{key}"{star})' if key else f"({phrase})"


def parse(text):
    """The reader's text as clauses joined by OR, each a list of Terms joined by AND."""
    clauses, count, not_next = [[]], 0, False
    for match in _TOKEN.finditer(str(text or "")[:MAX_LENGTH]):
        negated, quoted, bare = match.groups()
        if bare == "OR":
            clauses.append([])
        if bare in ("OR", "AND", "NOT"):
            not_next = bare == "NOT"
            continue
        if quoted is not None:
            term_text, prefix = quoted, False
        else:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            term_text = bare[1:] if negated else bare
            prefix = term_text.endswith("*")
        negated, not_next = negated or not_next, False
        words = tuple(_WORD.findall(term_text))
        if words and count < MAX_TERMS:
            count += 1
            clauses[-1].append(Term(words, term_text.rstrip("*"), prefix, bool(negated)))
    return [clause for clause in clauses if clause]


def described(text) -> str:
    """How parse() read the reader's text, in words: 'Mikoyan, and not Peng', 'Mikoyan, or
    Ivanov and Peng'; empty when it holds no word."""
    def said(term):
        typed = term.text.strip("()[]{}")
        shown = typed + ("*" if term.prefix else "")
        shown = f"“{shown}”" if " " in typed else shown
        return f"not {shown}" if term.negated else shown
    return ", or ".join(" and ".join(map(said, clause)).replace(" and not ", ", and not ")
                        for clause in parse(text))


# The index holds words stemmed: "rehabilitates" as "rehabilit", which the prefix
# "rehabilitat*" does not start. A prefix also finds the stems, up to STEM_CUT letters
# shorter, that the index holds (stem_candidates(), then fts_query()'s stems). A stem stands
# for every word stemmed to it: "criticis*" finds "critics" too, as "critic" is also
# "criticism"'s stem.
STEM_CUT, MIN_STEM = 3, 4


def stem_candidates(text) -> list:
    """The stems each one-word prefix the reader typed may stand for in the index: the prefix
    cut by one to STEM_CUT letters, none shorter than MIN_STEM."""
    found = set()
    for clause in parse(text):
        for term in clause:
            if term.prefix and len(term.words) == 1:
                word = names.plain(term.words[0])
                found.update(word[:end] for end in range(max(MIN_STEM, len(word) - STEM_CUT),
                                                          len(word)))
    return sorted(found)


def too_long(text) -> bool:
    """Whether parse() cut what the reader typed, so that the page can say so."""
    text = str(text or "")
    return len(text) > MAX_LENGTH or sum(
        1 for match in _TOKEN.finditer(text) if match.group(3) not in ("OR", "AND")) > MAX_TERMS


def fts_query(text, stems=frozenset()) -> str:
    """Every term the reader typed must match, as the words it holds (stemmed, in the text
    columns) or as a spelling of part of a name (folded, in the name_keys column): "Pak
    Hon-yong" gives ("Pak" OR name_keys : "pak") AND ("Hon yong" OR name_keys : "honyonk").
    A hyphenated term is a phrase. Punctuation never reaches FTS5, so no input is a syntax
    error; text with no words, or with nothing but exclusions, matches nothing. `stems`: the
    index's stems among stem_candidates(text)."""
    alternatives = []
    for clause in parse(text):
        wanted = [term.fts(stems) for term in clause if not term.negated]
        if not wanted:
            continue  # FTS5 cannot search for "everything but": this side finds nothing
        query = " AND ".join(wanted)
        excluded = [term.fts(stems) for term in clause if term.negated]
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

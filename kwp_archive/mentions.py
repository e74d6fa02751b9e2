"""The people a text names: what `make check` compares with a document's links, so that a
person its title or summary names is linked to it, or the editors say why not. A name is
found as search finds it, folded (kwp_archive.names.fold), and whole: the words of a name or
alias in a row, the longest such run at each place, so that "Kim Il" is not found in "Kim
Il Sung", nor "Ivanov" in "Ivanovich"."""

import functools

from . import names

_PUNCTUATION = ".,;:!?()[]\"“”'‘’"


def _words(text):
    for word in str(text or "").split():
        word = word.strip(_PUNCTUATION).removesuffix("'s").removesuffix("’s")
        if word:
            yield word


_fold = functools.lru_cache(maxsize=1 << 16)(names.fold)


class Mentions:
    """The spellings of some people, and the people a text names."""

    def __init__(self, people):
        """`people`: (id, name, aliases) of each, the aliases ";"-separated."""
        self.spellings, self.first_words, self.longest = {}, set(), 1
        for person_id, name, aliases in people:
            for spelling in (name, *str(aliases or "").split(";")):
                words = list(_words(spelling))
                key = _fold(" ".join(words))
                if key:
                    self.spellings.setdefault(key, set()).add(person_id)
                    self.first_words.add(_fold(words[0]))
                    self.longest = max(self.longest, len(words))

    def named(self, text):
        """The ids of the people `text` names."""
        words, found, start = list(_words(text)), set(), 0
        while start < len(words):
            end = start + 1
            if _fold(words[start]) in self.first_words:
                for longest in range(min(len(words), start + self.longest), start, -1):
                    people = self.spellings.get(_fold(" ".join(words[start:longest])))
                    if people:
                        found, end = found | people, longest
                        break
            start = end
        return found

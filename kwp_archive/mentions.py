"""The people a text names: what `make check` compares with a document's links, so that a
person its title or summary names is linked to it, or the editors say why not. A name is
found as search finds it, folded (kwp_archive.names.fold), and whole: the words of a name or
alias in a row, the longest such run at each place, so that "Kim Il" is not found in "Kim
Il Sung", nor "Ivanov" in "Ivanovich"."""

import functools

from . import names

_PUNCTUATION = ".,;:!?()[]\"“”'‘’"


def _word(token):
    """A token's word, without the punctuation around it or a possessive, and its fold."""
    word = token.strip(_PUNCTUATION).removesuffix("'s").removesuffix("’s")
    return word, names.fold(word) if word else ""


# Texts repeat their words and phrases: each is cut and folded once, not once per text.
_word = functools.lru_cache(maxsize=1 << 16)(_word)
_fold = functools.lru_cache(maxsize=1 << 16)(names.fold)


class Mentions:
    """The spellings of some people, and the people a text names."""

    def __init__(self, people):
        """`people`: (id, name, aliases) of each, the aliases ";"-separated."""
        self.spellings, self.first_words, self.longest = {}, set(), 1
        for person_id, name, aliases in people:
            for spelling in (name, *str(aliases or "").split(";")):
                words = [word for word, _ in map(_word, spelling.split()) if word]
                key = names.fold(" ".join(words))
                if key:
                    self.spellings.setdefault(key, set()).add(person_id)
                    self.first_words.add(_word(words[0])[1])
                    self.longest = max(self.longest, len(words))

    def named(self, text):
        """The ids of the people `text` names."""
        words = [word for word in map(_word, str(text or "").split()) if word[0]]
        # Most texts name nobody: no word of theirs begins a name.
        if self.first_words.isdisjoint(fold for _, fold in words):
            return set()
        found, start = set(), 0
        while start < len(words):
            end = start + 1
            if words[start][1] in self.first_words:
                for longest in range(min(len(words), start + self.longest), start, -1):
                    spelling = " ".join(word for word, _ in words[start:longest])
                    people = self.spellings.get(_fold(spelling))
                    if people:
                        found, end = found | people, longest
                        break
            start = end
        return found

"""The people a text names: what the build (as a warning) and `make check` compare with a
document's links, so that a person its title or summary names is linked to it, or the editors
say why not. A name is found as search finds it, folded (kwp_archive.names.fold), and whole:
the words of a name or alias in a row, the longest such run at each place, so that "Kim Il"
is not found in "Kim Il Sung", nor "Ivanov" in "Ivanovich"."""

import functools

from . import names

_PUNCTUATION = ".,;:!?()[]\"“”'‘’"


@functools.lru_cache(maxsize=1 << 16)  # texts repeat their words
def _word(token):
    """A token's word, without the punctuation around it or a possessive, its letters as
    folding takes them, and its fold: words in a row fold as their letters joined."""
    word = token.strip(_PUNCTUATION).removesuffix("'s").removesuffix("’s")
    letters = names.letters(word)
    return word, letters, names.fold_letters(letters)


_fold_letters = functools.lru_cache(maxsize=1 << 16)(names.fold_letters)


class Mentions:
    """The spellings of some people, and the people a text names."""

    def __init__(self, people):
        """`people`: (id, name, aliases) of each, the aliases ";"-separated."""
        self.spellings, self.first_words, self.longest = {}, set(), 1
        for person_id, name, aliases in people:
            for spelling in (name, *str(aliases or "").split(";")):
                words = [word for word in map(_word, spelling.split()) if word[0]]
                key = names.fold_letters("".join(letters for _, letters, _ in words))
                if key:
                    self.spellings.setdefault(key, set()).add(person_id)
                    self.first_words.add(words[0][2])
                    self.longest = max(self.longest, len(words))

    def named(self, text):
        """The ids of the people `text` names."""
        words = [word for word in map(_word, str(text or "").split()) if word[0]]
        found, start = set(), 0
        while start < len(words):
            end = start + 1
            if words[start][2] in self.first_words:
                for longest in range(min(len(words), start + self.longest), start, -1):
                    people = self.spellings.get(words[start][2] if longest == start + 1 else (
                        _fold_letters("".join(letters for _, letters, _ in words[start:longest]))))
                    if people:
                        found, end = found | people, longest
                        break
            start = end
        return found

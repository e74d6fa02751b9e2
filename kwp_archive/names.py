"""Fold the romanisations of Korean names to one comparison key.

A reader types the spelling of the book on their desk: McCune–Reischauer with breves (Pak
Hŏn-yŏng) or without (Pak Hon-yong), Revised Romanization (Pak Heon-yeong), the North's own
usage (Ri Sang-jo), or a Western habit (Lee, Park). The rules below come from where those
systems disagree, not from the names in our records:

- case, diacritics (ŏ, ŭ) and apostrophes (the aspiration marks of ch', k', p', t', and the
  syllable break of Han'guk) are ignored;
- hyphens and spaces between syllables are ignored: Il-sung, Ilsung, Il Sung;
- vowels: RR eo = MR ŏ = o, RR eu = MR ŭ = u; Western oo = u, ee = i;
- consonants: RR g/d/b/j = MR k/t/p/ch (MR writes those voiced between vowels, and aspirated
  with an apostrophe that is dropped); tch and jj = ch; sh = s (MR shi = RR si); r = l (one
  Korean letter, written either way);
- surnames: the common variants of each surname are brought to one spelling (SURNAMES)."""

import re
import unicodedata

# Whole-word surname variants, by the spelling whose fold stands for them all.
SURNAMES = {variant: spelling for spelling, variants in {
    "li": "ri li yi i lee rhee rhie yee ree", "pak": "pak park bak pack bahk",
    "choe": "choe choi chwe choy", "jeong": "jeong chung jung cheong chong",
    "seo": "seo suh so sur", "heo": "heo huh hur ho", "no": "no noh roh ro",
    "yu": "yu yoo ryu rhyu you", "im": "im lim rim yim", "o": "o oh", "an": "an ahn",
    "yang": "yang ryang", "yeo": "yeo yo ryeo ryo yuh", "na": "na ra",
    "baek": "baek paik baik paek", "go": "go ko koh", "gu": "gu ku koo", "sin": "sin shin",
}.items() for variant in variants.split()}
# Applied in order to a word already lowercased and stripped of diacritics and apostrophes.
_RULES = [("tch", "ch"), ("jj", "ch"), ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"),
          ("sh", "s"), ("j", "ch"), ("g", "k"), ("d", "t"), ("b", "p"), ("r", "l"),
          ("chch", "ch"), ("kk", "k"), ("tt", "t"), ("pp", "p"), ("ss", "s"), ("ll", "l")]
_APOSTROPHES = "'’‘ʼʻ`´"
_WITHOUT_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_SYLLABLE_BREAK = re.compile(r"[\s\-‐‑–]+")
_NOT_A_LETTER = re.compile(r"[\W_]+")
# A Hangul or Hanja character is a syllable, typed with or without spaces (김일성, 김 일성);
# Hangul is kept composed, as decomposed 김 would be three letters.
_SYLLABIC = re.compile("[\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SYLLABIC_OR_RUN = re.compile(f"{_SYLLABIC.pattern}|(?:(?!{_SYLLABIC.pattern}).)+")
# 성 in a given name is conventionally "Sung" (Kim Il Sung), where MR writes "Sŏng" and RR
# "Seong" ("song" once folded): keys() indexes a given name's "song" or "sung" under both, so
# any spelling finds it. Folding keeps 우 and 어 apart (Kim Hun is not Kim Hon), and a surname
# is left alone (Sung, 성, is not Song, 송).
CONVENTIONAL = {"song": "sung", "sung": "song"}


def plain(text):
    """Lowercase, without diacritics or apostrophes; Hangul and Hanja as they are."""
    text = text.lower()
    if _SYLLABIC.search(text):
        text = "".join(char if _SYLLABIC.match(char) else unicodedata.normalize("NFKD", char)
                       for char in text)
    else:
        text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.translate(_WITHOUT_APOSTROPHES)


def fold_letters(text):
    for old, new in _RULES:
        text = text.replace(old, new)
    return text


def _syllables(name):
    """A name's syllables, each word first brought to its surname spelling if it is one."""
    syllables = []
    for word in plain(name).split():
        word = SURNAMES.get(word.strip(".,;:()"), word)
        for syllable in _SYLLABLE_BREAK.split(word):
            # Without the dots of "A.I.", and each Hangul or Hanja character on its own.
            syllables += _SYLLABIC_OR_RUN.findall(_NOT_A_LETTER.sub("", syllable))
    return syllables


def letters(name) -> str:
    """A name's letters as folding takes them: fold(name) is fold_letters(letters(name)), and
    the letters of words in a row are the letters of each, joined (as mentions.py uses)."""
    return "".join(_syllables(name))


def fold(name) -> str:
    """The comparison key of a name: equal keys, same name under any romanisation."""
    return fold_letters(letters(name))


def keys(names) -> list:
    """Every key a reader's term may fold to for these names (a ";"-separated list): a name
    is typed whole ("Kim Ilsung") or in part ("Il-sung", "Kim"), so each run of consecutive
    syllables is a key (Kim Il Sung gives kim, il, sunk, kimil, ilsunk and kimilsunk). Sorted
    and without repeats, so that the build stays deterministic."""
    found = set()
    for name in str(names or "").split(";"):
        syllables = _syllables(name)
        for spelling in {tuple(syllables), tuple(_conventional(name, syllables))}:
            for start in range(len(spelling)):
                # Runs no longer than a name: the work stays linear in the text's length.
                for end in range(start + 1, min(len(spelling), start + MAX_RUN) + 1):
                    found.add(fold_letters("".join(spelling[start:end])))
    return sorted(found)


def _conventional(name, syllables):
    """The syllables with "song" and "sung" swapped after the first word (a name's first)."""
    words = name.split()
    first = len(_syllables(words[0])) if words else 0
    return syllables[:first] + [CONVENTIONAL.get(syllable, syllable)
                                for syllable in syllables[first:]]


# The most syllables a key joins: a full name is three to five; eight leaves room for titles.
MAX_RUN = 8


# Surnames that come first, in the East Asian order (Kim Il Sung, Mao Zedong); a name starting
# otherwise is in the Western order, surname last (Anastas Mikoyan, A.M. Petrov).
EAST_ASIAN_SURNAMES = set(SURNAMES) | {
    "kim", "jang", "chang", "yun", "yoon", "nam", "song", "han", "hong", "kang", "jeon", "chon",
    "gi", "ki", "ha", "mun", "moon", "hyon", "hyeon", "kwon", "gwon", "cho", "jo", "mao", "peng",
    "qiao", "zhou", "liu", "zhu", "chen", "deng", "gao", "wang", "zhang", "li"}


def sort_name(name) -> str:
    """How a name is filed: surname first ("Mikoyan, Anastas", "Petrov, A.M.", "Kim Il
    Sung"), so that people list by surname, not by first name or initial."""
    words = str(name or "").split()
    initial = words[0].endswith(".") if words else False  # "I. S. Byakov", not Yi
    if len(words) < 2 or (not initial and plain(words[0]) in EAST_ASIAN_SURNAMES):
        return " ".join(words)
    return f"{words[-1]}, {' '.join(words[:-1])}"


def surname_and_given(name):
    """(surname, given names) as a reference manager files a person: ("Kim", "Il Sung"),
    ("Mikoyan", "Anastas"), ("Ivanov", "V."), ("Shtykov", "")."""
    filed = sort_name(name)
    if ", " in filed:
        surname, given = filed.split(", ", 1)
        return surname, given
    surname, _, given = filed.partition(" ")  # surname first already, or one word
    return surname, given


# The scripts a person's page groups spellings by, in order, by their letters' Unicode names.
SCRIPTS = {"Latin": "LATIN", "Hangul": "HANGUL", "Hanja or Chinese characters": "CJK",
           "Cyrillic": "CYRILLIC", "Other": ""}


def script(spelling) -> str:
    """The script a spelling is written in, by its first letter."""
    letter = next((char for char in spelling if char.isalpha()), None)
    name = unicodedata.name(letter, "") if letter else ""
    return next(script for script, start in SCRIPTS.items() if name.startswith(start))


def by_script(spellings):
    """[(script, [spelling, ...])] in the order of SCRIPTS, empty scripts left out."""
    grouped = {name: [spelling for spelling in spellings if script(spelling) == name]
               for name in SCRIPTS}
    return [(name, found) for name, found in grouped.items() if found]

"""Name folding: real spellings of the same name in McCune–Reischauer (with and without
breves), Revised Romanization, North Korean usage and Western habit fold together; different
names do not."""

import pytest

from kwp_archive import names
from kwp_archive.names import fold, keys

SAME = [
    # (one spelling, another spelling of the same name)
    ("Pak Hŏn-yŏng", "Pak Heon-yeong"),      # MR with breves / RR
    ("Pak Hon-yong", "Pak Heon-yeong"),      # MR typed without breves / RR
    ("pak heonyeong", "Pak Hŏn-yŏng"),       # run together, lower case
    ("Pak Hǒn-yǒng", "Pak Hŏn-yŏng"),        # caron typed for the breve
    ("Kim Il-sung", "Kim Il Sung"),          # hyphenated / spaced
    ("Kim Ilsung", "Kim Il Sung"),           # run together
    ("Kim Il-sŏng", "Kim Il-seong"),         # MR / RR
    ("Yun Kong-hŭm", "Yun Gong-heum"),
    ("Yun Kong-hum", "Yun Gong-heum"),
    ("YUN GONG-HEUM", "Yun Gong-heum"),
    ("Yi Pil-gyu", "Li Pil-gyu"),            # South / seed
    ("Ri P'il-gyu", "Li Pil-gyu"),           # North, with the aspiration mark
    ("Yi P’il-gyu", "Li Pil-gyu"),           # a typographic apostrophe
    ("Yi Sang-cho", "Ri Sang-jo"),           # MR / North Korean usage
    ("Lee Sang-jo", "Ri Sang-jo"),
    ("Rhee Sang-jo", "Ri Sang-jo"),
    ("Sŏ Hwi", "Seo Hwi"),
    ("So Hwi", "Seo Hwi"),
    ("Suh Hwi", "Seo Hwi"),
    ("Kim Kwan", "Kim Gwan"),
    ("Chang Si-u", "Jang Si-u"),
    ("Yi Sŭng-yŏp", "Ri Seung-yeop"),
    ("Lee Seung-yeop", "Ri Seung-yeop"),
    ("Pak Ilu", "Pak Il-u"),
    ("Park Il-u", "Pak Il-u"),
    ("Ch'oe Yong-gŏn", "Choe Yong-geon"),
    ("Choi Yong-geon", "Ch'oe Yong-gŏn"),
    ("Kim Tu-bong", "Kim Du-bong"),
    ("Kim Tubong", "Kim Tu Bong"),
    ("Ch'oe Ch'ang-ik", "Choe Chang-ik"),
    ("Choe Changik", "Ch'oe Ch'ang-ik"),
    ("Pak Ch'ang-ok", "Bak Chang-ok"),
    ("Hŏ Ka-i", "Heo Ga-i"),
    ("Mu Chŏng", "Mu Jeong"),
    ("Kim Ch'aek", "Gim Chaek"),
    ("Pak Chŏng-ae", "Bak Jeong-ae"),
    ("Yi Sŭng-man", "I Seung-man"),
    ("Han Sŏr-ya", "Han Seol-ya"),
    ("Ri Ki-yŏng", "Yi Gi-yeong"),
    ("Ch'oe Hyŏn", "Choe Hyeon"),
    ("Pang Hak-se", "Bang Hak-se"),
    ("Kim Kwang-hyŏp", "Kim Gwang-hyeop"),
    ("Yi Chu-yŏn", "Ri Ju-yeon"),
    ("Pak Kŭm-ch'ŏl", "Bak Geum-cheol"),
    ("Chŏng Il-lyong", "Jeong Il-ryong"),
    ("Chung Il-lyong", "Jeong Il-ryong"),
    ("Ryu Kyŏng-su", "Yu Gyeong-su"),
    ("Rim Hwa", "Im Hwa"),
]

DIFFERENT = [
    ("Kim Il Sung", "Kim Gwan"),
    ("Kim Il-sung", "Kim Jong-il"),
    ("Pak Il-u", "Pak Heon-yeong"),
    ("Ri Sang-jo", "Ri Seung-yeop"),
    ("Pak Hŏn-yŏng", "Paek Hŏn-yŏng"),
    ("Yun Gong-heum", "Yun Kang-hum"),
    ("Choe Chang-ik", "Choe Yong-geon"),
    ("Kim Tu-bong", "Kim Du-hwan"),
    ("Ho Hong", "Hong Ho"),
    ("Li Pil-gyu", "Li Pil-ju"),
    ("Mikoyan", "Molotov"),
    ("Song Ho", "Sung Ho"),  # ŏ and u stay apart: the systems agree on those
]


@pytest.mark.parametrize("one, other", SAME)
def test_spellings_of_one_name_fold_together(one, other):
    assert fold(one) == fold(other)


@pytest.mark.parametrize("one, other", DIFFERENT)
def test_different_names_stay_apart(one, other):
    assert fold(one) != fold(other)


def test_there_are_enough_real_pairs():
    assert len(SAME) >= 40


def test_keys_cover_every_run_of_syllables():
    runs = {fold("Kim"), fold("Il"), fold("Sung"), fold("Kim Il"), fold("Il Sung"),
            fold("Kim Il Sung")}
    # ... under the given name's conventional "Sung" and MR/RR "Sŏng"/"Seong" alike.
    assert keys("Kim Il Sung") == sorted(runs | {fold("Sŏng"), fold("Il Sŏng"),
                                                 fold("Kim Il Sŏng")})
    # A reader's term is one whole word, hyphens joined: each must be among the keys.
    for term in ("Il-sung", "Ilsung", "Kim"):
        assert fold(term) in keys("Kim Il Sung")


def test_keys_of_a_list_of_names_stay_within_each_name():
    found = keys("Ho Hong; Pak Heon-yeong")
    assert fold("Hong Pak") not in found
    assert fold("Hon-yong") in found and fold("Ho Hong") in found


def test_fold_ignores_punctuation_and_initials():
    assert fold("A.I. Mikoyan") == fold("AI Mikoyan")
    assert fold("") == ""


@pytest.mark.parametrize("name, filed", [
    ("Anastas Mikoyan", "Mikoyan, Anastas"),
    ("A.M. Petrov", "Petrov, A.M."),
    ("I. S. Byakov", "Byakov, I. S."),  # an initial, not the surname Yi
    ("Illarion Dmitriyevich Pak", "Pak, Illarion Dmitriyevich"),
    ("Károly Práth", "Práth, Károly"),
    ("Kim Il Sung", "Kim Il Sung"),
    ("Pak Heon-yeong", "Pak Heon-yeong"),
    ("Mao Zedong", "Mao Zedong"),
    ("Nam Il", "Nam Il"),
    ("Shtykov", "Shtykov"),
])
def test_sort_name_files_by_surname(name, filed):
    assert names.sort_name(name) == filed


def test_the_keys_of_a_name_grow_linearly_with_its_words():
    """A key joins at most MAX_RUN syllables: a 2,000-word 'name' has at most 8 keys a word,
    not the two million runs of every length it would have otherwise."""
    words = [f"Word{number}" for number in range(2000)]
    found = keys(" ".join(words))
    assert len(found) <= names.MAX_RUN * len(words)
    assert "kimilsunk" in keys("Kim Il Sung")  # a whole name is still a key


# Issue 15: spellings in every script a reader may type. Each (typed, indexed) pair: the
# typed spelling, folded as a search term is, is among the keys of the indexed name.
FOUND = [
    # MR with and without breves, RR, the conventional spelling, run together or not
    ("Kim Il-sŏng", "Kim Il Sung"), ("Kim Il-song", "Kim Il Sung"),
    ("Kim Il-seong", "Kim Il Sung"), ("Kim Ilsung", "Kim Il Sung"),
    ("Kim Il Sung", "Kim Il-sŏng"), ("Il-sung", "Kim Il-sŏng"), ("Ilsong", "Kim Il Sung"),
    ("Gim Il-seong", "Kim Il Sung"), ("Pak Hŏn-yŏng", "Pak Heon-yeong"),
    ("Bak Heonyeong", "Pak Hon-yong"), ("Ch'oe Ch'ang-ik", "Choe Chang-ik"),
    ("Yi Sŭng-yŏp", "Ri Seung-yeop"), ("Ri Sung-yop", "Ri Seung-yeop"),
    ("Kim Tu-bong", "Kim Du-bong"), ("Nam Il", "Nam Il"),
    # Hangul and Hanja, whole, spaced, or a part, as a reader types them
    ("김일성", "김일성"), ("김 일성", "김일성"), ("일성", "김일성"), ("김 일 성", "김일성"),
    ("金日成", "金日成"), ("金 日成", "金日成"), ("박헌영", "박헌영"), ("朴憲永", "朴憲永"),
    ("최창익", "최창익"), ("남일", "남일"),
    # Cyrillic, in any case, with or without the stress marks of an encyclopedia
    ("Ким Ир Сен", "Ким Ир Сен"), ("ким ир сен", "Ким Ир Сен"), ("Микоян", "Анастас Микоян"),
    ("Хрущёв", "Ники́та Серге́евич Хрущёв"), ("Штыков", "Терентий Фомич Штыков"),
    # Chinese, and the romanisations of English-language scholarship (as aliases)
    ("毛泽东", "毛泽东"), ("Mao Tse-tung", "Mao Tse-tung"), ("Mikoian", "Mikoian"),
]

# ... and what must still not be found.
NOT_FOUND = [
    ("Kim Il Sung", "Kim Gwan"), ("Kim Il Sung", "Kim Du-bong"), ("Sung Ho", "Song Ho"),
    ("Kim Hun", "Kim Hon"), ("Ri Song-yop", "Ri Seung-yeop"), ("김일성", "김두봉"),
    ("박헌영", "김일성"), ("金日成", "朴憲永"), ("Ким Ир Сен", "Пак Хон Ён"),
    ("Mikoian", "Anastas Mikoyan"), ("Pak Hon-yong", "Pak Il-u"), ("일성", "박헌영"),
]


@pytest.mark.parametrize("typed, indexed", FOUND)
def test_a_spelling_finds_the_name(typed, indexed):
    from kwp_archive.search import name_matches

    assert name_matches(indexed, typed)


@pytest.mark.parametrize("typed, indexed", NOT_FOUND)
def test_a_spelling_does_not_find_another_name(typed, indexed):
    from kwp_archive.search import name_matches

    assert not name_matches(indexed, typed)


@pytest.mark.parametrize("spelling, script", [
    ("Kim Il Sung", "Latin"), ("Kim Il-sŏng", "Latin"), ("김일성", "Hangul"),
    ("金日成", "Hanja or Chinese characters"), ("毛泽东", "Hanja or Chinese characters"),
    ("Ким Ир Сен", "Cyrillic"), ("Тере́нтий", "Cyrillic"),
])
def test_a_spelling_is_shown_under_its_script(spelling, script):
    assert names.script(spelling) == script


def test_a_text_names_people_whole_under_any_spelling():
    from kwp_archive.mentions import Mentions

    mentions = Mentions([("kim-il-sung", "Kim Il Sung", "김일성; Kim Ir Sen"),
                         ("kim-il", "Kim Il", ""), ("ivanov", "V. Ivanov", "Ivanov"),
                         ("mikoyan", "Anastas Mikoyan", "A.I. Mikoyan")])
    assert mentions.named("Kim Il-sung's report to Ivanov") == {"kim-il-sung", "ivanov"}
    # Kim Il is not named inside Kim Il Sung, nor Ivanov inside a patronymic.
    assert mentions.named("Kim Il Sung and Anastas Ivanovich Mikoyan") == {"kim-il-sung"}
    assert mentions.named("Kim Ir Sen meets Kim Il, then A.I. Mikoyan.") == {
        "kim-il-sung", "kim-il", "mikoyan"}
    assert mentions.named("") == set()


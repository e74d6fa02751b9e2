"""Write synthetic sources of any size, in our own format, for the benchmark.

    python bench/synth.py --records 1000000 --out /tmp/synth [--seed 1]

Deterministic for a seed. The shapes follow the real archive's: many people appear in few
documents and a few in very many (a Zipf law), title and summary words follow a Zipf word
frequency, most dates are days, some months, a few only years, and each document has a few
authors, recipients and mentions.
"""

import argparse
import csv
import itertools
import random
from pathlib import Path

from kwp_archive import provenance

TYPES = [  # (id, name, share of documents)
    ("telegram", "Telegram", 30), ("letter", "Letter", 18), ("report", "Report", 15),
    ("memorandum", "Memorandum", 10), ("conversation-record", "Record of conversation", 9),
    ("resolution", "Resolution", 6), ("decision", "Decision", 4), ("speech", "Speech", 3),
    ("statement", "Statement", 2), ("journal", "Journal entry", 2),
    ("meeting-record", "Record of meeting", 1),
]
SURNAMES = ["Kim", "Pak", "Ri", "Choe", "Jeong", "Kang", "Jo", "Yun", "Jang", "Han", "Seo",
            "Heo", "Pang", "Mun", "Hong", "Song", "Nam", "An", "O", "Ryu"]
SYLLABLES = ["il", "sung", "heon", "yeong", "gong", "heum", "sang", "jo", "pil", "gyu", "gwan",
             "hwi", "seung", "yeop", "si", "u", "chang", "ik", "du", "bong", "chaek", "hyeon",
             "ok", "ae", "mu", "ho", "hong", "nam", "cheol", "su"]
RUSSIAN = ["Ivanov", "Petrov", "Shtykov", "Romanenko", "Fedorenko", "Molotov", "Mikoyan",
           "Shepilov", "Puzanov", "Lebedev", "Balasanov", "Suzdalev", "Ignatiev", "Kurdyukov"]
ROLES = [("author", 40), ("recipient", 30), ("mentioned", 30)]
VOCABULARY_SIZE = 20_000
CONSONANTS, VOWELS = "bcdfghjklmnprstvwz", "aeiou"


def vocabulary():
    """VOCABULARY_SIZE distinct words, most frequent first; the same every time."""
    rng = random.Random("vocabulary")
    words, seen = [], set()
    while len(words) < VOCABULARY_SIZE:
        length = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(length))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_weights(count, exponent=1.1):
    return list(itertools.accumulate(1 / (rank ** exponent) for rank in range(1, count + 1)))


def person_name(index, seed=1):
    """(name, alias) of person `index`: the same for a seed, whatever else was drawn."""
    rng = random.Random(f"person {seed} {index}")
    if index % 3 == 2:
        initials = f"{rng.choice('ABDFGIKMNPSTV')}.{rng.choice('ABDFGIKMNPSTV')}."
        return f"{initials} {rng.choice(RUSSIAN)}-{index}", ""
    given = f"{rng.choice(SYLLABLES).capitalize()}-{rng.choice(SYLLABLES)}"
    name = f"{rng.choice(SURNAMES)} {given} {index}"
    alias = f"{name.split()[0]} {given.replace('-', '')} {index}" if index % 10 == 0 else ""
    return name, alias


def counts(records):
    return {"people": max(50, records // 10), "organisations": max(10, records // 2000),
            "collections": 12, "subjects": 120}


def write(records, out, seed=1):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    words = vocabulary()
    word_weights = zipf_weights(len(words))
    sizes = counts(records)
    person_weights = zipf_weights(sizes["people"], 1.0)
    organisation_weights = zipf_weights(sizes["organisations"], 1.0)
    type_ids = [type_id for type_id, _, _ in TYPES]
    type_weights = list(itertools.accumulate(share for _, _, share in TYPES))
    role_names = [role for role, _ in ROLES]
    role_weights = list(itertools.accumulate(share for _, share in ROLES))

    def text(low, high):
        chosen = rng.choices(words, cum_weights=word_weights, k=rng.randint(low, high))
        return " ".join(chosen).capitalize() + "."

    def writer(name, header):
        file = open(out / name, "w", newline="", encoding="utf-8")
        rows = csv.writer(file)
        rows.writerow(header)
        return file, rows

    with open(out / "document_types.csv", "w", newline="", encoding="utf-8") as file:
        rows = csv.writer(file)
        rows.writerow(["id", "name", "description", "sent"])
        rows.writerows((type_id, name, f"A {name.lower()}.", "yes")
                       for type_id, name, _ in TYPES)
    for name, size in (("collections", sizes["collections"]), ("subjects", sizes["subjects"])):
        file, rows = writer(f"{name}.csv", ["id", "name", "source_url"])
        with file:
            rows.writerows((f"{name[:-1]}-{index:04d}", f"{name[:-1].capitalize()} {index}",
                            f"{provenance.ARCHIVE_SITE}{name[:-1]}/{index}")
                           for index in range(size))
    # Drawn apart, so that the documents, people and links are those of a seed either way.
    listed = random.Random(f"listed {seed}")
    collection_weights = zipf_weights(sizes["collections"], 1.0)
    subject_weights = zipf_weights(sizes["subjects"], 1.0)

    file, rows = writer("people.csv", ["id", "name", "aliases", "position"])
    with file:
        for index in range(sizes["people"]):
            name, alias = person_name(index, seed)
            rows.writerow([f"person-{index:07d}", name, alias, ""])

    file, rows = writer("organisations.csv", ["id", "name", "aliases"])
    with file:
        for index in range(sizes["organisations"]):
            rows.writerow([f"org-{index:05d}", f"{text(2, 4)[:-1]} Committee {index}", ""])

    documents, people_links, organisation_links, collection_links, subject_links = (
        writer("records.csv", ["id", "date", "title", "type", "summary", "source_url"]),
        writer("document_people.csv", ["document_id", "person_id", "role"]),
        writer("document_organisations.csv", ["document_id", "organisation_id", "role"]),
        writer("document_collections.csv", ["document_id", "collection_id"]),
        writer("document_subjects.csv", ["document_id", "subject_id"]),
    )
    with documents[0], people_links[0], organisation_links[0], collection_links[0], \
            subject_links[0]:
        for index in range(records):
            document_id = f"doc-{index:08d}"
            year = rng.randint(1945, 1956)
            precision = rng.random()
            if precision < 0.05:
                date = f"{year}"
            elif precision < 0.15:
                date = f"{year}-{rng.randint(1, 12):02d}"
            else:
                date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            [type_id] = rng.choices(type_ids, cum_weights=type_weights)
            summary = text(20, 45) if rng.random() < 0.95 else ""
            documents[1].writerow([document_id, date, text(6, 14), type_id, summary,
                                   f"{provenance.ARCHIVE_SITE}document/{index}"])
            links = set()
            for _ in range(rng.randint(0, 4)):
                [person] = rng.choices(range(sizes["people"]), cum_weights=person_weights)
                [role] = rng.choices(role_names, cum_weights=role_weights)
                links.add((f"person-{person:07d}", role))
            people_links[1].writerows((document_id, person, role) for person, role in sorted(links))
            links = set()
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                [organisation] = rng.choices(range(sizes["organisations"]),
                                             cum_weights=organisation_weights)
                [role] = rng.choices(role_names, cum_weights=role_weights)
                links.add((f"org-{organisation:05d}", role))
            organisation_links[1].writerows(
                (document_id, organisation, role) for organisation, role in sorted(links))
            # Two documents in five in a collection; none to three subjects each.
            if listed.random() < 0.4:
                [collection] = listed.choices(range(sizes["collections"]),
                                              cum_weights=collection_weights)
                collection_links[1].writerow((document_id, f"collection-{collection:04d}"))
            subjects = set(listed.choices(range(sizes["subjects"]), cum_weights=subject_weights,
                                          k=listed.randint(0, 3)))
            subject_links[1].writerows(
                (document_id, f"subject-{subject:04d}") for subject in sorted(subjects))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(write(args.records, args.out, args.seed))


if __name__ == "__main__":
    main()

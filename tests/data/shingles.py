"""Runs of eight words, hashed: how tests/test_collection.py checks that no summary repeats
an archive description, without the descriptions (the archive's, not ours) being kept here.

    python tests/data/shingles.py "An archive description read while gathering."

adds the description's runs to description_shingles.txt.
"""

import hashlib
import re
import sys
from pathlib import Path

FILE = Path(__file__).with_name("description_shingles.txt")
RUN = 8


def words(text):
    """Lowercase words and numbers; an apostrophe joins what it stands between."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


def shingles(text):
    found = words(text)
    return {hashlib.sha256(" ".join(found[start:start + RUN]).encode()).hexdigest()[:16]
            for start in range(len(found) - RUN + 1)}


def known():
    return {line.strip() for line in FILE.read_text().splitlines()
            if line.strip() and not line.startswith("#")}


if __name__ == "__main__":
    added = shingles(" ".join(sys.argv[1:])) - known()
    with FILE.open("a") as file:
        file.writelines(f"{shingle}\n" for shingle in sorted(added))
    print(f"{len(added)} runs added")

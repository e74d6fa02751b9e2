"""`make release`: the collection as a release a scholar can cite.

The version being released is the last row of sources/releases.csv. Against the ledger of
the last release (sources/ledger.csv: each record's digest, and the releases that added and
last changed it), a new version adds the records the ledger lacks and changes those whose
digest differs; a record gone from records.csv must be in withdrawn.csv. The ledger and
CHANGELOG.md are written, then the release's directory: archive.db, the data package, the
citations of the whole collection and the SHA-256 of each file. A version already in the
changelog is only written again if the sources are as it released them."""

import argparse
import csv
import hashlib
import json
import re
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from . import atomic, citations, package, pipeline, site
from .sources import LEDGER, RECORDS, RELEASES, WITHDRAWN, SourceError

# What a record is, for its digest: the columns editors write (records.csv's), and its links.
_RECORD = ", ".join(RECORDS.required + RECORDS.optional)
_LINKS = {"document_people": "person_id, role", "document_organisations": "organisation_id, role",
          "document_subjects": "subject_id", "document_collections": "collection_id",
          "document_events": "event_id, basis", "related_documents": "related_id, relation"}
_ENTRY = re.compile(r"^## (\S+) ", re.MULTILINE)
CITATION_FILES = {"ris": citations.ris, "bib": citations.bibtex,
                  "csljson": lambda cited: json.dumps(citations.csl_json(cited),
                                                      ensure_ascii=False, indent=2)}


class ReleaseError(Exception):
    pass


def digests(connection):
    """{record id: SHA-256 of its row and its links}, from a built database."""
    parts = {row[0]: [list(row)] for row in connection.execute(
        f"select {_RECORD} from documents order by id")}
    for table, columns in _LINKS.items():
        for document_id, *link in connection.execute(
                f"select document_id, {columns} from {table} order by document_id, {columns}"):
            parts[document_id].append([table, *link])
    return {record: hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
            for record, rows in parts.items()}


def _rows(path):
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _as_tuple(version):
    return tuple(int(part) for part in version.split("."))


def entry(version, date, summary, ledger, withdrawn):
    """The changelog's entry for a version, from the ledger: what it added, changed, withdrew."""
    added = sorted(record for record, row in ledger.items() if row["added_in"] == version)
    changed = sorted(record for record, row in ledger.items()
                     if row["changed_in"] == version and row["added_in"] != version)
    gone = sorted((row["id"], row["reason"]) for row in withdrawn
                  if row["withdrawn_in"] == version)
    lines = [f"## {version} — {date}", "", summary, ""]
    lines += [f"- Added ({len(added)}): {', '.join(added) or 'none'}",
              f"- Changed ({len(changed)}): {', '.join(changed) or 'none'}",
              f"- Withdrawn ({len(gone)}): "
              + ("; ".join(f"{record} ({reason})" for record, reason in gone) or "none")]
    return "\n".join(lines) + "\n"


def _entries(changelog):
    """{version: its entry's text} of CHANGELOG.md."""
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
    starts = [match.start() for match in _ENTRY.finditer(text)] + [len(text)]
    return {_ENTRY.match(text, start).group(1): text[start:end].rstrip("\n") + "\n"
            for start, end in zip(starts, starts[1:])}


def update(sources, changelog, current):
    """The ledger and changelog for the version being released, given the built records'
    digests (`current`); written unless the version is released already."""
    releases = _rows(sources / RELEASES.filename)
    if not releases:
        raise ReleaseError(f"{sources / RELEASES.filename}: no release to make: add a row "
                           "with version, date and summary")
    version, date, summary = (releases[-1][key] for key in ("version", "date", "summary"))
    ledger = {row["id"]: row for row in _rows(sources / LEDGER.filename)}
    withdrawn = _rows(sources / WITHDRAWN.filename)
    entries = _entries(changelog)
    new = sorted(set(current) - set(ledger))
    differ = sorted(record for record in set(current) & set(ledger)
                    if current[record] != ledger[record]["digest"])
    if version in entries:
        if new or differ or set(ledger) - set(current):
            raise ReleaseError(
                f"the sources changed since {version} was released ({len(new)} new, "
                f"{len(differ)} changed, {len(set(ledger) - set(current))} gone): add a new "
                f"version to {RELEASES.filename}")
        if entry(version, date, summary, ledger, withdrawn) != entries[version]:
            raise ReleaseError(f"{changelog.name}'s entry for {version} does not match the "
                               "release: the ledger or withdrawn.csv changed after it")
        return version, False
    newest = max(entries, key=_as_tuple, default=None)
    if newest and _as_tuple(version) <= _as_tuple(newest):
        raise ReleaseError(f"{version} is not after {newest}, the last release: "
                           f"give {RELEASES.filename} a higher version")
    withdrawn_now = {row["id"] for row in withdrawn if row["withdrawn_in"] == version}
    unexplained = sorted(set(ledger) - set(current) - withdrawn_now)
    if unexplained:
        raise ReleaseError(f"records left records.csv without a line in {WITHDRAWN.filename} "
                           f"saying why: {', '.join(unexplained)}")
    for record in new:
        ledger[record] = {"id": record, "added_in": version, "changed_in": version}
    for record in differ:
        ledger[record]["changed_in"] = version
    ledger = {record: dict(row, digest=current[record]) for record, row in sorted(ledger.items())
              if record in current}
    with open(sources / LEDGER.filename, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=LEDGER.required, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ledger.values())
    head = "# Changelog\n\nEach release of the collection: what it added, changed and withdrew.\n"
    older = "\n".join(entries[known] for known in sorted(entries, key=_as_tuple, reverse=True))
    changelog.write_text(head + "\n" + entry(version, date, summary, ledger, withdrawn)
                         + ("\n" + older if older else ""), encoding="utf-8")
    return version, True


def _checksums(directory):
    lines = [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(directory)}"
             for path in sorted(directory.rglob("*")) if path.is_file()
             and path.name not in ("SHA256SUMS", atomic.OURS)]
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _citation_files(database, directory):
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        connection.row_factory = sqlite3.Row
        ids = [row[0] for row in connection.execute("select id from documents order by rowid")]
        cited = citations.in_order(connection.execute(
            citations.CITABLE_DOCUMENTS, {"ids": json.dumps(ids)}).fetchall(), ids)
    for extension, write in CITATION_FILES.items():
        (directory / f"collection.{extension}").write_text(write(cited), encoding="utf-8")


def make(sources, directory, root, homepage=None):
    """The release of `sources` into `directory`; the ledger, CHANGELOG.md, CITATION.cff and
    .zenodo.json in `root` brought to its version."""
    sources, root = Path(sources), Path(root)
    directory = atomic.our_directory(directory, empty=True)
    scratch = directory / "archive.db"
    pipeline.build(sources, scratch)
    with closing(sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)) as connection:
        current = digests(connection)
    version, written = update(sources, root / "CHANGELOG.md", current)
    pipeline.build(sources, scratch)  # again, with the ledger's releases in the documents
    package.write(scratch, directory / "datapackage", site.METADATA, homepage=homepage)
    _citation_files(scratch, directory)
    with closing(sqlite3.connect(f"file:{scratch}?mode=ro", uri=True)) as connection:
        _, date, _ = package.release(connection)
    _cite_files(root, version, date)
    _checksums(directory)
    return version, written


def _cite_files(root, version, date):
    """CITATION.cff and .zenodo.json at the release's version and date."""
    for name, pattern, replacement in (
            ("CITATION.cff", r"(?m)^version: .*$", f'version: "{version}"'),
            ("CITATION.cff", r"(?m)^date-released: .*$", f'date-released: "{date}"'),
            (".zenodo.json", r'"version": "[^"]*"', f'"version": "{version}"'),
            (".zenodo.json", r'"publication_date": "[^"]*"', f'"publication_date": "{date}"')):
        path = root / name
        if path.is_file():
            path.write_text(re.sub(pattern, replacement, path.read_text(encoding="utf-8")),
                            encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Make a release of the collection.")
    parser.add_argument("directory", help="the release's directory (new, or one made before)")
    parser.add_argument("--sources", default="sources")
    parser.add_argument("--root", default=".", help="where CHANGELOG.md and CITATION.cff are")
    parser.add_argument("--homepage", help="the published site's address, for datapackage.json")
    args = parser.parse_args(argv)
    try:
        version, written = make(args.sources, args.directory, args.root, args.homepage)
    except (ReleaseError, SourceError, FileExistsError) as error:
        problems = getattr(error, "problems", None)
        print("\n".join(map(str, problems)) if problems else f"release: {error}",
              file=sys.stderr)
        return 1
    print(f"{args.directory}: release {version}"
          + ("" if written else " (already in CHANGELOG.md; written again, unchanged)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

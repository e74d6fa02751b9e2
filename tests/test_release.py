"""Releases: two versions of a small source set released in turn, what the changelog, the
documents' releases and a withdrawn record's page say of the difference, and what a
release refuses; the files a release is cited and found by."""

import csv
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, SOURCES, edit, make_datasette
from datasette.plugins import pm

from kwp_archive import release

ADDED, CHANGED, WITHDRAWN = "1956-09-24-new-record", "1956-09-21-mikoyan", "1955-main-issues"


def _without(path, document_id):
    """A link file without the rows of one document."""
    with open(path, encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    with open(path, "w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(
            row for row in rows if not row or row[0] != document_id)


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """Release 1.0.0 of the test sources, then 1.1.0: a record added, one changed, one
    withdrawn. Returns the root (CHANGELOG.md, CITATION.cff), the sources and both releases."""
    root = tmp_path_factory.mktemp("releases")
    sources = Path(shutil.copytree(SOURCES, root / "sources"))
    for name in ("CITATION.cff", ".zenodo.json"):
        shutil.copy(ROOT / name, root / name)
    first = root / "release-1.0.0"
    assert release.make(sources, first, root) == ("1.0.0", True)
    # The next version: a record added, one changed, one withdrawn with its reason.
    with open(sources / "records.csv", "a", encoding="utf-8") as file:
        file.write(f"{ADDED},1956-09-24,A new record,letter,A letter added in 1.1.0.,"
                   "https://digitalarchive.wilsoncenter.org/document/example-new,,,,\n")
    edit(sources / "records.csv", "After meeting Kim Il Sung, Mikoyan reports",
         "Having met Kim Il Sung, Mikoyan reports")
    edit(sources / "records.csv",
         next(line for line in (sources / "records.csv").read_text().splitlines()
              if line.startswith(WITHDRAWN + ",")) + "\n", "")
    for link_file in sources.glob("document_*.csv"):
        _without(link_file, WITHDRAWN)
    _without(sources / "related.csv", WITHDRAWN) if (sources / "related.csv").exists() else None
    (sources / "withdrawn.csv").write_text(
        "id,withdrawn_in,reason\n"
        f"{WITHDRAWN},1.1.0,The archive's listing was read for a document it does not hold\n",
        encoding="utf-8")
    with open(sources / "releases.csv", "a", encoding="utf-8") as file:
        file.write("1.1.0,2026-12-04,A record added and one corrected.\n")
    second = root / "release-1.1.0"
    assert release.make(sources, second, root) == ("1.1.0", True)
    return root, sources, first, second


def _documents(database):
    with sqlite3.connect(database) as connection:
        return {row[0]: row[1:] for row in connection.execute(
            "select id, added_in, changed_in from documents")}


def test_the_changelog_and_each_records_releases_agree_with_the_difference(releases):
    root, _, first, second = releases
    changelog = (root / "CHANGELOG.md").read_text()
    newer = changelog[changelog.index("## 1.1.0"):changelog.index("## 1.0.0")]
    assert f"- Added (1): {ADDED}\n" in newer
    assert f"- Changed (1): {CHANGED}\n" in newer
    assert f"- Withdrawn (1): {WITHDRAWN} (The archive's listing was read" in newer
    assert "- Added (20): " in changelog[changelog.index("## 1.0.0"):]
    before, after = _documents(first / "archive.db"), _documents(second / "archive.db")
    assert set(before) - set(after) == {WITHDRAWN} and set(after) - set(before) == {ADDED}
    assert after[ADDED] == ("1.1.0", "1.1.0") and after[CHANGED] == ("1.0.0", "1.1.0")
    assert {ids for record, ids in after.items() if record not in (ADDED, CHANGED)} == {
        ("1.0.0", "1.0.0")}
    assert set(before.values()) == {("1.0.0", "1.0.0")}


async def test_a_withdrawn_records_page_says_why_and_answers_gone(releases):
    _, _, _, second = releases
    ds = make_datasette(second / "archive.db")
    page = await ds.client.get(f"/archive/documents/{WITHDRAWN}")
    assert page.status_code == 410
    assert ("This record was withdrawn in version 1.1.0 of the collection: The archive&#39;s "
            "listing was read for a document it does not hold") in page.text
    data = await ds.client.get(f"/archive/documents/{WITHDRAWN}.json")
    assert data.status_code == 410 and "withdrawn in version 1.1.0" in data.json()["error"]
    assert (await ds.client.get("/archive/documents/no-such-record")).status_code == 404


def test_a_release_refuses_sources_changed_without_a_new_version(releases, tmp_path):
    root, sources, _, _ = releases
    changed = Path(shutil.copytree(sources, tmp_path / "sources"))
    edit(changed / "records.csv", "Having met Kim Il Sung", "Once he had met Kim Il Sung")
    result = subprocess.run([sys.executable, "-m", "kwp_archive.release", str(tmp_path / "out"),
                             "--sources", str(changed), "--root", str(root)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("the sources changed since 1.1.0 was released (0 new, 1 changed, 0 gone): add a "
            "new version to releases.csv") in result.stderr
    # The same sources again: the release is written again, as it was.
    again = release.make(sources, tmp_path / "again", root)
    assert again == ("1.1.0", False)


def test_a_release_directory_holds_what_it_says_with_its_checksums(releases):
    _, _, _, second = releases
    sums = dict(reversed(line.split("  ", 1)) for line in
                (second / "SHA256SUMS").read_text().splitlines())
    assert {"archive.db", "collection.ris", "collection.bib", "collection.csljson",
            "datapackage/datapackage.json", "datapackage/documents.csv"} <= set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((second / name).read_bytes()).hexdigest() == digest, name
    cited = json.loads((second / "collection.csljson").read_text())
    assert len(cited) == 20 and all("version 1.1.0" in item["note"] for item in cited)


def test_the_data_package_validates_and_carries_the_version(releases):
    _, _, _, second = releases
    descriptor = second / "datapackage" / "datapackage.json"
    package = json.loads(descriptor.read_text())
    assert package["version"] == "1.1.0" and package["created"] == "2026-12-04T00:00:00Z"
    assert package["id"].startswith("urn:uuid:")
    result = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate",
                             str(descriptor)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:]


def test_citation_cff_validates_against_its_schema_at_the_release(releases):
    root, _, _, _ = releases
    schema = json.loads((ROOT / "tests" / "data" / "citation-cff-1.2.0.schema.json").read_text())
    for cff in (ROOT / "CITATION.cff", root / "CITATION.cff"):
        jsonschema.validate(yaml.safe_load(cff.read_text()), schema)
    released = yaml.safe_load((root / "CITATION.cff").read_text())
    assert released["version"] == "1.1.0" and released["date-released"] == "2026-12-04"
    assert released["type"] == "dataset"
    assert "Wilson Center Digital Archive" in {ref["title"] for ref in released["references"]}
    zenodo = json.loads((root / ".zenodo.json").read_text())
    assert zenodo["version"] == "1.1.0" and zenodo["upload_type"] == "dataset"


async def test_the_sitemap_lists_every_record_page_and_each_answers(ds, archive_db):
    response = await ds.client.get("/sitemap.xml")
    addresses = [element.text for element in ElementTree.fromstring(response.text).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    with sqlite3.connect(archive_db) as connection:
        documents = [row[0] for row in connection.execute("select id from documents")]
    assert {f"http://localhost/archive/documents/{document}" for document in documents} <= set(
        addresses)
    assert "http://localhost/archive/events/august-plenum-1956" in addresses
    for address in addresses:
        assert (await ds.client.get(address.removeprefix("http://localhost"))).status_code == 200
    robots = (await ds.client.get("/robots.txt")).text
    assert "Disallow: /*?sql=" in robots and "Sitemap: http://localhost/sitemap.xml" in robots


async def test_the_json_ld_parses_and_names_the_release(ds):
    page = (await ds.client.get("/")).text
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    dataset = json.loads(page[start:page.index("</script>", start)])
    assert dataset["@type"] == "Dataset" and dataset["version"] == "1.0.0"
    assert dataset["temporalCoverage"] == "1945/1956"
    document = (await ds.client.get("/archive/documents/1956-09-21-mikoyan")).text
    start = document.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">')
    item = json.loads(document[start:document.index("</script>", start)])
    assert item["@type"] == "ArchiveComponent" and item["isPartOf"]["version"] == "1.0.0"
    assert item["holdingArchive"] == {"@type": "ArchiveOrganization", "name": "GARF"}
    assert '<link rel="canonical" href="http://localhost/archive/documents/1956-09-21-mikoyan">' \
        in document


async def test_the_feed_parses_as_atom(ds):
    response = await ds.client.get("/feed.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{atom}feed" and feed.find(f"{atom}updated").text.startswith("2026-12-03")
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 20
    assert all(entry.find(f"{atom}category").get("term") == "1.0.0" for entry in entries)
    home = (await ds.client.get("/")).text
    assert 'type="application/atom+xml"' in home and 'href="/feed.atom">a feed of' in home


async def test_the_feed_lists_the_newest_releases_records_first_by_index(archive_db, tmp_path):
    """The records of the newest release first, each release's latest dated first, then the
    older release's, at most 200: read release by release from the index on added_in, never
    by sorting every record (2.5 s a request at a million)."""
    copy = tmp_path / "archive.db"
    shutil.copy(archive_db, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("insert into releases values ('9.0.0', '2027-01-01', 'Later.')")
        connection.execute("update documents set added_in = '9.0.0' where year = 1946")
    site = make_datasette(copy)
    web = pm.get_plugin("web.py")  # the plugin as the site loaded it
    with sqlite3.connect(copy) as connection:
        plan = [step for *_, step in connection.execute(
            "explain query plan " + web._FEED, {"version": "9.0.0", "size": 200})]
        expected = [id for (id,) in connection.execute(
            "select id from documents order by added_in = '9.0.0' desc, date desc, id")]
    feed = ElementTree.fromstring((await site.client.get("/feed.atom")).content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [entry.find(f"{atom}id").text.rsplit("/", 1)[1] for entry in entries] == expected
    assert [entry.find(f"{atom}category").get("term") for entry in entries[:3]] == ["9.0.0"] * 3
    assert entries[0].find(f"{atom}updated").text == "2027-01-01T00:00:00Z"
    assert plan[0].startswith("SEARCH documents USING INDEX documents_added_in"), plan
    assert not any(step == "USE TEMP B-TREE FOR ORDER BY" for step in plan), plan
    assert web._FEED_SIZE == 200


@pytest.mark.parametrize("column", ["title", "archive_reference", "document_number", "volume",
                                    "page", "classification", "release_date"])
def test_a_change_to_any_column_an_editor_writes_changes_the_records_digest(
        archive_db, tmp_path, column):
    """A release counts a record changed when any of records.csv's columns changes, those of
    the CIA reading room and FRUS among them: each is in the digest."""
    copy = tmp_path / "archive.db"
    shutil.copy(archive_db, copy)
    with sqlite3.connect(copy) as connection:
        before = release.digests(connection)
        connection.execute(f"update documents set {column} = 'changed' where id = ?",
                           (CHANGED,))
        after = release.digests(connection)
    assert after[CHANGED] != before[CHANGED]
    assert {record: digest for record, digest in after.items() if record != CHANGED} == {
        record: digest for record, digest in before.items() if record != CHANGED}

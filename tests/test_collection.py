"""The collection itself, sources/: the records an editor has gathered from the Wilson Center
Digital Archive. The site's tests use a frozen copy (tests/data/sources); these check what
grows."""

import csv
import json
import sqlite3
from collections import Counter
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, make_datasette

from kwp_archive import pipeline, provenance

SOURCES = ROOT / "sources"


def rows(name, directory=SOURCES):
    with open(directory / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("collection") / "archive.db"
    return path, pipeline.build(SOURCES, path)


@pytest.fixture(scope="module")
def collection(built):
    connection = sqlite3.connect(built[0])
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def test_the_collection_holds_at_least_a_hundred_documents_of_1945_to_1956(collection):
    years = [row["year"] for row in collection.execute("select year from documents")]
    assert len(years) >= 100
    assert min(years) >= 1945 and max(years) <= 1956


def test_every_record_names_a_page_of_its_archive(collection):
    hosts = dict(collection.execute("select id, host from archives").fetchall())
    for row in collection.execute("select id, source_url, source_archive from documents"):
        assert provenance.url_problem(row["source_url"], any_archive=True) is None, row["id"]
        assert urlsplit(row["source_url"]).netloc == hosts[row["source_archive"]], row["id"]
    for table in ("collections", "subjects"):
        for row in collection.execute(f"select id, source_url from {table}"):
            assert provenance.url_problem(row["source_url"]) is None, row["id"]


def test_the_twenty_records_of_the_first_listing_keep_their_titles_and_dates():
    """tests/data/seed_listing.csv is the archive's listing (subject 1906) as first entered."""
    records = {row["id"]: row for row in rows("records.csv")}
    for seed in rows("seed_listing.csv", ROOT / "tests" / "data"):
        assert (records[seed["id"]]["date"], records[seed["id"]]["title"]) == (
            seed["date"], seed["title"])


def test_citation_fields_are_given_only_with_the_document_page_they_were_read_on(collection):
    """A holding archive, reference or translator comes from the archive's citation, which
    only a document's own page prints."""
    for row in collection.execute("""select id, source_url from documents
            where archive != '' or archive_reference != '' or translator != ''"""):
        assert provenance.document_page(row["source_url"]), row["id"]


def test_a_reference_comes_with_its_holding_archive(collection):
    assert collection.execute(
        "select count(*) from documents where archive_reference != '' and archive = ''"
    ).fetchone()[0] == 0


def test_a_title_and_date_are_shared_only_by_records_with_different_pages(collection):
    shared = collection.execute("""
        select date, title, count(*) as records, count(distinct source_url) as pages
        from documents group by date, title having records > 1""").fetchall()
    for row in shared:
        # Two documents may share a title and a date (two Mikoyan telegrams of 23 September
        # 1956); a listing page may show both, but two records on one document page are one
        # document entered twice.
        pages = [r["source_url"] for r in collection.execute(
            "select source_url from documents where date = ? and title = ?",
            (row["date"], row["title"]))]
        documents = [page for page in pages if provenance.document_page(page)]
        assert len(documents) == len(set(documents)), (row["date"], row["title"])


async def test_the_home_page_figures_follow_the_collection(collection):
    count = collection.execute("select count(*) from documents").fetchone()[0]
    database = collection.execute("pragma database_list").fetchone()["file"]
    page = (await make_datasette(database).client.get("/")).text
    assert f"<strong>{count:,}</strong> documents" in page


def test_facets_of_the_documents_table_count_the_whole_collection(collection):
    counted = dict(collection.execute(
        "select value, count from facet_counts where table_name = 'documents' "
        "and column_name = 'year'").fetchall())
    assert sum(counted.values()) == collection.execute(
        "select count(*) from documents").fetchone()[0]
    by_subject = Counter()
    for row in collection.execute("select subjects from documents"):
        by_subject.update(json.loads(row["subjects"]))
    assert dict(collection.execute(
        "select value, count from facet_counts where column_name = 'subjects'").fetchall()
    ) == dict(by_subject)


@pytest.fixture(scope="module")
def site(collection):
    return make_datasette(collection.execute("pragma database_list").fetchone()["file"])


async def documents_found(site, query, **params):
    response = await site.client.get(f"/archive/{query}.json", params={
        **params, "_shape": "array", "_size": "max"})
    return {row.get("document_id") or row["id"] for row in response.json()}


@pytest.mark.parametrize("typed", ["김일성", "김 일성", "金日成", "Kim Ir Sen", "Ким Ир Сен",
                                   "Kim Il-sŏng", "Kim Il-song", "Kim Ilsung"])
async def test_kim_il_sung_is_found_under_every_spelling_and_script(site, typed):
    his = await documents_found(site, "person", name="Kim Il Sung")
    assert len(his) > 20
    assert await documents_found(site, "person", name=typed) == his
    # Search ranks the best 100 of every match; all of his are among them.
    assert his <= await documents_found(site, "search", q=typed)


@pytest.mark.parametrize("typed, name", [
    ("박헌영", "Pak Heon-yeong"), ("朴憲永", "Pak Heon-yeong"), ("Микоян", "Anastas Mikoyan"),
    ("A.I. Mikoyan", "Anastas Mikoyan"), ("毛泽东", "Mao Zedong"), ("Mao Tse-tung", "Mao Zedong"),
    ("최창익", "Choe Chang-ik"), ("李相朝", "Ri Sang-jo"), ("Штыков", "Shtykov"),
])
async def test_a_person_is_found_under_the_spellings_of_the_references(site, typed, name):
    assert await documents_found(site, "person", name=typed) == await documents_found(
        site, "person", name=name)


def test_every_person_names_the_pages_of_their_facts_or_says_why_none():
    for person in rows("people.csv"):
        assert "https://" in person["sources"] or "http://" in person["sources"] or person[
            "sources"].startswith("No other spelling found: "), person["id"]


def test_every_person_named_in_a_record_is_linked_to_it(built):
    """What `make check` lists: a person whom a record's title or summary names, not linked
    to it, unless sources/unlinked.csv says why."""
    _, summary = built
    assert [str(warning) for warning in summary.warnings if "not linked" in str(warning)] == []


def test_no_summary_is_empty_or_repeats_the_archives_wording():
    """No run of eight words of a summary is one of the archive's descriptions read while
    gathering, or of the first listing (tests/data/description_shingles.txt)."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "data"))
    import shingles

    descriptions = shingles.known()
    assert len(descriptions) > 1000
    for record in rows("records.csv"):
        assert record["summary"].strip(), record["id"]
        assert not shingles.shingles(record["summary"]) & descriptions, record["id"]
    for event in rows("events.csv"):  # an event's description is ours too
        assert not shingles.shingles(event["description"]) & descriptions, event["id"]


def test_every_record_says_what_kind_of_page_it_was_read_on(collection):
    kinds = dict(collection.execute(
        "select source_kind, count(*) from documents group by source_kind").fetchall())
    assert set(kinds) <= set(provenance.SOURCE_KINDS) and kinds["document"] > 60
    for row in collection.execute("select id, source_url, source_kind from documents"):
        assert row["source_kind"] == provenance.source_kind(row["source_url"]), row["id"]


def test_related_records_are_read_on_the_archive(collection):
    related = collection.execute("select * from related_documents").fetchall()
    assert len(related) >= 3
    for row in related:
        assert provenance.url_problem(row["source_url"]) is None, row["document_id"]


async def test_a_persons_page_groups_the_spellings_by_script(site):
    page = (await site.client.get("/archive/people/kim-il-sung")).text
    for script in ("Latin", "Hangul", "Hanja or Chinese characters", "Cyrillic"):
        assert f"<dt>{script}</dt>" in page
    assert "<dd>김일성; 김성주</dd>" in page

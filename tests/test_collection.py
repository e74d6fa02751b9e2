"""The collection itself, sources/: the records an editor has gathered from the Wilson Center
Digital Archive. The site's tests use a frozen copy (tests/data/sources); these check what
grows."""

import csv
import json
import sqlite3
from collections import Counter

import pytest

from kwp_archive import pipeline, provenance

from conftest import ROOT, make_datasette

SOURCES = ROOT / "sources"


def rows(name, directory=SOURCES):
    with open(directory / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    path = tmp_path_factory.mktemp("collection") / "archive.db"
    pipeline.build(SOURCES, path)
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def test_the_collection_holds_at_least_a_hundred_documents_of_1945_to_1956(collection):
    years = [row["year"] for row in collection.execute("select year from documents")]
    assert len(years) >= 100
    assert min(years) >= 1945 and max(years) <= 1956


def test_every_record_names_a_page_of_the_digital_archive(collection):
    for row in collection.execute("select id, source_url from documents"):
        assert provenance.url_problem(row["source_url"]) is None, row["id"]
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

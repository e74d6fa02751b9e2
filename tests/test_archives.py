"""Records from more than one archive: each on its archive's host, cited in its archive's
own form, and counted by archive."""

import json

import bibtexparser
import pytest
import rispy
from conftest import ROOT, make_datasette

from kwp_archive import pipeline

CIA = "1951-08-08-cia-factionalism-klp"
CIA_NUMBER = "CIA-RDP82-00457R008300200005-7"
FRUS = "1950-06-19-frus-cia-northern-regime"


@pytest.fixture(scope="module")
def two_archives(tmp_path_factory):
    """The test sources with the real archives.csv, and one CIA report and one FRUS document
    of the real records."""
    import csv
    import shutil

    from conftest import SOURCES
    directory = tmp_path_factory.mktemp("archives")
    sources = shutil.copytree(SOURCES, directory / "sources")
    shutil.copy(ROOT / "sources" / "archives.csv", sources / "archives.csv")
    with open(ROOT / "sources" / "records.csv", encoding="utf-8") as file:
        reports = [row for row in csv.DictReader(file) if row["id"] in (CIA, FRUS)]
    with open(sources / "records.csv", encoding="utf-8") as file:
        header = next(csv.reader(file))
    columns = header + [column for column in reports[0] if column not in header]
    with open(sources / "records.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    with open(sources / "records.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, *reports])
    pipeline.build(sources, directory / "archive.db")
    return make_datasette(directory / "archive.db")


async def test_a_cia_report_is_cited_in_its_archives_form_in_every_format(two_archives):
    ds = two_archives
    page = (await ds.client.get(f"/archive/documents/{CIA}")).text
    assert (f"“Factionalism in the Korean Labor Party,” August 8, 1951, {CIA_NUMBER}, released "
            "November 30, 2000, CIA FOIA Electronic Reading Room.") in page
    assert "Read the document at the CIA FOIA Electronic Reading Room" in page
    [ris] = rispy.loads((await ds.client.get(f"/archive/documents/{CIA}.ris")).text)
    assert ris["accession_number"] == CIA_NUMBER
    assert ris["publisher"] == "Central Intelligence Agency"
    [bib] = bibtexparser.parse_string(
        (await ds.client.get(f"/archive/documents/{CIA}.bib")).text).entries
    assert bib["number"] == CIA_NUMBER
    [csl] = json.loads((await ds.client.get(f"/archive/documents/{CIA}.csljson")).text)
    assert csl["number"] == CIA_NUMBER and csl["archive"] == "CIA FOIA Electronic Reading Room"
    assert csl["issued"] == {"date-parts": [[1951, 8, 8]]}


async def test_a_frus_document_is_cited_with_its_series_and_number_in_every_format(
        two_archives):
    ds = two_archives
    page = (await ds.client.get(f"/archive/documents/{FRUS}")).text
    assert ("“Memorandum by the Central Intelligence Agency,” June 19, 1950, Foreign Relations "
            "of the United States, Document 57. https://history.state.gov/historicaldocuments/"
            "frus1950v07/d57.") in page
    [ris] = rispy.loads((await ds.client.get(f"/archive/documents/{FRUS}.ris")).text)
    assert ris["accession_number"] == "57" and ris["publisher"].startswith("Office of the")
    [bib] = bibtexparser.parse_string(
        (await ds.client.get(f"/archive/documents/{FRUS}.bib")).text).entries
    assert bib["number"] == "57"
    [csl] = json.loads((await ds.client.get(f"/archive/documents/{FRUS}.csljson")).text)
    assert csl["number"] == "57"
    assert csl["archive"] == "Foreign Relations of the United States"


async def test_documents_are_counted_and_faceted_by_archive(two_archives):
    ds = two_archives
    data = (await ds.client.get("/archive/documents.json")).json()
    facet = {item["label"]: item["count"]
             for item in data["facet_results"]["source_archive"]["results"]}
    assert facet == {"Wilson Center Digital Archive": 20, "CIA FOIA Electronic Reading Room": 1,
                     "Foreign Relations of the United States": 1}
    home = (await ds.client.get("/")).text
    assert "Wilson Center Digital Archive</a> (20)," in home
    assert "CIA FOIA Electronic Reading Room</a> (1)" in home
    assert "Foreign Relations of the United States</a> (1)" in home
    archives = (await ds.client.get("/archive/archives.json?_shape=array")).json()
    assert {row["id"]: row["document_count"] for row in archives} == {
        "wilson-center": 20, "cia-reading-room": 1, "frus": 1}


def test_the_real_collections_other_archives_records_carry_their_numbers():
    import csv
    with open(ROOT / "sources" / "records.csv", encoding="utf-8") as file:
        records = [row for row in csv.DictReader(file)
                   if not row["source_url"].startswith("https://digitalarchive.")]
    assert records and all(row["document_number"] for row in records)
    assert all(row["source_url"].startswith(("https://www.cia.gov/readingroom/",
                                             "https://history.state.gov/historicaldocuments/"))
               for row in records)

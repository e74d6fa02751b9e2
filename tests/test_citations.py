"""Citation files, read back by real parsers: rispy, bibtexparser, and the CSL-JSON schema."""

import json
import re
from pathlib import Path

import bibtexparser
import jsonschema
import markupsafe
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import edit, make_datasette
from datasette.utils import parse_metadata

from kwp_archive import citations, pipeline, site

CSL_SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text())
PUBLISHER = "History and Public Policy Program Digital Archive"
# The one record of the test sources whose archive page gave its whole citation.
CITED = "1956-09-21-mikoyan"
CITED_URL = "https://digitalarchive.wilsoncenter.org/document/120194"
CITED_REFERENCE = "Fond 5446, Opis 98c, Delo 718, Listy 12-16"
TELEGRAM = "Telegram from A. Mikoyan to the CPSU Central Committee"


async def download(ds, path, content_type):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == f"{content_type}; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    return response.text


async def ris_entries(ds, path):
    return rispy.loads(await download(ds, path, "application/x-research-info-systems"))


async def bibtex_entries(ds, path):
    library = bibtexparser.parse_string(await download(ds, path, "application/x-bibtex"),
                                        append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library.entries


async def csl_items(ds, path):
    items = json.loads(await download(ds, path, "application/vnd.citationstyles.csl+json"))
    jsonschema.validate(items, CSL_SCHEMA)
    return items


async def test_ris_of_a_search(ds):
    entries = await ris_entries(ds, "/archive/search.ris?q=Mikoyan")
    assert len(entries) == 7
    by_id = {entry["id"]: entry for entry in entries}
    telegram = by_id["1956-09-17-mikoyan"]
    assert telegram["type_of_reference"] == "MANSCPT"
    assert telegram["title"] == TELEGRAM
    # Surname first, as reference managers file people; a Korean name keeps its own order.
    assert telegram["authors"] == ["Mikoyan, Anastas"]
    # A body is written whole, its comma saying it has no given name.
    assert telegram["secondary_authors"] == ["CPSU Central Committee,"]
    assert telegram["year"] == "1956" and telegram["date"] == "1956/09/17/"
    assert telegram["name_of_database"] == "Wilson Center Digital Archive"
    assert telegram["publisher"] == PUBLISHER
    assert "urls" not in telegram  # only a listing of the archive shows it
    assert telegram["abstract"].startswith("Mikoyan reports")
    assert telegram["notes"] == [
        "Accessed in Korean Workers' Party Documents, 1945–1956, version 1.0.0."]
    assert by_id["1956-09-15-ivanov-august-plenum"]["secondary_authors"] == [
        "Mikoyan, Anastas", "Shepilov"]
    letter = by_id.get("1956-09-05-letter-to-ccp")
    if letter:  # a letter of four Koreans to a party's committee, which has no given name
        assert letter["authors"][:2] == ["Seo, Hwi", "Yun, Gong-heum"]
        assert letter["secondary_authors"] == ["Chinese Communist Party Central Committee,"]


async def test_ris_carries_the_archives_citation(ds):
    [entry] = await ris_entries(ds, f"/archive/documents.ris?id={CITED}")
    assert entry["urls"] == [CITED_URL]
    assert entry["subsidiary_authors"] == ["Gary Goldberg"]
    # AV, the location in the archive: rispy has no name for it, Zotero reads it.
    assert entry["unknown_tag"]["AV"] == [f"GARF, {CITED_REFERENCE}"]


async def test_ris_keeps_a_year_a_year(ds):
    [entry] = await ris_entries(ds, "/archive/documents/1945-soviet-report.ris")
    assert entry["year"] == "1945" and entry["date"] == "1945///"
    assert "authors" not in entry  # "Soviet officers": no one the seed names


async def test_bibtex_of_every_document_has_unique_keys(ds):
    entries = await bibtex_entries(ds, "/archive/documents.bib?_size=max")
    assert len(entries) == 20
    assert len({entry.key for entry in entries}) == 20
    telegrams = [entry for entry in entries if entry["title"] == TELEGRAM]
    assert len(telegrams) == 3 and len({entry.key for entry in telegrams}) == 3
    letter = next(entry for entry in entries if entry.key == "1956-09-05-letter-to-ccp")
    assert letter.entry_type == "unpublished"
    assert letter["author"] == "Seo, Hwi and Yun, Gong-heum and Li, Pil-gyu and Kim, Gwan"
    assert letter["recipient"] == "Chinese Communist Party Central Committee"
    assert letter["date"] == "1956-09-05" and letter["month"] == "sep"


async def test_csl_json_validates_and_keeps_precision(ds):
    items = await csl_items(ds, "/archive/documents.csljson?_size=max")
    assert len(items) == 20
    by_id = {item["id"]: item for item in items}
    assert by_id["1945-soviet-report"]["issued"] == {"date-parts": [[1945]]}
    assert by_id["1946-01-11-memorandum"]["issued"] == {"date-parts": [[1946, 1, 11]]}
    mikoyan = by_id[CITED]
    assert mikoyan["type"] == "manuscript"
    assert mikoyan["author"] == [{"family": "Mikoyan", "given": "Anastas"}]
    assert mikoyan["recipient"] == [{"literal": "CPSU Central Committee"}]
    assert mikoyan["publisher"] == PUBLISHER
    assert mikoyan["archive"] == "GARF"
    assert mikoyan["archive_location"] == CITED_REFERENCE
    assert mikoyan["translator"] == [{"literal": "Gary Goldberg"}]
    assert mikoyan["URL"] == CITED_URL
    # Fields no page gave are left out, not filled with guesses.
    assert {"archive", "archive_location", "translator", "URL"}.isdisjoint(
        by_id["1946-01-11-memorandum"])
    assert "abstract" not in by_id["1956-09-15-ivanov-mikoyan"]  # no summary given


async def test_formats_follow_filters_and_queries(ds):
    ris = await ris_entries(ds, "/archive/documents.ris?type=telegram")
    assert len(ris) == 6
    person = await csl_items(ds, "/archive/person.csljson?name=Romanenko")
    assert [item["id"] for item in person] == ["1946-11-22-shtykov-report"]
    searched = await bibtex_entries(ds, "/archive/documents.bib?_search=telegrams")
    assert len(searched) == 6


@pytest.mark.parametrize("path", [
    "/archive/documents", "/archive/documents/1945-soviet-report", "/archive/search?q=Mikoyan",
    "/archive/person?name=Mikoyan",
])
async def test_links_appear_beside_json_and_csv(ds, path):
    page = (await ds.client.get(path)).text
    links = page[page.index("This data as"):]
    links = links[:links.index("</p>")]
    for extension in ("json", "ris", "bib", "csljson"):
        assert f".{extension}" in links


@pytest.mark.parametrize("path", ["/archive/people", "/archive/by_year"])
async def test_no_citation_links_where_there_are_no_documents(ds, path):
    page = (await ds.client.get(path)).text
    assert ".ris" not in page and ".bib" not in page


async def test_recommended_citation_on_the_row_page_and_in_a_query(ds):
    page = (await ds.client.get("/archive/documents/1946-01-11-memorandum")).text
    expected = ("“Untitled memorandum on the political and morale situation of Soviet troops in "
                "North Korea and the economic situation in Korea,” January 11, 1946, " + PUBLISHER)
    assert expected in page
    rows = (await ds.client.get("/archive/citations.json?_shape=array")).json()
    assert len(rows) == 20
    # The collection's release is named as the place the document was accessed.
    accessed = "Accessed in Korean Workers' Party Documents, 1945–1956, version 1.0.0."
    assert rows[0]["citation"] == (
        f"“Soviet Report on Communists in Korea, 1945,” 1945, {PUBLISHER}. {accessed}")
    cited = next(row for row in rows if row["id"] == CITED)
    assert cited["citation"] == (
        "“Telegram from A. Mikoyan to the CPSU Central Committee,” September 21, 1956, "
        f"{PUBLISHER}, GARF, {CITED_REFERENCE}. Translated by Gary Goldberg. {CITED_URL}. "
        + accessed)
    page = (await ds.client.get(f"/archive/documents/{CITED}")).text
    assert str(markupsafe.escape(cited["citation"])) in page


STRESS_TITLE = 'A "quoted" {braced} title & 100% of $5 for #1 under_score, café Hŏn-yŏng 김일성'


@pytest.fixture
async def stress_ds(tmp_path, sources_dir):
    edit(sources_dir / "records.csv",
         "1955,The Main Issues for the Conversation with the Korean Comrades,",
         '1955,"' + STRESS_TITLE.replace('"', '""') + '",')
    edit(sources_dir / "people.csv", "shepilov,Shepilov,,", "shepilov,Shepilov & {Co} 100%,,")
    edit(sources_dir / "document_people.csv", "1956-09-17-mikoyan,mikoyan,author",
         "1956-09-17-mikoyan,mikoyan,author\n1955-main-issues,shepilov,author")
    path = tmp_path / "archive.db"
    pipeline.build(sources_dir, path)
    return make_datasette(path)


async def test_special_characters_round_trip_through_every_format(stress_ds):
    path = "/archive/documents/1955-main-issues"
    [ris] = await ris_entries(stress_ds, path + ".ris")
    # A person's last word is filed as the surname, whatever it holds.
    assert ris["title"] == STRESS_TITLE and ris["authors"] == ["100%, Shepilov & {Co}"]
    [bib] = await bibtex_entries(stress_ds, path + ".bib")
    assert bib["title"] == STRESS_TITLE and bib["author"] == "100%, Shepilov & {Co}"
    [csl] = await csl_items(stress_ds, path + ".csljson")
    assert csl["title"] == STRESS_TITLE and csl["author"] == [
        {"family": "100%", "given": "Shepilov & {Co}"}]


def test_bibtex_escapes_every_special_character():
    assert citations._bibtex_text("\\ { } & % $ # _ ^ ~") == (
        r"\textbackslash{} \{ \} \& \% \$ \# \_ \textasciicircum{} \textasciitilde{}"
    )


def test_ris_never_breaks_a_line_inside_a_field():
    citable = citations.Citable("x", "A title\nwith TY  - a break", "1956", "Two\r\nlines",
                                "Letter", (), ())
    text = citations.ris([citable])
    assert "TI  - A title with TY  - a break" in text
    assert rispy.loads(text)[0]["abstract"] == "Two lines"


async def test_one_documents_files_are_named_by_its_id_and_download(ds):
    for extension in ("ris", "bib", "csljson"):
        response = await ds.client.get(f"/archive/documents/1956-09-17-mikoyan.{extension}")
        assert response.status_code == 200
        assert response.headers["content-disposition"] == (
            f'attachment; filename="1956-09-17-mikoyan.{extension}"')
    listing = await ds.client.get("/archive/documents.ris?type=telegram")
    assert listing.headers["content-disposition"] == 'attachment; filename="documents.ris"'


@pytest.mark.parametrize("path", ["/archive/people.ris", "/archive/organisations.bib",
                                  "/archive/by_year.csljson", "/archive/people/mikoyan.ris"])
async def test_no_citation_file_where_there_is_nothing_to_cite(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 404
    assert "no documents here to cite" in response.text


@pytest.mark.parametrize("path", ["/archive/documents.ris?_size=5",
                                  "/archive/documents.bib?_size=3&_sort_desc=title",
                                  "/archive/documents.csljson?year=1956&_size=2"])
async def test_a_citation_file_of_a_list_holds_every_row_of_it_not_the_page(ds, path):
    table = "&".join(part for part in path.split("?")[1].split("&")
                     if not part.startswith("_size"))
    every = await ds.client.get(f"/archive/documents.json?{table}&_size=max&_shape=array")
    expected = sorted(row["id"] for row in every.json())
    text = (await ds.client.get(path)).text
    ids = re.findall(r"^ID  - (\S+)|^@unpublished\{([^,]+),|^    \"id\": \"([^\"]+)\"", text,
                     re.MULTILINE)
    assert sorted("".join(found) for found in ids) == expected and len(expected) > 5


async def test_a_list_longer_than_a_citation_file_holds_is_refused_with_a_way_out(archive_db):
    metadata = parse_metadata(site.METADATA.read_text())
    metadata["plugins"]["citations"] = {"max_cited": 6}
    small = make_datasette(archive_db, metadata=metadata)
    response = await small.client.get("/archive/documents.ris?_size=5")
    assert response.status_code == 400
    assert "more than 6 documents" in response.text and "CSV" in response.text
    assert (await small.client.get("/archive/documents.ris?_size=5&year=1955")).status_code == 200

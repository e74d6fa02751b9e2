"""Events: everything on one episode in one place, each document with why it belongs."""

import csv
import re

from conftest import ROOT, SOURCES, edit, make_datasette

from kwp_archive import pipeline
from kwp_archive.pages import months_chart
from kwp_archive.schema import ROLES

PLENUM = "/archive/events/august-plenum-1956"


async def page_of(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.text


def card(page):
    start = page.index('class="record event')
    return page[start:page.index("</article>", start)]


async def test_an_event_card_gives_dates_description_and_sources(ds):
    page = card(await page_of(ds, PLENUM))
    assert "<h1>August 1956 plenum (&#34;August Faction Incident&#34;)</h1>" in page
    assert ('<time datetime="1956-08-30">August 30, 1956</time> – '
            '<time datetime="1956-08-31">August 31, 1956</time>') in page
    assert "Yun Gong-heum and allies" in page
    assert ('<a href="https://en.wikipedia.org/wiki/August_faction_incident">'
            'en.wikipedia.org/wiki/August_faction_incident</a>') in page


async def test_an_event_lists_its_documents_in_date_order_with_their_basis(ds):
    page = card(await page_of(ds, PLENUM))
    listed = re.findall(r'<time datetime="([^"]+)">[^<]*</time>: <a href="/archive/documents/'
                        r'([^"]+)">[^<]*</a> \(([a-z ]+)\)', page)
    assert listed == sorted(listed)
    expected = {(row["document_id"], row["basis"]) for row in csv.DictReader(
        open(SOURCES / "document_events.csv")) if row["event_id"] == "august-plenum-1956"}
    assert {(document, basis) for _, document, basis in listed} == expected
    assert ("1956-08-30-yun-gong-heum-statement", "subject") in expected
    assert ("1956-09-23-plenum-resolution", "aftermath") in expected


async def test_an_event_names_the_people_most_involved_with_their_roles(ds):
    page = card(await page_of(ds, PLENUM))
    people = re.findall(r'<li><a href="/archive/people/([^"]+)">[^<]*</a>: (\d+) documents? '
                        r'\(([a-z, ]+)\)</li>', page)
    assert people, page
    counts = [int(count) for _, count, _ in people]
    assert counts == sorted(counts, reverse=True)
    plenum = {row["document_id"] for row in csv.DictReader(open(SOURCES / "document_events.csv"))
              if row["event_id"] == "august-plenum-1956"}
    links = [row for row in csv.DictReader(open(SOURCES / "document_people.csv"))
             if row["document_id"] in plenum and row["person_id"] == "mikoyan"]
    by_person = {person: (int(count), roles) for person, count, roles in people}
    assert by_person["mikoyan"][0] == len({row["document_id"] for row in links}) > 1
    roles = {row["role"] for row in links}
    assert by_person["mikoyan"][1] == ", ".join(sorted(roles, key=ROLES.index))


async def test_an_events_chart_has_a_bar_for_every_month_of_its_documents(ds):
    page = card(await page_of(ds, PLENUM))
    bars = re.findall(r"<title>([A-Za-z]+ \d{4}): (\d+)</title>", page)
    assert bars == [("August 1956", "1"), ("September 1956", "9")]


def test_the_months_chart_shows_an_empty_month_and_the_documents_dated_by_year():
    chart = months_chart([{"month": None, "documents": 2}, {"month": "1955-11", "documents": 1},
                          {"month": "1956-02", "documents": 3}])
    assert [(bar["month"], bar["documents"]) for bar in chart["months"]] == [
        ("1955-11", 1), ("1955-12", 0), ("1956-01", 0), ("1956-02", 3)]
    assert chart["by_year_only"] == 2 and chart["most"] == 3


async def test_an_event_leads_to_its_documents_as_a_table_and_as_citations(ds):
    page = card(await page_of(ds, PLENUM))
    assert 'href="/archive/documents?_event=august-plenum-1956"' in page
    table = (await ds.client.get(
        "/archive/documents.json?_event=august-plenum-1956&_shape=array")).json()
    assert len(table) == 10
    ris = await ds.client.get("/archive/documents.ris?_event=august-plenum-1956&_size=max")
    assert ris.status_code == 200 and ris.text.count("TY  - ") == 10
    for format in ("ris", "bib", "csljson"):
        assert (f'href="/archive/documents.{format}?_event=august-plenum-1956&amp;_size=max"'
                in page)


async def test_an_event_without_documents_says_so(ds):
    page = card(await page_of(ds, "/archive/events/wpk-merger-1949"))
    assert "No document of this dataset is linked to" in page
    assert "by-month" not in page


async def test_a_document_page_lists_its_events_with_their_basis(ds):
    page = await page_of(ds, "/archive/documents/1956-09-23-plenum-resolution")
    events = page[page.index('<ul class="events">'):]
    events = events[:events.index("</ul>")]
    assert re.findall(r'href="/archive/events/([^"]+)">[^<]*</a> \(([a-z ]+)\)', events) == [
        ("august-plenum-1956", "aftermath"), ("september-plenum-1956", "subject")]


async def test_the_documents_table_facets_and_filters_by_event(ds):
    data = (await ds.client.get("/archive/documents.json")).json()
    events = {item["value"]: item["count"] for item in data["facet_results"]["events"]["results"]}
    assert events["August 1956 plenum (\"August Faction Incident\")"] == 10
    filtered = (await ds.client.get(
        "/archive/documents.json?_event=september-plenum-1956&_shape=array")).json()
    assert [row["id"] for row in filtered] == ["1956-09-23-plenum-resolution"]
    page = await page_of(ds, "/archive/documents?_event=september-plenum-1956")
    assert "where in the event “September 1956 plenum of the KWP Central Committee”" in page


async def test_the_home_page_lists_the_events_in_date_order(ds):
    page = await page_of(ds, "/")
    listed = re.findall(r'<li><a href="/archive/events/([^"]+)">', page)
    starts = {row["id"]: row["date_start"] for row in csv.DictReader(
        open(SOURCES / "events.csv"))}
    assert listed == sorted(starts, key=lambda event: (starts[event], event))
    assert "August 1956 plenum" in page


async def test_the_build_counts_an_events_documents_from_the_links(tmp_path, sources_dir):
    edit(sources_dir / "document_events.csv", "1956-09-23-plenum-resolution,september-plenum-1956,"
         "subject,", "1956-09-22-mikoyan,september-plenum-1956,aftermath,")
    pipeline.build(sources_dir, tmp_path / "archive.db")
    ds = make_datasette(tmp_path / "archive.db")
    row = (await ds.client.get("/archive/events/september-plenum-1956.json?_shape=array")).json()
    assert row[0]["document_count"] == 1
    page = card(await page_of(ds, "/archive/events/september-plenum-1956"))
    assert "1956-09-22-mikoyan" in page and "1956-09-23-plenum-resolution" not in page


def test_every_event_has_a_source_and_every_link_a_basis():
    """Of the real collection: what the build enforces, read back from the files."""
    events = list(csv.DictReader(open(ROOT / "sources" / "events.csv", encoding="utf-8")))
    assert len(events) >= 11 and all(event["sources"].startswith("https://") for event in events)
    links = list(csv.DictReader(open(ROOT / "sources" / "document_events.csv", encoding="utf-8")))
    assert {link["basis"] for link in links} == {"subject", "archive topic", "aftermath"}
    plenum = {link["document_id"] for link in links if link["event_id"] == "august-plenum-1956"}
    # The plenum's decision (sent in October), the draft statement, the letters and the
    # Soviet and Hungarian reports about it; not the other business of those months.
    assert {"1956-10-11-kwp-cc-august-plenum-decision", "1956-08-30-yun-gong-heum-statement",
            "1956-09-05-letter-to-ccp", "1956-10-05-ri-sang-jo-kwp-cc",
            "1956-09-15-ivanov-august-plenum", "1956-12-28-hungarian-report-furedi-macuch"
            } <= plenum
    assert not plenum & {"1956-09-23-mikoyan-cpsu-cc-peng-stalin",
                         "1956-06-04-filatov-pak-gil-ryong"}


async def test_a_subject_no_page_names_says_so_on_its_page(ds):
    page = await page_of(ds, "/archive/subjects/subject-1906")
    assert ("No page of the archive that we read names this subject: “Subject 1906” is its "
            "number at the archive") in page


def test_no_listing_is_named_by_its_number_unless_no_page_names_it():
    """Of the real collection: a name that is only a number has no page giving a name (so its
    page says none does), and a name a page gives has that page."""
    for file in ("subjects.csv", "collections.csv"):
        for row in csv.DictReader(open(ROOT / "sources" / file, encoding="utf-8")):
            by_number = re.fullmatch(r"(Subject|Topic) \d+", row["name"]) is not None
            assert by_number == (not row.get("name_source")), row

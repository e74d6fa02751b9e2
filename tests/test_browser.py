"""Journeys in Debian's chromium, as a person makes them. Each step leaves a screenshot in
test-artifacts/."""

import csv
import io
import sys

import pytest
from conftest import ARTIFACTS, ROOT


def assert_chart_drawn(page):
    """datasette-vega drew a chart of real size, and the page raised no error."""
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    chart.wait_for(state="visible", timeout=10_000)
    box = chart.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    assert page.errors == []


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_browsing_from_home_to_a_persons_documents(server, page):
    base, _ = server
    page.goto(base + "/")
    shot(page, "browsing-1-home")
    page.click(".ways-in >> text=Documents")
    page.wait_for_url("**/archive/documents")
    page.click('.facet-info[data-column="year"] >> a:text-is("1956")')
    page.wait_for_url("**year=1956**")
    shot(page, "browsing-2-documents-1956")
    assert "12 rows where year = 1956" in page.inner_text("h3")
    page.click('table.rows-and-columns a[href="/archive/documents/1956-09-17-mikoyan"]')
    page.wait_for_url("**/archive/documents/1956-09-17-mikoyan")
    shot(page, "browsing-3-document")
    assert page.inner_text(".record h1") == "Telegram from A. Mikoyan to the CPSU Central Committee"
    page.click('.record a:text-is("Anastas Mikoyan")')
    page.wait_for_url("**/archive/people/mikoyan")
    shot(page, "browsing-4-person")
    assert page.locator(".record li").count() == 7
    page.click(".record >> text=These documents as a table")
    page.wait_for_url("**/archive/person?name=Anastas*")
    shot(page, "browsing-5-persons-documents")
    assert page.locator("table.rows-and-columns tbody tr").count() == 7
    assert page.errors == []


def search_from_home(page, base, text):
    """Type into the home page's search box and wait for the results."""
    page.goto(base + "/")
    page.fill("#home-q", text)
    page.click(".home-search button")
    page.wait_for_url("**/archive/search?q=*")


def test_searching_from_home_and_downloading_csv(server, page):
    base, _ = server
    search_from_home(page, base, "Pak Hon-yong")
    assert page.url.endswith("/archive/search?q=Pak+Hon-yong")
    shot(page, "searching-1-results")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    assert page.locator("table.rows-and-columns mark").count() >= 1
    csv_link = page.locator('.export-links a:text-is("CSV")')
    response = page.request.get(base + csv_link.get_attribute("href"))
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert {row["id"] for row in rows} == {"1946-11-22-shtykov-report",
                                           "1955-12-02-pak-il-u-decision"}
    # Every CSV comes as a file; one for Excel starts with a byte-order mark.
    with page.expect_download() as download:
        page.click('.export-links a:text-is("CSV")')
    assert download.value.suggested_filename == "search.csv"
    with page.expect_download() as download:
        page.click('.export-links a:text-is("CSV for Excel")')
    assert open(download.value.path(), "rb").read().startswith(b"\xef\xbb\xbf")
    shot(page, "searching-2-csv")
    assert page.errors == []


@pytest.mark.parametrize("title", ["Documents per year", "Documents per month",
                                   "Documents per type", "Documents received"])
def test_charts_draw_from_the_home_page_links(server, page, title):
    base, _ = server
    page.goto(base + "/")
    page.click(f'.ways-in li:has-text("Charts") >> a:text-is("{title}")')
    assert_chart_drawn(page)


@pytest.mark.parametrize("query", ["by_year", "by_month", "by_type", "documents_received"])
def test_chart_draws_from_the_database_page_link(server, page, query):
    base, _ = server
    page.goto(f"{base}/archive")
    page.click(f'a[href^="/archive/{query}#g.mark=bar"]')
    assert_chart_drawn(page)


def test_the_readme_pictures_are_drawn(browser, server, tmp_path):
    """`make screenshots` (docs/screenshots.py), on the tests' server and browser."""
    sys.path.insert(0, str(ROOT / "docs"))
    import screenshots

    screenshots.take(browser, server[0], tmp_path)
    pictures = sorted(path.name for path in tmp_path.glob("*.png"))
    assert pictures == ["chart.png", "document.png", "home.png", "person.png",
                        "phone-document.png", "phone-home.png", "search.png"]
    for path in tmp_path.glob("*.png"):
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000


def test_a_document_page_gives_zotero_a_complete_item(server, page):
    """What Zotero's connector reads: the Highwire citation_* tags, read back in chromium."""
    base, _ = server
    page.goto(base + "/archive/documents/1956-09-21-mikoyan")
    shot(page, "zotero-1-document")
    tags = page.eval_on_selector_all(
        'meta[name^="citation_"]', "tags => tags.map(tag => [tag.name, tag.content])")
    assert ["citation_title", "Telegram from A. Mikoyan to the CPSU Central Committee"] in tags
    assert ["citation_date", "1956/09/21"] in tags
    assert ["citation_author", "Mikoyan, Anastas"] in tags
    assert ["citation_publisher", "History and Public Policy Program Digital Archive"] in tags
    assert ["citation_public_url",
            "https://digitalarchive.wilsoncenter.org/document/120194"] in tags
    link = page.locator("a.archive-link")
    assert link.inner_text() == "Read the document at the Wilson Center Digital Archive"
    assert link.get_attribute("href") == tags[[name for name, _ in tags].index(
        "citation_public_url")][1]
    assert page.errors == []


def test_search_open_a_result_by_its_title_then_a_person(server, page):
    base, _ = server
    search_from_home(page, base, '"August plenum"')
    assert "documents found" in page.inner_text(".result-count")
    page.click('td.col-title a:text-is("Letter from Ri Sang-jo to N.S. Khrushchev")')
    page.wait_for_url("**/archive/documents/1956-09-03-ri-sang-jo-khrushchev")
    assert page.inner_text(".record h1") == "Letter from Ri Sang-jo to N.S. Khrushchev"
    page.click('.record a:text-is("N.S. Khrushchev")')
    page.wait_for_url("**/archive/people/khrushchev")
    assert page.inner_text(".record h1") == "N.S. Khrushchev"
    assert page.errors == [] and page.console_errors == []


def test_the_charting_options_of_datasette_vega_draw_on_any_query(server, page):
    base, _ = server
    page.goto(base + "/archive/by_month")
    assert page.locator(".vega-embed canvas, .vega-embed svg").count() == 0
    page.get_by_text("Show charting options").click()
    page.check("input[name=mark][value=bar]")
    page.select_option("select[name=x_column]", "month")
    page.select_option("select[name=x_type]", "ordinal")
    page.select_option("select[name=y_column]", "documents")
    assert_chart_drawn(page)


def test_pages_work_within_their_content_security_policy(server, page):
    """Each page says what it may load and run (plugins/headers.py), and nothing it
    does is refused: a refusal is a console error in chromium."""
    base, _ = server
    for path in ("/", "/archive", "/archive/documents", "/archive/documents/1956-09-17-mikoyan",
                 "/archive/people/mikoyan", "/archive/search?q=plenum", "/archive?sql=select+1",
                 "/archive/by_month#g.mark=bar&g.x_column=month&g.x_type=ordinal"
                 "&g.y_column=documents&g.y_type=quantitative"):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if "by_month" in path:
            assert_chart_drawn(page)
        assert page.errors == [] and page.console_errors == [], path


def test_a_page_of_no_rows_logs_no_error(server, page):
    base, _ = server
    for path in ("/archive/documents?year=1800", "/archive/by_month?date_from=1800&date_to=1799",
                 "/archive/organisations?name=nobody", "/archive/search?q=zzzzqq"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert page.errors == [] and page.console_errors == [], path


def test_on_a_phone_the_home_search_box_is_in_the_first_screen(browser, server):
    base, _ = server
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        phone.goto(base + "/")
        box = phone.locator("#home-q").bounding_box()
        assert box["y"] + box["height"] <= 844
        shot(phone, "phone-home")
        phone.goto(base + "/archive/documents/1956-09-17-mikoyan")
        heading = phone.locator(".record h1").bounding_box()
        assert heading["y"] < 300  # the title heads the page; no id above it
        shot(phone, "phone-document")
        # Nothing wider than the phone: a long address (the citation's) wraps.
        for path in ("/archive/documents/1956-09-21-mikoyan", "/archive/events/august-plenum-1956",
                     "/about"):
            phone.goto(base + path)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        phone.goto(base + "/archive/search?q=Mikoyan")
        shot(phone, "phone-search")
        first = phone.locator("table.rows-and-columns tbody tr").first.bounding_box()
        assert first["y"] < 844  # the first result in the first screen
    finally:
        phone.close()


@pytest.mark.parametrize("path", ["/archive/documents?_search=Mikoyan", "/archive/people"])
def test_a_table_shows_its_rows_in_the_first_screen(server, page, path):
    # Datasette lists every column's description above the rows (sixteen for the
    # documents): a search's first result began below the first screen. They are folded
    # under one line, and open with a click.
    base, _ = server
    page.goto(base + path)
    first_row = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
    assert first_row["y"] < 900
    description = page.get_by_text("A stable short identifier chosen by the editors").first
    assert not description.is_visible()
    page.locator("details.about-columns summary").click()
    assert description.is_visible()
    assert page.locator("dl.column-descriptions:visible").count() == 1


def test_facets_are_headed_in_words_and_empty_ones_left_out(server, page):
    base, _ = server
    page.goto(base + "/archive/documents")
    headings = page.locator(".facet-info-name strong").all_inner_texts()
    names = [heading.rsplit(None, 1)[0] for heading in headings]
    # The test sources place no document in any collection: that facet has nothing to show.
    assert names == ["Type", "Events", "Year", "Subjects", "Date precision", "Source archive"]


def test_the_date_range_labels_sit_by_their_boxes(server, page):
    # Datasette gives every form label 15 % of the page's width: "From" stood far from its box.
    base, _ = server
    page.goto(base + "/archive/documents")
    for name in ("_date_from", "_date_to"):
        label = page.locator(f"label[for={name}]").bounding_box()
        box = page.locator(f"#{name}").bounding_box()
        assert label["width"] < 60  # the word, not 15 % of 1,200 pixels
        assert 0 <= box["x"] - (label["x"] + label["width"]) < 20


def test_from_home_to_an_event_its_chart_and_its_citations(server, page):
    base, _ = server
    page.goto(base + "/")
    page.click('.ways-in .events a:has-text("August 1956 plenum")')
    page.wait_for_url("**/archive/events/august-plenum-1956")
    shot(page, "event-1-card")
    assert page.inner_text(".record h1").startswith("August 1956 plenum")
    assert page.locator(".record h3", has_text="People most involved").is_visible()
    bars = page.locator(".by-month svg rect")
    assert bars.count() == 2
    heights = [bars.nth(index).bounding_box()["height"] for index in range(bars.count())]
    assert all(height > 5 for height in heights) and heights[1] > heights[0]
    with page.expect_download() as download:
        page.click('.record a.citations-download:text-is("ris")')
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.count("TY  - ") == page.locator(".record li time").count() == 10
    assert "TI  - Draft of a Statement by Yun Gong-heum" in text
    page.click(".record >> text=These documents as a table")
    page.wait_for_url("**/archive/documents?_event=august-plenum-1956")
    assert page.locator("table.rows-and-columns tbody tr").count() == 10
    assert page.errors == []


def test_the_sql_box_opens_with_a_query_worth_running(server, page):
    base, _ = server
    page.goto(base + "/archive")
    page.click('input[type="submit"][value="Run SQL"]')
    page.wait_for_url("**/archive?sql=*")
    headers = page.locator("table.rows-and-columns thead th").all_inner_texts()
    assert [header.strip() for header in headers][:4] == ["date", "title", "person", "role"]
    assert page.locator("table.rows-and-columns tbody tr").count() > 20
    assert page.errors == []


@pytest.mark.parametrize("path, x_column", [
    ("/archive/correspondence?documents__gte=1", "author"),
    ("/archive/received", "recipient"), ("/archive/people", "name")])
def test_chart_these_rows_draws_at_once_with_the_readers_filters(server, page, path, x_column):
    base, _ = server
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base + path)
    page.click(".chart-these a")
    assert_chart_drawn(page)
    data = [url for url in fetched if ".json" in url and "_shape=array" in url]
    assert data and all(path.split("?")[-1] in url for url in data if "?" in path)
    assert f"g.x_column={x_column}" in page.url


def test_a_chart_keeps_the_readers_span(server, page):
    base, _ = server
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base + "/archive/documents?year=1955")
    page.click('.chart-these a:has-text("Chart documents per month")')
    page.wait_for_url("**/archive/by_month?date_from=1955&date_to=1955#g.mark=bar*")
    assert_chart_drawn(page)
    # The chart reads the rows of the reader's span, not the default twelve months.
    assert any("by_month.json" in url and "date_from=1955" in url and "date_to=1955" in url
               for url in fetched)
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 12 and rows.first.inner_text().startswith("1955-01")

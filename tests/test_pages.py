"""The pages a person reads: the home page, document and party cards, human dates."""

import re

import pytest
from conftest import make_datasette
from datasette.plugins import pm
from markupsafe import escape

from kwp_archive import pipeline


async def page_of(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    return response.text


def section(page, css_class):
    start = page.index(f'class="{css_class}')
    return page[start:page.index("</article>", start)] if "record" in css_class else page[
        start:page.index("</section>", start)]


async def test_home_says_what_the_collection_is_and_gives_the_figures(ds):
    page = await page_of(ds, "/")
    assert "Korean Workers&#39; Party Documents, 1945–1956" in page
    assert "Declassified documents on the Korean communist movement" in page
    assert ("<strong>20</strong> documents, <strong>22</strong> people and "
            "<strong>10</strong> organisations, from 1945 to September 23, 1956.") in page


async def test_home_search_box_uses_the_search_query(ds):
    page = await page_of(ds, "/")
    home = section(page, "home home-top")
    assert '<form class="home-search" action="/archive/search" method="get"' in home
    assert 'name="q"' in home
    # The search box comes before the description, and the raw database block comes last.
    body = page[page.index("<body"):]
    assert body.index('class="home-search"') < body.index("Declassified documents on")
    assert page.index("Ways in") < page.index("Every table, for your own SQL")
    assert "<title>Korean Workers&#39; Party Documents, 1945–1956</title>" in page


async def test_home_links_into_the_main_views(ds):
    home = section(await page_of(ds, "/"), "home home-ways")
    for href in ["/archive/timeline", "/archive/documents", "/archive/people",
                 "/archive/correspondence", "/archive/by_year#g.mark=bar",
                 "/archive/documents_received#g.mark=bar", "/archive/by_month#g.mark=bar",
                 "/archive/citations"]:
        assert f'href="{href}' in home, href
    for link in re.findall(r'href="([^"#]+)', home):
        assert (await ds.client.get(link)).status_code == 200, link


async def test_home_of_an_empty_archive_says_so(tmp_path, sources_dir):
    for name in ("records.csv", "document_people.csv", "document_organisations.csv",
                 "document_collections.csv", "document_subjects.csv", "document_events.csv"):
        path = sources_dir / name
        path.write_text(path.read_text().splitlines()[0] + "\n")
    pipeline.build(sources_dir, tmp_path / "archive.db")
    page = await page_of(make_datasette(tmp_path / "archive.db"), "/")
    assert "No documents yet" in page


async def test_document_card(ds):
    card = section(await page_of(ds, "/archive/documents/1946-11-22-shtykov-report"),
                   "record document")
    assert ("<h1>Report for General-Major Comrade Romanenko on the Political Situation in "
            "Korea</h1>") in card
    assert '<time datetime="1946-11-22">November 22, 1946</time> · Report' in card
    assert "Shtykov tells Romanenko" in card
    assert card.index("<h3>Authors</h3>") < card.index('href="/archive/people/shtykov"') < (
        card.index("<h3>Recipients</h3>")) < card.index('href="/archive/people/romanenko"') < (
        card.index("<h3>Mentioned</h3>")) < card.index('href="/archive/organisations/wpsk"')
    assert "“Report for General-Major Comrade Romanenko on the Political Situation in Korea,” " \
           "November 22, 1946" in card


async def test_document_card_keeps_the_order_of_signatures(ds):
    card = section(await page_of(ds, "/archive/documents/1956-09-05-letter-to-ccp"),
                   "record document")
    names = re.findall(r'href="/archive/people/[^"]+">([^<]+)<', card)
    assert names == ["Seo Hwi", "Yun Gong-heum", "Li Pil-gyu", "Kim Gwan"]


async def test_document_card_shows_a_year_as_a_year(ds):
    card = section(await page_of(ds, "/archive/documents/1945-soviet-report"), "record document")
    assert '<time datetime="1945">1945</time> · Report' in card
    assert "No people or organisations" not in card


async def test_document_card_links_its_neighbours_in_time(ds):
    card = section(await page_of(ds, "/archive/documents/1956-09-05-fedorenko-journal"),
                   "record document")
    assert '<a rel="prev" href="/archive/documents/1956-09-03-ri-sang-jo-khrushchev">' in card
    assert '<a rel="next" href="/archive/documents/1956-09-05-letter-to-ccp">' in card
    first = section(await page_of(ds, "/archive/documents/1945-soviet-report"), "record document")
    assert 'rel="prev"' not in first
    assert '<a rel="next" href="/archive/documents/1946-01-11-memorandum">' in first


async def test_document_without_summary_or_links_says_so(ds):
    card = section(await page_of(ds, "/archive/documents/1956-09-15-ivanov-mikoyan"),
                   "record document")
    assert "The archive's listing gives no description of this document." in card
    memo = section(await page_of(ds, "/archive/documents/1946-01-11-memorandum"),
                   "record document")
    assert "No people or organisations are linked to this document yet." in memo


async def test_person_card(ds):
    card = section(await page_of(ds, "/archive/people/ivanov"), "record party")
    assert "<h1>V. Ivanov</h1>" in card
    assert "<h3>Also written</h3>" in card and "<dt>Latin</dt><dd>Ivanov</dd>" in card
    assert "USSR Ambassador to the DPRK" in card
    items = re.findall(r"<li>(.*?)</li>", card)
    assert len(items) == 2
    assert all("September 15, 1956" in item and "(author)" in item for item in items)
    assert 'href="/archive/person?name=V.%20Ivanov"' in card


async def test_person_card_lists_documents_in_order_with_roles(ds):
    card = section(await page_of(ds, "/archive/people/mikoyan"), "record party")
    roles = re.findall(r"\((author|recipient|participant|mentioned)\)</li>", card)
    assert roles == ["recipient", "recipient", "recipient", "author", "participant", "author",
                     "author"]


async def test_organisation_card(ds):
    card = section(await page_of(ds, "/archive/organisations/cpsu-cc"), "record party")
    assert "<h1>CPSU Central Committee</h1>" in card
    assert card.count('href="/archive/documents/1956-09-') == 3


async def test_dates_read_as_a_person_reads_them_and_stay_iso_in_data(ds):
    page = await page_of(ds, "/archive/documents")
    assert '<time datetime="1946-01-11">January 11, 1946</time>' in page
    assert '<time datetime="1945">1945</time>' not in page  # a year needs no rewriting
    timeline = await page_of(ds, "/archive/timeline")
    assert '<time datetime="1956-09-23">September 23, 1956</time>' in timeline
    rows = (await ds.client.get("/archive/documents.json?_shape=array")).json()
    assert rows[1]["date"] == "1946-01-11"
    csv_text = (await ds.client.get("/archive/timeline.csv")).text
    assert "1956-09-23,1956-09-23-plenum-resolution" in csv_text


async def test_timeline_lists_authors_and_recipients(ds):
    rows = (await ds.client.get("/archive/timeline.json?_shape=array")).json()
    assert len(rows) == 20
    letter = next(row for row in rows if row["document_id"] == "1956-09-05-letter-to-ccp")
    assert letter["authors"] == "Seo Hwi; Yun Gong-heum; Li Pil-gyu; Kim Gwan"
    assert letter["recipients"] == "Chinese Communist Party Central Committee"


async def test_row_pages_are_titled_by_their_record(ds):
    page = await page_of(ds, "/archive/documents/1945-soviet-report")
    assert "<title>Soviet Report on Communists in Korea, 1945 (1945)</title>" in page
    page = await page_of(ds, "/archive/people/mikoyan")
    assert "<title>Anastas Mikoyan</title>" in page


async def test_document_card_leads_back_to_the_archive_with_its_citation(ds):
    card = section(await page_of(ds, "/archive/documents/1956-09-21-mikoyan"), "record document")
    assert ('<a class="archive-link" href="https://digitalarchive.wilsoncenter.org/document/'
            '120194">Read the document at the Wilson Center Digital Archive</a>') in card
    assert "<dt>Holding archive</dt><dd>GARF</dd>" in card
    assert "<dt>Archive reference</dt><dd>Fond 5446, Opis 98c, Delo 718, Listy 12-16</dd>" in card
    assert "<dt>Translator</dt><dd>Gary Goldberg</dd>" in card
    # Facts no page gave stay empty, and the card says so rather than guessing.
    assert "<dt>Original language</dt><dd>Not given</dd>" in card
    assert ('<a href="/archive/subjects/subject-1906">Subject 1906</a>'
            in card)


async def test_document_known_from_a_listing_links_to_the_listing(ds):
    card = section(await page_of(ds, "/archive/documents/1955-main-issues"), "record document")
    assert ("See the Wilson Center Digital Archive's listing of this document</a>" in card)
    assert 'href="https://digitalarchive.wilsoncenter.org/search-results/1/' in card
    assert "<dt>Holding archive</dt><dd>Not given</dd>" in card
    assert ("Read on an archive listing; the document's own page was not found, so the "
            "holding archive, reference and translator are not known here.") in card
    page = section(await page_of(ds, "/archive/documents/1956-09-21-mikoyan"), "record document")
    assert "Read on the document's own page at the archive." in page
    assert "archive listing" not in page


async def test_related_documents_are_shown_on_both_pages(tmp_path, sources_dir):
    (sources_dir / "related.csv").write_text(
        "document_id,related_id,relation,source_url\n"
        "1956-09-17-mikoyan,1956-09-21-mikoyan,draft of,"
        "https://digitalarchive.wilsoncenter.org/document/120205\n")
    pipeline.build(sources_dir, tmp_path / "archive.db")
    site = make_datasette(tmp_path / "archive.db")
    draft = section(await page_of(site, "/archive/documents/1956-09-17-mikoyan"),
                    "record document")
    final = section(await page_of(site, "/archive/documents/1956-09-21-mikoyan"),
                    "record document")
    assert ('<h3>Related documents</h3>\n    <ul class="related"><li>This is a draft of: '
            '<a href="/archive/documents/1956-09-21-mikoyan">') in draft
    assert 'Its draft: <a href="/archive/documents/1956-09-17-mikoyan">' in final
    alone = section(await page_of(site, "/archive/documents/1945-soviet-report"),
                    "record document")
    assert "Related documents" not in alone


async def test_document_page_carries_highwire_tags_for_zotero(ds):
    page = await page_of(ds, "/archive/documents/1956-09-21-mikoyan")
    head = page[:page.index("</head>")]
    tags = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', head)
    assert ("citation_title", "Telegram from A. Mikoyan to the CPSU Central Committee") in tags
    assert ("citation_date", "1956/09/21") in tags
    assert ("citation_author", "Mikoyan, Anastas") in tags
    assert ("citation_publisher", "History and Public Policy Program Digital Archive") in tags
    assert ("citation_public_url",
            "https://digitalarchive.wilsoncenter.org/document/120194") in tags
    assert ("citation_archive_location",
            "GARF, Fond 5446, Opis 98c, Delo 718, Listy 12-16") in tags


async def test_participants_have_their_own_heading(ds):
    card = section(await page_of(ds, "/archive/documents/1956-09-19-soviet-chinese-meeting"),
                   "record document")
    participants = card[card.index("<h3>Participants</h3>"):card.index("<h3>Mentioned</h3>")]
    assert "Mao Zedong" in participants and "Anastas Mikoyan" in participants


async def test_correspondence_counts_only_documents_that_were_sent(ds):
    pairs = (await ds.client.get("/archive/correspondence.json?_shape=array")).json()
    authors = {pair["author"] for pair in pairs}
    # Kim Il Sung's speech to the founding congress goes to its audience, not to a recipient.
    assert "Kim Il Sung" not in authors
    assert {"author": "Shtykov", "recipient": "Romanenko", "documents": 1} in pairs


async def test_subjects_are_a_facet_of_the_documents_table(ds):
    data = (await ds.client.get("/archive/documents.json")).json()
    subjects = {item["value"]: item["count"]
                for item in data["facet_results"]["subjects"]["results"]}
    assert subjects == {"Subject 1906": 20, "Subject 2249": 2}
    filtered = (await ds.client.get(
        "/archive/documents.json?subjects__arraycontains=Subject+2249&_shape=array")).json()
    assert [row["id"] for row in filtered] == ["1955-12-02-pak-il-u-decision",
                                               "1956-03-17-petrov-molotov"]


# Parameters that make a canned query list some documents; the others need none.
PARAMETERS = {"search": "?q=Mikoyan", "person": "?name=Mikoyan", "organisation": "?name=KWP",
              "exchanged": "?author=Anastas+Mikoyan&recipient="}


async def test_every_list_of_documents_links_each_title_to_its_page(ds):
    queries = (await ds.client.get("/archive.json")).json()["queries"]
    lists = []
    for query in (query["name"] for query in queries):
        parameters = PARAMETERS.get(query, "")
        data = (await ds.client.get(f"/archive/{query}.json{parameters}")).json()
        if "title" in data["columns"]:
            lists.append(query)
    assert {"search", "person", "organisation", "timeline", "citations"} <= set(lists)
    for query in lists:
        parameters = PARAMETERS.get(query, "")
        rows = (await ds.client.get(f"/archive/{query}.json{parameters}&_shape=array"
                                    if parameters else
                                    f"/archive/{query}.json?_shape=array")).json()
        assert rows, query
        page = await page_of(ds, f"/archive/{query}{parameters}")
        for row in rows:
            identifier = row.get("document_id") or row["id"]
            link = f'<a href="/archive/documents/{identifier}">{escape(row["title"])}</a>'
            assert link in page, (query, identifier)
    table = await page_of(ds, "/archive/documents?_size=max")
    assert table.count('<a href="/archive/documents/') == 20  # each title
    everything = await page_of(ds, "/archive/documents?_size=max&_columns=all")
    assert everything.count('<a href="/archive/documents/') == 2 * 20  # and each id


async def test_the_documents_table_shows_a_readers_columns_by_default(ds):
    table = await page_of(ds, "/archive/documents")
    head = table[table.index("<thead>"):table.index("</thead>")]
    assert re.findall(r'data-column="(\w+)"', head) == ["date", "title", "type", "summary"]
    everything = await page_of(ds, "/archive/documents?_columns=all")
    head = everything[everything.index("<thead>"):everything.index("</thead>")]
    assert {"date_start", "date_end", "date_precision", "source_url"} <= set(
        re.findall(r'data-column="(\w+)"', head))
    data = (await ds.client.get("/archive/documents.json")).json()
    assert "date_precision" in data["columns"]  # downloads keep every column


async def test_ad_hoc_sql_links_document_ids_to_their_pages(ds):
    page = await page_of(ds, "/archive?sql=select+document_id,+role+from+document_people"
                             "+where+person_id+%3D+%27romanenko%27")
    assert ('<a href="/archive/documents/1946-11-22-shtykov-report">'
            '1946-11-22-shtykov-report</a>') in page
    page = await page_of(ds, "/archive?sql=select+id,+title+from+documents+where+year+%3D+1945")
    assert '<a href="/archive/documents/1945-soviet-report">1945-soviet-report</a>' in page
    # An id that is not a document's stays text.
    page = await page_of(ds, "/archive?sql=select+id,+name+from+people+limit+1")
    assert '<a href="/archive/documents/' not in page


async def test_an_organisations_count_leads_to_a_readable_list(ds):
    page = await page_of(ds, "/archive/organisations?id=cpsu-cc")
    assert '<a href="/archive/organisation?name=CPSU+Central+Committee">3</a>' in page
    rows = (await ds.client.get(
        "/archive/organisation.json?name=CPSU+Central+Committee&_shape=array")).json()
    assert [(row["document_id"], row["role"]) for row in rows] == [
        ("1956-09-17-mikoyan", "recipient"), ("1956-09-21-mikoyan", "recipient"),
        ("1956-09-22-mikoyan", "recipient")]


async def test_search_reads_as_a_page_with_the_sql_one_click_away(ds):
    page = await page_of(ds, "/archive/search?q=Pak+Hon-yong")
    for tooling in ("Custom SQL query", "Query parameters", 'value="Run SQL"',
                    '<pre id="sql-query">'):
        assert tooling not in page
    assert '<label for="field-q">Words or names</label>' in page
    assert '<p class="result-count">2 documents found.</p>' in page
    assert '"Exact phrase" keeps words together' in page.replace("&#34;", '"')
    assert "20,000" not in page  # the ranking's horizon is said only where it applies
    shown = await page_of(ds, "/archive/search?q=Pak+Hon-yong&_show_sql=1")
    assert '<pre id="sql-query">' in shown and "fts_query(:q)" in shown


async def test_search_and_documents_table_take_a_date_range(ds):
    rows = (await ds.client.get("/archive/search.json?q=plenum&date_from=1956-09"
                                "&date_to=1956-09-20&_shape=array")).json()
    assert rows and all("1956-09-01" <= row["date"] <= "1956-09-20" for row in rows)
    # A year-only date may mean any day of the year: it falls in a range within it.
    table = (await ds.client.get("/archive/documents.json?_date_from=1945-06&_date_to=1945-07"
                                 "&_shape=array")).json()
    assert [row["id"] for row in table] == ["1945-soviet-report"]
    page = await page_of(ds, "/archive/documents?_date_from=1956-09-20&_date_to=1956-09-30")
    assert "from September 20, 1956" in page and "to September 30, 1956" in page
    # The facets count the documents in the range, not the whole table.
    data = (await ds.client.get("/archive/documents.json?_date_from=1956-09-20")).json()
    years = {item["value"]: item["count"] for item in data["facet_results"]["year"]["results"]}
    assert years == {1956: 3}  # September 21, 22 and 23
    # The range also bounds the indexed date, so that a million rows are not scanned in
    # date order to find it (at a million records the page ran out of time).
    query = data["query"]
    assert "date >= :range_year" in query["sql"] and query["params"]["range_year"] == "1956"
    ignored = await page_of(ds, "/archive/documents?_date_from=Sept+1956")
    assert "ignored: a date is YYYY, YYYY-MM or YYYY-MM-DD" in ignored


async def test_the_people_table_shows_a_readers_columns_with_names_that_lead_on(ds):
    table = await page_of(ds, "/archive/people")
    head = table[table.index("<thead>"):table.index("</thead>")]
    assert re.findall(r'data-column="(\w+)"', head) == [
        "name", "position", "document_count", "roles"]
    assert '<a href="/archive/people/mikoyan">Anastas Mikoyan</a>' in table
    everything = await page_of(ds, "/archive/people?_columns=all")
    assert 'data-column="aliases"' in everything and 'data-column="sources"' in everything


async def test_array_facets_count_the_filtered_rows(ds):
    data = (await ds.client.get("/archive/documents.json?type=telegram")).json()
    subjects = {item["value"]: item["count"]
                for item in data["facet_results"]["subjects"]["results"]}
    assert subjects == {"Subject 1906": 6, "Subject 2249": 1}
    none = (await ds.client.get("/archive/documents.json?type=speech&year=1800")).json()
    assert none["facet_results"]["subjects"]["results"] == []


async def test_array_facets_count_a_searched_page_too(ds):
    data = (await ds.client.get("/archive/documents.json?_search=Mikoyan")).json()
    subjects = {item["value"]: item["count"]
                for item in data["facet_results"]["subjects"]["results"]}
    assert subjects == {"Subject 1906": data["filtered_table_rows_count"]}


@pytest.mark.parametrize("path", [
    "/archive/documents.json?type=telegram", "/archive/documents.json?year=1956",
    "/archive/documents.json?date_precision=year", "/archive/documents.json?type=letter",
])
async def test_a_page_of_one_facet_value_counts_the_others_as_counting_would(ds, path):
    """The build's pair counts (facet_pairs) answer a page filtered on one facet value:
    the figures must be those that counting the page's rows gives."""
    import sqlite3

    data = (await ds.client.get(path)).json()
    column, value = path.split("?")[1].split("=")
    database = sqlite3.connect(f"file:{ds.get_database('archive').path}?mode=ro", uri=True)
    try:
        for facet in ("type", "year", "date_precision"):
            counted = dict(database.execute(
                f"select {facet}, count(*) from documents where cast({column} as text) = ? "
                f"group by {facet}", (value,)).fetchall())
            shown = {item["value"]: item["count"]
                     for item in data["facet_results"][facet]["results"]}
            assert shown == counted, facet
    finally:
        database.close()


async def test_who_wrote_to_whom_is_a_table_a_reader_filters_whose_names_and_counts_lead_on(ds):
    filtered = (await ds.client.get(
        "/archive/correspondence.json?author=Anastas+Mikoyan&_shape=array")).json()
    assert filtered and {row["author"] for row in filtered} == {"Anastas Mikoyan"}
    page = await page_of(ds, "/archive/correspondence?author=Anastas+Mikoyan")
    assert '<a href="/-/party?name=Anastas+Mikoyan">Anastas Mikoyan</a>' in page
    pair = filtered[0]
    count_link = ("/archive/exchanged?author=Anastas+Mikoyan&amp;recipient="
                  + pair["recipient"].replace(" ", "+"))
    assert f'<a href="{count_link}">{pair["documents"]}</a>' in page
    # The count leads to exactly the documents it counts.
    listed = (await ds.client.get(count_link.replace("&amp;", "&").replace(
        "exchanged?", "exchanged.json?_shape=array&"))).json()
    assert len(listed) == pair["documents"]
    received = await page_of(ds, "/archive/received")
    assert '<a href="/-/party?name=CPSU+Central+Committee">CPSU Central Committee</a>' in received


async def test_a_partys_name_leads_to_its_page(ds):
    person = await ds.client.get("/-/party?name=Anastas+Mikoyan")
    assert person.status_code == 302 and person.headers["location"] == "/archive/people/mikoyan"
    body = await ds.client.get("/-/party?name=CPSU+Central+Committee")
    assert body.headers["location"].startswith("/archive/organisations/")
    missing = await ds.client.get("/-/party?name=Nobody")
    assert missing.status_code == 404 and "/archive/search" in missing.text


async def test_the_timeline_links_its_names(ds):
    """Each name to its party's page; a name or a date shown again is worked out once (a
    timeline of a thousand rows repeats them hundreds of times)."""
    cells = pm.get_plugin("cells.py")
    cells._party_link.cache_clear()
    cells._human.cache_clear()
    page = await page_of(ds, "/archive/timeline")
    assert '<a href="/-/party?name=Anastas+Mikoyan">Anastas Mikoyan</a>' in page
    assert cells._party_link.cache_info().hits > 0 and cells._human.cache_info().hits > 0


async def test_a_page_not_found_says_what_was_looked_for_and_how_to_search(ds):
    response = await ds.client.get("/archive/documents/1956-13-99-nothing")
    assert response.status_code == 404
    assert "Nothing is at <code>/archive/documents/1956-13-99-nothing</code>" in response.text
    assert 'action="/archive/search"' in response.text
    json_response = await ds.client.get("/archive/documents/1956-13-99-nothing.json")
    assert json_response.status_code == 404 and json_response.json()["ok"] is False


@pytest.mark.parametrize("path", ["/archive/documents.xyz", "/archive/search.html",
                                  "/archive/documents/1956-09-17-mikoyan.pdf"])
async def test_an_address_of_no_format_is_not_found(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 404
    assert "available as .json, .csv, .ris, .bib, .csljson" in response.text
    for known in (".json", ".csv", ".ris"):
        assert (await ds.client.get(path.rsplit(".", 1)[0] + known)).status_code == 200


async def test_a_documents_type_reads_as_its_name_alone(ds):
    page = await page_of(ds, "/archive/documents?type=report")
    assert '<a href="/archive/document_types/report">Report</a></td>' in page
    assert "<em>report</em>" not in page


async def test_the_year_facet_lists_years_in_date_order(ds):
    data = (await ds.client.get("/archive/documents.json")).json()
    years = [item["value"] for item in data["facet_results"]["year"]["results"]]
    assert years == sorted(years) and len(years) > 2


async def test_the_about_page_says_where_records_come_from_and_how_to_cite_and_correct(ds):
    page = await page_of(ds, "/about")
    for heading in ("What it holds", "Where the records come from", "The summaries",
                    "“Not given”", "How to cite", "Reporting an error"):
        assert f"<h3>{heading}</h3>" in page, heading
    assert 'href="/about"' in await page_of(ds, "/")

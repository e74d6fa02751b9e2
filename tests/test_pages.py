"""The pages a person reads: the home page, document and party cards, human dates."""

import re

from kwp_archive import pipeline

from conftest import make_datasette


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
    home = section(await page_of(ds, "/"), "home")
    assert '<form class="home-search" action="/archive/search" method="get"' in home
    assert 'name="q"' in home


async def test_home_links_into_the_main_views(ds):
    home = section(await page_of(ds, "/"), "home")
    for href in ["/archive/timeline", "/archive/documents", "/archive/people",
                 "/archive/correspondence", "/archive/by_year#g.mark=bar",
                 "/archive/correspondence#g.mark=bar", "/archive/citations"]:
        assert f'href="{href}' in home, href
    for link in re.findall(r'href="([^"#]+)', home):
        assert (await ds.client.get(link)).status_code == 200, link


async def test_home_of_an_empty_archive_says_so(tmp_path, sources_dir):
    for name in ("records.csv", "document_people.csv", "document_organisations.csv"):
        path = sources_dir / name
        path.write_text(path.read_text().splitlines()[0] + "\n")
    pipeline.build(sources_dir, tmp_path / "archive.db")
    page = await page_of(make_datasette(tmp_path / "archive.db"), "/")
    assert "No documents yet" in page


async def test_document_card(ds):
    card = section(await page_of(ds, "/archive/documents/1946-11-22-shtykov-report"),
                   "record document")
    assert "<h2>Report for General-Major Comrade Romanenko on the Political Situation in Korea</h2>" in card
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
    assert "<h2>V. Ivanov</h2>" in card
    assert "Also written: Ivanov" in card
    assert "USSR Ambassador to the DPRK" in card
    items = re.findall(r"<li>(.*?)</li>", card)
    assert len(items) == 2
    assert all("September 15, 1956" in item and "(author)" in item for item in items)
    assert 'href="/archive/person?name=V.%20Ivanov"' in card


async def test_person_card_lists_documents_in_order_with_roles(ds):
    card = section(await page_of(ds, "/archive/people/mikoyan"), "record party")
    roles = re.findall(r"\((author|recipient|mentioned)\)</li>", card)
    assert roles == ["recipient", "recipient", "recipient", "author", "mentioned", "author",
                     "author"]


async def test_organisation_card(ds):
    card = section(await page_of(ds, "/archive/organisations/cpsu-cc"), "record party")
    assert "<h2>CPSU Central Committee</h2>" in card
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

"""The site, through Datasette's own test client, on the real sources built into archive.db."""

import csv
import io
import re
from urllib.parse import quote, urlencode

import pytest
from conftest import make_datasette
from datasette.utils import module_from_path
from markupsafe import escape

from kwp_archive import pipeline, site


async def get(ds, path, status=200):
    response = await ds.client.get(path)
    assert response.status_code == status, (path, response.text[:500])
    return response


async def rows_of(ds, path):
    separator = "&" if "?" in path else "?"
    return (await get(ds, f"{path}{separator}_shape=array")).json()


TABLES = ["documents", "people", "organisations", "document_types", "collections", "subjects",
          "document_people", "document_organisations", "document_collections",
          "document_subjects"]


@pytest.mark.parametrize("table", TABLES)
async def test_every_table_page(ds, table):
    page = (await get(ds, f"/archive/{table}")).text
    assert "rows-and-columns" in page
    data = (await get(ds, f"/archive/{table}.json?_size=max")).json()
    count = {"documents": 20, "people": 22, "organisations": 10, "document_types": 11,
             "document_people": 39, "document_organisations": 24, "collections": 0,
             "subjects": 2, "document_collections": 0, "document_subjects": 22}[table]
    assert len(data["rows"]) == count


async def test_documents_are_in_chronological_order_by_default(ds):
    dates = [row["date"] for row in await rows_of(ds, "/archive/documents.json?_size=max")]
    assert dates == sorted(dates)
    assert dates[0] == "1945" and dates[-1] == "1956-09-23"


async def test_documents_facets(ds):
    data = (await get(ds, "/archive/documents.json")).json()
    facets = data["facet_results"]
    assert set(facets) >= {"type", "year", "date_precision"}
    years = {item["value"]: item["count"] for item in facets["year"]["results"]}
    assert years == {1945: 1, 1946: 3, 1955: 4, 1956: 12}
    telegrams = {item["value"]: item["count"] for item in facets["type"]["results"]}["telegram"]
    assert telegrams == 6


async def test_role_facet_and_filter(ds):
    data = (await get(ds, "/archive/document_people.json?person_id=mikoyan")).json()
    roles = {item["value"]: item["count"] for item in data["facet_results"]["role"]["results"]}
    assert roles == {"author": 3, "recipient": 3, "participant": 1}


async def test_facets_render_on_the_page(ds):
    page = (await get(ds, "/archive/documents")).text
    assert 'data-column="date_precision"' in page
    assert "telegram" in page.lower()


async def test_array_cells_show_their_words_and_json_keeps_the_array(ds):
    page = (await get(ds, "/archive/people?name=Anastas+Mikoyan")).text
    assert '<td class="col-roles type-str">author, recipient, participant</td>' in page
    [mikoyan] = await rows_of(ds, "/archive/people.json?name=Anastas+Mikoyan")
    assert mikoyan["roles"] == '["author","recipient","participant"]'
    everything = (await get(ds, "/archive/documents?_columns=all&_size=max")).text
    cells = re.findall(r'<td class="col-(?:subjects|collections) type-str">([^<]*)</td>',
                       everything)
    assert len(cells) == 40 and "—" in cells and "[" not in "".join(cells)


async def test_a_subjects_count_leads_to_its_documents(ds):
    subjects = await rows_of(ds, "/archive/subjects.json")
    page = (await get(ds, "/archive/subjects")).text
    for subject in subjects:
        links = re.findall(r'<td class="col-document_count type-int"><a href="([^"]+)">(\d+)</a>',
                           page)
        [(path, count)] = [(path, count) for path, count in links
                           if path.endswith("?_subject=" + subject["id"])]
        documents = await rows_of(ds, path.replace("&amp;", "&").replace(
            "/archive/documents?", "/archive/documents.json?_size=max&"))
        assert len(documents) == int(count) == subject["document_count"] > 0


async def test_a_subjects_page_lists_its_documents_in_date_order(ds):
    for subject in await rows_of(ds, "/archive/subjects.json"):
        page = (await get(ds, f"/archive/subjects/{subject['id']}")).text
        assert f"<title>{subject['name']}</title>" in page
        listed = await rows_of(ds, "/archive/documents.json?_size=max&" + urlencode(
            {"_subject": subject["id"]}))
        assert len(listed) == subject["document_count"] > 0
        places = [page.index(f'<a href="/archive/documents/{document["id"]}">'
                             f'{escape(document["title"])}</a>') for document in listed]
        assert places == sorted(places)  # the documents table's order: by date
        assert ('href="/archive/documents?' + urlencode({"_subject": subject["id"]}) + '"') in page


async def test_a_collection_with_no_document_of_ours_says_so(tmp_path, sources_dir):
    with open(sources_dir / "collections.csv", "a", encoding="utf-8") as file:
        file.write("none-yet,None Yet,https://digitalarchive.wilsoncenter.org/collection/1/x\n")
    pipeline.build(sources_dir, tmp_path / "archive.db")
    page = (await get(make_datasette(tmp_path / "archive.db"),
                      "/archive/collections/none-yet")).text
    assert "Documents (0)" in page
    assert "No document of this dataset is listed under None Yet yet" in page


async def test_search_query_ranks_and_highlights(ds):
    results = await rows_of(ds, "/archive/search.json?q=telegrams")
    assert len(results) == 6
    # Each result with its date, type, summary (its matches marked) and people.
    assert list(results[0]) == ["date", "title", "type", "summary", "people", "id", "matches"]
    assert {row["matches"] for row in results} == {6}
    assert all("Telegram" in row["title"] or "<mark>telegram" in row["summary"].lower()
               for row in results)
    assert {row["type"] for row in results} == {"Telegram"}
    page = (await get(ds, "/archive/search?q=telegrams")).text
    assert '<td class="col-type">Telegram</td>' in page


async def test_search_snippet_escapes_everything_but_the_highlight(ds):
    cells = module_from_path(str(site.PLUGINS / "cells.py"), "cells")
    rendered = cells.snippet('<mark>x</mark> <script>alert(1)</script>')
    assert str(rendered) == "<mark>x</mark> &lt;script&gt;alert(1)&lt;/script&gt;"


async def test_search_finds_every_document_by_any_long_word_of_its_title(ds):
    documents = await rows_of(ds, "/archive/documents.json?_size=max&_col=title")
    assert len(documents) == 20
    for document in documents:
        for word in re.findall(r"\w{5,}", document["title"]):
            found = await rows_of(ds, f"/archive/search.json?q={word}&_size=max")
            assert document["id"] in [row["id"] for row in found], (word, document["title"])


@pytest.mark.parametrize("path", ["/archive/search", "/archive/search?q=", "/archive/search?q=%22",
                                  "/archive/person", "/archive/person?name=+"])
async def test_empty_parameters_give_an_empty_result(ds, path):
    page = (await get(ds, path)).text
    # An empty form asks for a word; a form with nothing searchable says nothing matched.
    assert ("above to start." in page) != ("No documents match." in page)
    assert '<table class="rows-and-columns">' not in page
    data = (await get(ds, path.replace("?", ".json?") if "?" in path else path + ".json")).json()
    assert data["ok"] is True and data["rows"] == []


async def test_person_query_lists_documents_with_roles_in_order(ds):
    rows = await rows_of(ds, "/archive/person.json?name=Mikoyan")
    assert [row["role"] for row in rows] == [
        "recipient", "recipient", "recipient", "author", "participant", "author", "author"
    ]
    dates = [row["date"] for row in rows]
    assert dates == sorted(dates)
    assert {row["person"] for row in rows} == {"Anastas Mikoyan"}


async def test_correspondence_pairs_authors_and_recipients(ds):
    rows = await rows_of(ds, "/archive/correspondence.json")
    pairs = {(row["author"], row["recipient"]): row["documents"] for row in rows}
    assert pairs[("Anastas Mikoyan", "CPSU Central Committee")] == 3
    assert pairs[("Shtykov", "Romanenko")] == 1
    assert pairs[("V. Ivanov", "Anastas Mikoyan")] == 2
    assert rows[0]["documents"] == 3


async def test_by_year_and_by_type(ds):
    # Every year of the span, those with no documents too, so a chart shows the gap.
    assert await rows_of(ds, "/archive/by_year.json") == [
        {"year": 1945, "documents": 1}, {"year": 1946, "documents": 3},
        *({"year": year, "documents": 0} for year in range(1947, 1955)),
        {"year": 1955, "documents": 4}, {"year": 1956, "documents": 12},
    ]
    by_type = await rows_of(ds, "/archive/by_type.json")
    assert by_type[0] == {"type": "Telegram", "documents": 6}
    assert sum(row["documents"] for row in by_type) == 20


@pytest.mark.parametrize("query, x_column", [
    ("by_year", "year"), ("by_type", "type"), ("documents_received", "recipient"),
    ("by_month", "month"),
])
async def test_aggregating_queries_link_to_their_chart(ds, query, x_column):
    database_page = (await get(ds, "/archive")).text
    link = f'href="/archive/{query}#g.mark=bar&amp;g.x_column={x_column}&amp;'
    assert link in database_page
    query_page = (await get(ds, f"/archive/{query}")).text
    # datasette-vega, as it ships, draws from the page's json link and its table.
    assert 'class="export-links"' in query_page and '<table class="rows-and-columns">' in query_page
    assert '<script src="/-/static-plugins/datasette_vega/main.' in query_page


async def test_by_month_counts_every_month_of_the_span(ds):
    rows = await rows_of(ds, "/archive/by_month.json?date_from=1956-07&date_to=1956-10")
    assert rows == [{"month": "1956-07", "documents": 0}, {"month": "1956-08", "documents": 1},
                    {"month": "1956-09", "documents": 10}, {"month": "1956-10", "documents": 0}]
    latest = await rows_of(ds, "/archive/by_month.json")
    assert [row["month"] for row in latest][0] == "1955-10" and latest[-1]["month"] == "1956-09"


async def test_documents_received_counts_each_document_once(ds):
    received = {row["recipient"]: row["documents_received"]
                for row in await rows_of(ds, "/archive/documents_received.json")}
    # The letter of Seo Hwi, Yun Gong-heum, Li Pil-gyu and Kim Gwan: four pairs, one letter.
    assert received["Chinese Communist Party Central Committee"] == 1
    assert received["CPSU Central Committee"] == 3


async def test_json_and_csv_of_a_table_and_a_query(ds):
    table_csv = (await get(ds, "/archive/documents.csv")).text
    header, *lines = list(csv.reader(io.StringIO(table_csv)))
    assert header[:3] == ["id", "date", "date_start"]
    assert len(lines) == 20
    query_csv = (await get(ds, "/archive/by_year.csv")).text
    assert query_csv.splitlines() == ["year,documents", "1945,1", "1946,3", *(
        f"{year},0" for year in range(1947, 1955)), "1955,4", "1956,12"]
    query_json = (await get(ds, "/archive/person.json?name=Romanenko")).json()
    assert query_json["rows"][0][1] == "1946-11-22-shtykov-report"


async def test_csv_streams_every_row(ds):
    response = await get(ds, "/archive/document_people.csv?_stream=on&_size=5")
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 39


async def test_table_search_uses_the_full_text_index_with_stemming(ds):
    rows = await rows_of(ds, "/archive/documents.json?_search=telegrams")
    assert len(rows) == 6
    people = await rows_of(ds, "/archive/people.json?_search=Mikoyan")
    assert [person["id"] for person in people] == ["mikoyan"]


async def test_ad_hoc_sql_is_on(ds):
    data = (await get(ds, "/archive.json?sql=select+count(*)+as+n+from+documents")).json()
    assert data["rows"] == [[20]]


async def test_settings_are_those_of_make_run(ds):
    settings = (await get(ds, "/-/settings.json")).json()
    assert settings["suggest_facets"] is False
    assert settings["sql_time_limit_ms"] == 1000
    page = (await get(ds, "/archive/people")).text
    assert "Suggested facets" not in page


@pytest.mark.parametrize("table", TABLES)
async def test_full_download_of_every_table_streams_every_row(ds, archive_db, table):
    import sqlite3

    with sqlite3.connect(archive_db) as connection:
        [(count,)] = connection.execute(f"select count(*) from [{table}]").fetchall()
    response = await get(ds, f"/archive/{table}.csv?_stream=on&_size=max")
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == count


@pytest.mark.parametrize("filters, where", [
    ("", "1"),
    ("year=1956", "year = 1956"),
    ("type=letter", "type = 'letter'"),
    ("type=telegram&year=1956", "type = 'telegram' and year = 1956"),
    ("year=1956&date_precision=day", "year = 1956 and date_precision = 'day'"),
    ("_search=telegrams",
     "rowid in (select rowid from documents_fts where documents_fts match 'telegrams')"),
])
async def test_counted_facets_match_live_counts(ds, archive_db, filters, where):
    """Every counted facet, of a column or of an array's items, as counting the rows gives:
    the build's counts where it has them, live counts where not (two values and an array)."""
    import sqlite3

    facets = (await get(ds, f"/archive/documents.json?{filters}")).json()["facet_results"]
    with sqlite3.connect(archive_db) as connection:
        for column in ("type", "year", "date_precision", "subjects", "events"):
            counted = (f"documents.{column}" if column not in ("subjects", "events")
                       else "item.value")
            items = f", json_each(documents.{column}) as item" if counted == "item.value" else ""
            live = connection.execute(
                f"select {counted} as value, count(*) as n from (select * from documents where "
                f"{where}) as documents{items} group by value order by "
                f"{'value' if column == 'year' else 'n desc, value'}").fetchall()
            shown = [(item["value"], item["count"]) for item in facets[column]["results"]]
            assert shown == live, column


async def test_every_counted_facet_is_counted_by_the_build(ds, archive_db):
    import sqlite3

    import yaml

    tables = yaml.safe_load(site.METADATA.read_text())["databases"]["archive"]["tables"]
    with sqlite3.connect(archive_db) as connection:
        counted = set(connection.execute(
            "select distinct table_name, column_name from facet_counts").fetchall())
    wanted = {(table, facet["counted"]) for table, described in tables.items()
              for facet in described.get("facets", []) if isinstance(facet, dict)
              and "counted" in facet}
    # No document of the frozen set is in a collection: that column is counted, with no row.
    assert wanted and wanted - {("documents", "collections")} <= counted


async def test_people_are_listed_by_surname(ds):
    people = await rows_of(ds, "/archive/people.json?_size=max")
    filed = [person["sort_name"] for person in people]
    assert filed == sorted(filed)
    names = [person["name"] for person in people]
    # Petrov files under P, after Pak Il-u, not under A before everyone.
    assert names.index("Pak Il-u") < names.index("A.M. Petrov") < names.index("Ri Sang-jo")
    assert names.index("Anastas Mikoyan") > names.index("Kim Il Sung")


async def test_every_canned_query_page_is_titled_by_its_title_not_its_sql(ds):
    import yaml

    queries = yaml.safe_load(site.METADATA.read_text())["databases"]["archive"]["queries"]
    for name, query in queries.items():
        page = (await get(ds, f"/archive/{name}")).text
        [title] = re.findall(r"<title>(.*?)</title>", page, re.DOTALL)
        assert title.strip() == query["title"].replace("'", "&#39;"), name


@pytest.mark.parametrize("path", [
    "/archive/people.csv?_size=max", "/archive/people.csv?_stream=on&_size=5",
    "/archive.csv?sql=" + quote("select 'Füredi, Práth, 김일성, Ким Ир Сен' as names, name "
                                "from people")])
async def test_csv_comes_as_a_file_and_with_a_byte_order_mark_for_excel_on_request(ds, path):
    plain = await get(ds, path)
    assert plain.headers["content-disposition"].startswith("attachment; filename=")
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    excel = await get(ds, path + "&_bom=1")
    assert excel.content == b"\xef\xbb\xbf" + plain.content
    if "content-length" in excel.headers:
        assert int(excel.headers["content-length"]) == len(excel.content)
    text = excel.content.decode("utf-8-sig")
    assert "Kim Il Sung" in text and text.startswith(("id,", "names,"))
    if "names" in text:
        assert "Füredi, Práth, 김일성, Ким Ир Сен" in text


async def test_table_and_query_pages_offer_csv_for_excel(ds):
    for path in ("/archive/documents", "/archive/search?q=Mikoyan"):
        page = (await get(ds, path)).text
        assert "CSV for Excel" in page and "_bom=1" in page

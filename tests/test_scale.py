"""What the speed-ups for a large collection must not change: the rows, their order, the
counts and the facets a reader gets, on a generated collection of a few thousand documents
(bench/synth.py, as the benchmark's million), each checked against what SQLite gives for
Datasette's own query."""

import itertools
import json
import sqlite3
import sys
from urllib.parse import urlencode

import pytest
from datasette.utils import module_from_path, parse_metadata

from conftest import ROOT, make_datasette
from kwp_archive import dates, pipeline, site
from kwp_archive.database import COUNTED_FACETS
from kwp_archive.search import fts_query

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

query_forms = module_from_path(str(site.PLUGINS / "query_forms.py"), "query_forms")

WORDS = synth.vocabulary()
PROLIFIC, PROLIFIC_OTHERWISE = synth.person_name(0)


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory):
    work = tmp_path_factory.mktemp("generated")
    path = work / "archive.db"
    pipeline.build(synth.write(3000, work / "sources"), path)
    return path


@pytest.fixture(scope="module")
def generated(generated_db):
    return make_datasette(generated_db)


def connect(path):
    """The database read directly, with the search function the site gives escape_fts."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.create_function("escape_fts", 1, fts_query)
    return connection


def test_documents_are_stored_in_the_order_a_reader_sees(generated_db, archive_db):
    for path in (generated_db, archive_db):
        connection = connect(path)
        by_rowid = connection.execute("select id from documents order by rowid").fetchall()
        in_order = connection.execute("select id from documents order by date, id").fetchall()
        connection.close()
        assert by_rowid == in_order and len(by_rowid) > 1


SEARCHES = {
    "common word": WORDS[0],
    "mid word": WORDS[300],
    "rare word": WORDS[-1],
    "two words": f"{WORDS[0]} {WORDS[1]}",
    "a phrase": f'"{WORDS[0]} {WORDS[1]}"',
    "a name": PROLIFIC,
    "the name spelled otherwise": PROLIFIC_OTHERWISE,
    "nothing": "zzzzzzzz",
}


@pytest.mark.parametrize("search", SEARCHES.values(), ids=SEARCHES.keys())
async def test_the_search_box_gives_datasettes_rows_in_datasettes_order(
        generated, generated_db, search):
    """Page after page, the site's rows and count are what Datasette's own SQL gives when
    SQLite runs it as written, and the first pages take the fast path (query_forms)."""
    connection = connect(generated_db)
    path = "/archive/documents.json?" + urlencode({"_search": search, "_size": 40})
    pages = 0
    while path and pages < 4:
        data = (await generated.client.get(path)).json()
        sql, params = data["query"]["sql"], data["query"]["params"]
        assert query_forms.rewrite(sql) != sql, sql  # Datasette's query, as the plugin knows it
        expected = [row[0] for row in connection.execute(sql, params)]
        assert [row[0] for row in data["rows"]] == expected[:40]
        if pages == 0:
            [[count]] = connection.execute(
                "select count(*) from documents where rowid in (select rowid from documents_fts"
                " where documents_fts match escape_fts(?))", (search,)).fetchall()
            assert data["filtered_table_rows_count"] == count
        next_url = data["next_url"]
        path = next_url[next_url.index("/archive/"):] if next_url else None
        pages += 1
    connection.close()
    if search == WORDS[0]:
        assert pages == 4  # a common word fills several pages


async def test_a_search_with_another_filter_is_left_as_datasette_asks_it(generated):
    data = (await generated.client.get(
        "/archive/documents.json?" + urlencode({"_search": WORDS[0], "type": "telegram"}))).json()
    assert query_forms.rewrite(data["query"]["sql"]) == data["query"]["sql"]
    assert data["rows"] and all(row[7] == "telegram" for row in data["rows"])


def limited(path, limit, array_limit=None):
    metadata = parse_metadata(site.METADATA.read_text())
    metadata["plugins"]["counted_facets"]["live_limit"] = limit
    metadata["plugins"]["counted_facets"]["live_array_limit"] = array_limit or limit
    return make_datasette(path, metadata=metadata)


async def test_facets_over_more_rows_than_the_live_limit_say_they_were_not_counted(
        generated_db):
    datasette = limited(generated_db, 500)
    common = urlencode({"_search": WORDS[0]})
    data = (await datasette.client.get(f"/archive/documents.json?{common}")).json()
    assert data["filtered_table_rows_count"] > 500
    assert data["facet_results"] == {}  # (Datasette's JSON lists no facet that timed out)
    page = (await datasette.client.get(f"/archive/documents?{common}")).text
    shown = "{:,}".format(data["filtered_table_rows_count"])
    assert ("Type, year, date precision, collections, subjects: not counted, as counting them"
            f" over these {shown} documents would keep the page waiting (facets are counted "
            "over at most 500 documents, the items of a list such as subjects over at most "
            "500)") in page
    # Fewer rows than the limit: counted, and right.
    rare = (await datasette.client.get(
        "/archive/documents.json?" + urlencode({"_search": WORDS[300]}))).json()
    assert 0 < rare["filtered_table_rows_count"] <= 500
    assert set(rare["facet_results"]) == {"type", "year", "date_precision", "collections",
                                          "subjects"}
    assert sum(item["count"] for item in rare["facet_results"]["type"]["results"]) == \
        rare["filtered_table_rows_count"]
    # The whole table's facets come from the build, however many rows.
    whole = (await datasette.client.get("/archive/documents.json")).json()
    assert whole["facet_results"]["type"]["results"]
    assert "not counted" not in (await datasette.client.get("/archive/documents")).text


async def test_a_date_range_counts_and_facets_as_counting_would(generated, generated_db):
    data = (await generated.client.get(
        "/archive/documents.json?_date_from=1950&_date_to=1950-06&_size=max")).json()
    connection = connect(generated_db)
    inside = "date_end >= '1950-01-01' and date_start <= '1950-06-30'"
    expected = [row[0] for row in connection.execute(
        f"select id from documents where {inside} order by date, id")]
    assert [row[0] for row in data["rows"]] == expected[:len(data["rows"])]
    assert data["filtered_table_rows_count"] == len(expected) > 0
    types = dict(connection.execute(
        f"select type, count(*) from documents where {inside} group by type").fetchall())
    assert {item["value"]: item["count"]
            for item in data["facet_results"]["type"]["results"]} == types
    connection.close()


def test_a_date_range_is_read_along_the_date_index(generated_db):
    """The planner's statistics keep it off skip-scans of the facet indexes (STATISTICS)."""
    connection = connect(generated_db)
    plan = " ".join(row[-1] for row in connection.execute(
        "explain query plan select type, count(*) from documents where date_end >= '1956-01-01'"
        " and date >= '1956' and date_start <= '1956-12-31' and date <= '1956-12-31'"
        " group by type"))
    connection.close()
    assert "COVERING INDEX documents_date" in plan and "ANY(" not in plan


@pytest.mark.parametrize("column, value", [("subjects", "Subject 0"), ("subjects", "Subject 29"),
                                           ("collections", "Collection 3"),
                                           ("subjects", "No such subject")])
async def test_an_array_facet_value_gives_datasettes_rows_and_count(
        generated, generated_db, column, value):
    data = (await generated.client.get("/archive/documents.json?" + urlencode(
        {f"{column}__arraycontains": value, "_size": 60}))).json()
    sql, params = data["query"]["sql"], data["query"]["params"]
    assert query_forms.rewrite(sql) != sql
    connection = connect(generated_db)
    expected = [row[0] for row in connection.execute(sql, params)]
    [[count]] = connection.execute(
        f"select count(*) from documents where ? in (select value from json_each({column}))",
        (value,)).fetchall()
    connection.close()
    assert [row[0] for row in data["rows"]] == expected[:60]
    assert data["filtered_table_rows_count"] == count
    # Read in the table's order, as for an item of many documents: the same rows.
    walked = query_forms.rewrite(sql, params, {(column, value): query_forms.WALK_FROM})
    assert "exists (select 1 from" in walked
    connection = connect(generated_db)
    assert [row[0] for row in connection.execute(walked, params)] == expected
    connection.close()
    assert (count > 0) == (value != "No such subject")


@pytest.mark.parametrize("query", ["year=1950", "type=telegram", "date_precision=month",
                                   "type=letter&year=1952", "_search=" + WORDS[40],
                                   "subjects__arraycontains=Subject 2"])
async def test_array_facets_of_a_filtered_page_count_as_counting_would(
        generated, generated_db, query):
    data = (await generated.client.get(f"/archive/documents.json?{query}&_size=max")).json()
    assert data["filtered_table_rows_count"] == len(data["rows"])  # every row on one page
    ids = [row[0] for row in data["rows"]]
    connection = connect(generated_db)
    for column in ("subjects", "collections"):
        counted = {}
        for document_id in ids:
            [[items]] = connection.execute(f"select {column} from documents where id = ?",
                                           (document_id,)).fetchall()
            for item in json.loads(items):
                counted[item] = counted.get(item, 0) + 1
        shown = {item["value"]: item["count"]
                 for item in data["facet_results"][column]["results"]}
        top = dict(sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:len(shown)])
        assert shown == top, column
    connection.close()


@pytest.mark.parametrize("query", ["subjects__arraycontains=Subject 0",
                                   "collections__arraycontains=Collection 1",
                                   "subjects__arraycontains=Subject 77"])
async def test_every_facet_of_an_array_value_counts_as_counting_would(
        generated, generated_db, query):
    """From the build's pair counts (facet_pairs), as a page of one column value."""
    data = (await generated.client.get(f"/archive/documents.json?{query}&_size=max")).json()
    column, value = query.split("__arraycontains=")
    connection = connect(generated_db)
    inside = f"? in (select value from json_each({column}))"
    for facet in ("type", "year", "date_precision"):
        counted = dict(connection.execute(
            f"select {facet}, count(*) from documents where {inside} group by {facet}",
            (value,)).fetchall())
        assert {item["value"]: item["count"]
                for item in data["facet_results"][facet]["results"]} == counted, facet
    [[count]] = connection.execute(f"select count(*) from documents where {inside}",
                                   (value,)).fetchall()
    connection.close()
    assert data["filtered_table_rows_count"] == count > 0
    assert {"value": value, "count": count} in [
        {"value": item["value"], "count": item["count"]}
        for item in data["facet_results"][column]["results"]]


def test_an_item_of_many_documents_is_read_in_the_tables_order():
    sql = ('select id from documents where :p0 in (select value from '
           'json_each("documents"."subjects")) order by date limit 101')
    many = query_forms.rewrite(sql, {"p0": "Subject 0"}, {("subjects", "Subject 0"): 50_000})
    few = query_forms.rewrite(sql, {"p0": "Subject 9"}, {("subjects", "Subject 9"): 50})
    assert "where document_subjects.document_id = documents.id" in many
    assert "documents.id in (select document_subjects.document_id" in few
    assert "exists" not in few


async def test_the_items_of_an_array_have_a_lower_live_limit(generated_db):
    datasette = limited(generated_db, 5000, 20)
    data = (await datasette.client.get("/archive/documents.json?year=1950&type=letter")).json()
    assert 20 < data["filtered_table_rows_count"] <= 5000
    assert {"type", "year", "date_precision"} <= set(data["facet_results"])
    assert not {"collections", "subjects"} & set(data["facet_results"])
    page = (await datasette.client.get("/archive/documents?year=1950&type=letter")).text
    assert "Collections, subjects: not counted" in page


async def test_a_facet_of_a_filtered_page_reads_the_filtered_rows(generated, generated_db):
    """Its SQL as asked (query_forms) is planned on the filters' index, not a whole scan of
    the facet's own; and it counts as counting would (test above for the figures)."""
    data = (await generated.client.get(
        "/archive/documents.json?type=letter&year=1952&_size=max")).json()
    assert data["filtered_table_rows_count"] == len(data["rows"])
    facet_sql = ('select date_precision as value, count(*) as count from (select * from '
                 'documents where "type" = :p0 and "year" = :p1) where date_precision is not '
                 'null group by date_precision order by count desc, value limit 31')
    asked = query_forms.rewrite(facet_sql)
    assert "group by +date_precision" in asked
    connection = connect(generated_db)
    params = {"p0": "letter", "p1": 1952}
    assert connection.execute(asked, params).fetchall() == \
        connection.execute(facet_sql, params).fetchall()
    plan = " ".join(row[-1] for row in connection.execute("explain query plan " + asked, params))
    connection.close()
    assert "SCAN documents" not in plan
    precisions = {}
    for row in data["rows"]:
        precisions[row[4]] = precisions.get(row[4], 0) + 1
    assert {item["value"]: item["count"]
            for item in data["facet_results"]["date_precision"]["results"]} == precisions


def search_limited_to(path, limit):
    """The site with the search query's ranking limit at `limit` instead of 20,000: the same
    SQL, so that a few thousand documents can hold more matches than can be ranked."""
    metadata = parse_metadata(site.METADATA.read_text())
    search = metadata["databases"]["archive"]["queries"]["search"]
    limit_now = search["rank_limit"]
    # Every constant of the limit is the metadata's, so this changes them all.
    assert search["sql"].count(str(limit_now)) == 2 and search["sql"].count(str(limit_now + 1)) == 2
    search["sql"] = search["sql"].replace(str(limit_now + 1), str(limit + 1)).replace(
        str(limit_now), str(limit))
    search["rank_limit"] = limit
    return make_datasette(path, metadata=metadata)


def matching_ids(path, q, date_from=None, date_to=None, order="documents.date, documents.id"):
    """The documents a search finds in a date range, as counting would find them."""
    connection = connect(path)
    connection.create_function("first_day", 1, dates.first_day)
    connection.create_function("last_day", 1, dates.last_day)
    ids = [row[0] for row in connection.execute(
        "select documents.id from documents_fts join documents"
        " on documents.rowid = documents_fts.rowid"
        " where documents_fts match escape_fts(:q)"
        " and (:first is null or documents.date_end >= first_day(:first))"
        " and (:last is null or documents.date_start <= last_day(:last))"
        f" order by {order}", {"q": q, "first": date_from, "last": date_to})]
    connection.close()
    return ids


SEARCH_RANGES = [(None, None), ("1950", "1950"), ("1945", "1945-01-31"), ("1956-12", None),
                 (None, "1945-03-15"), ("1950-03-15", "1950-03-15"), ("1951-06", "1952-02-10"),
                 ("1957", None), (None, "1944")]


@pytest.mark.parametrize("date_from, date_to", SEARCH_RANGES)
async def test_the_search_query_counts_and_ranks_what_is_in_the_range(
        generated, generated_db, date_from, date_to):
    """Within the ranking limit: every match in the range counted, the best 100 first, as
    FTS5 ranks them all."""
    for q in (WORDS[300], PROLIFIC):
        expected = matching_ids(generated_db, q, date_from, date_to,
                                order="documents_fts.rank, documents.date, documents.id")
        params = {"q": q, "date_from": date_from or "", "date_to": date_to or ""}
        rows = (await generated.client.get(
            "/archive/search.json?_shape=array&" + urlencode(params))).json()
        assert len(expected) < 20000
        assert [row["id"] for row in rows] == expected[:100]
        assert {row["matches"] for row in rows} <= {len(expected)}
    assert any(matching_ids(generated_db, WORDS[300], *bounds) for bounds in SEARCH_RANGES)


@pytest.mark.parametrize("date_from, date_to", SEARCH_RANGES)
async def test_more_matches_than_can_be_ranked_are_the_first_by_date(
        generated_db, date_from, date_to):
    site_ = search_limited_to(generated_db, 50)
    expected = matching_ids(generated_db, WORDS[0], date_from, date_to)
    params = {"q": WORDS[0], "date_from": date_from or "", "date_to": date_to or ""}
    rows = (await site_.client.get(
        "/archive/search.json?_shape=array&" + urlencode(params))).json()
    if len(expected) <= 50:
        assert {row["matches"] for row in rows} <= {len(expected)}
        return
    assert [row["id"] for row in rows] == expected[:100]
    assert {row["matches"] for row in rows} == {None}


async def test_a_search_of_too_many_matches_says_so_and_leads_to_every_match(generated_db):
    site_ = search_limited_to(generated_db, 50)
    params = {"q": WORDS[0], "date_from": "1950", "date_to": "1951-06"}
    page = (await site_.client.get("/archive/search?" + urlencode(params))).text
    table = "/archive/documents?" + urlencode(
        {"_search": WORDS[0], "_date_from": "1950", "_date_to": "1951-06"}).replace("&", "&amp;")
    assert ("More than 50 documents match, too many to rank in the time a page has: these are "
            "the first 100 by date. Add a word or narrow the dates to have them ranked, or see "
            f'<a href="{table}">every match in the documents table</a>.') in page
    # The table shows the same documents first, in the same order.
    table_rows = (await site_.client.get(
        table.replace("&amp;", "&").replace("/documents?", "/documents.json?_shape=array&_size=100&")
    )).json()
    rows = (await site_.client.get(
        "/archive/search.json?_shape=array&" + urlencode(params))).json()
    assert [row["id"] for row in table_rows] == [row["id"] for row in rows]
    # Fewer: ranked, and counted.
    few = {"q": WORDS[300], "date_from": "1950", "date_to": "1950"}
    found = len(matching_ids(generated_db, WORDS[300], "1950", "1950"))
    assert 0 < found <= 50
    page = (await site_.client.get("/archive/search?" + urlencode(few))).text
    assert f"{found} documents found." in page or f"{found} documents match: the best" in page
    assert "col-matches" not in page  # said above the table, not on each row


async def test_a_search_of_more_than_a_page_of_matches_says_how_many_and_ranks_them(
        generated, generated_db):
    found = len(matching_ids(generated_db, WORDS[0]))
    assert 100 < found <= 20000
    page = (await generated.client.get("/archive/search?" + urlencode({"q": WORDS[0]}))).text
    table = "/archive/documents?" + urlencode({"_search": WORDS[0]})
    assert (f"{found:,} documents match: the best 100 first. See "
            f'<a href="{table}">every match in the documents table</a>.') in page


async def test_a_page_of_two_counted_values_shows_the_facets_counting_gives(
        generated, generated_db):
    """Answered from the build's triple and pair counts (facet_triples, facet_pairs): each
    column facet is what counting the page's rows gives, whichever order the URL names the
    two values in, and the links and selections are Datasette's own (the live count of the
    same page, with a filter that leaves no row out, gives the same)."""
    connection = connect(generated_db)
    columns = COUNTED_FACETS["documents"]
    pages = 0
    for first, second in itertools.combinations(columns, 2):
        for values in connection.execute(
                f"select distinct {first}, {second} from documents order by 1, 2").fetchall():
            filters = dict(zip((first, second), values))
            if pages % 7 == 0:
                filters = dict(reversed(filters.items()))
            data = (await generated.client.get(
                "/archive/documents.json?" + urlencode(filters))).json()
            for column in columns:
                expected = connection.execute(
                    f"select {column}, count(*) from documents where {first} = ? and"
                    f" {second} = ? group by {column} order by 2 desc, 1", values).fetchall()
                assert [(item["value"], item["count"]) for item in
                        data["facet_results"][column]["results"]] == expected, (filters, column)
            pages += 1
    connection.close()
    assert pages > 100
    page = "/archive/documents.json?type=letter&year=1952"
    counted = (await generated.client.get(page)).json()["facet_results"]
    live = (await generated.client.get(page + "&_where=1")).json()["facet_results"]
    for column in columns:
        assert [{**item, "toggle_url": item["toggle_url"].replace("&_where=1", "")}
                for item in live[column]["results"]] == counted[column]["results"]

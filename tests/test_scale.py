"""What a large collection must not change: the rows, their order, the counts and the
facets a reader gets, on a generated collection of a few thousand documents (bench/synth.py,
as the benchmark's million), each checked against what SQLite gives when asked directly; and
that the build's counts are what the facets show."""

import html
import itertools
import json
import re
import shutil
import sqlite3
import sys
from urllib.parse import urlencode

import pytest
from conftest import ROOT, make_datasette
from datasette.utils import parse_metadata

from kwp_archive import dates, pages, pipeline, search, site
from kwp_archive.derived import COUNTED_FACETS
from kwp_archive.search import fts_query

sys.path.insert(0, str(ROOT / "bench"))
import synth  # noqa: E402

WORDS = synth.vocabulary()
PROLIFIC, PROLIFIC_OTHERWISE = synth.person_name(0)


def facet_order(column):
    """A facet's order: a year's by date (all of them fit), any other by count."""
    return "1" if column == "year" else "2 desc, 1"


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


def facets(data, column):
    return [(item["value"], item["count"]) for item in data["facet_results"][column]["results"]]


def limited(path, limit, array_limit=None):
    metadata = parse_metadata(site.METADATA.read_text())
    metadata["plugins"]["counted_facets"]["live_limit"] = limit
    metadata["plugins"]["counted_facets"]["live_array_limit"] = array_limit or limit
    return make_datasette(path, metadata=metadata)


@pytest.mark.parametrize("search_words", [WORDS[0], WORDS[300], PROLIFIC_OTHERWISE])
async def test_the_search_box_gives_the_rows_and_count_sqlite_gives(
        generated, generated_db, search_words):
    data = (await generated.client.get("/archive/documents.json?" + urlencode(
        {"_search": search_words, "_size": 40}))).json()
    connection = connect(generated_db)
    expected = [row[0] for row in connection.execute(
        "select id from documents where rowid in (select rowid from documents_fts"
        " where documents_fts match escape_fts(?)) order by date, id", (search_words,))]
    connection.close()
    assert [row[0] for row in data["rows"]] == expected[:40]
    assert data["filtered_table_rows_count"] == len(expected) > 0


async def test_facets_over_more_rows_than_the_live_limit_say_they_were_not_counted(
        generated_db):
    datasette = limited(generated_db, 500)
    common = urlencode({"_search": WORDS[0]})
    data = (await datasette.client.get(f"/archive/documents.json?{common}")).json()
    assert data["filtered_table_rows_count"] > 500
    assert {name: facet["not_counted"] for name, facet in data["facet_results"].items()} == {
        "type": 500, "year": 500, "date_precision": 500, "collections": 500, "subjects": 500,
        "events": 500, "source_archive": 500}
    page = (await datasette.client.get(f"/archive/documents?{common}")).text
    shown = "{:,}".format(data["filtered_table_rows_count"])
    assert (f"Not counted: these {shown} rows are more than the 500 counted while you wait."
            in page)
    # Fewer rows than the limit: counted, and right.
    rare = (await datasette.client.get(
        "/archive/documents.json?" + urlencode({"_search": WORDS[300]}))).json()
    assert 0 < rare["filtered_table_rows_count"] <= 500
    assert sum(count for _, count in facets(rare, "type")) == rare["filtered_table_rows_count"]
    # The whole table's facets come from the build, however many rows.
    whole = (await datasette.client.get("/archive/documents.json")).json()
    assert facets(whole, "type")
    assert "Not counted" not in (await datasette.client.get("/archive/documents")).text


@pytest.mark.parametrize("date_to, last_day", [("1950-06", "1950-06-30"), ("1950", "1950-12-31")])
async def test_a_date_range_counts_and_facets_as_counting_would(generated, generated_db,
                                                                date_to, last_day):
    data = (await generated.client.get(
        f"/archive/documents.json?_date_from=1950&_date_to={date_to}&_size=max")).json()
    connection = connect(generated_db)
    inside = f"date_end >= '1950-01-01' and date_start <= '{last_day}'"
    expected = [row[0] for row in connection.execute(
        f"select id from documents where {inside} order by date, id")]
    assert [row[0] for row in data["rows"]] == expected[:len(data["rows"])]
    assert data["filtered_table_rows_count"] == len(expected) > 0
    types = connection.execute(f"select type, count(*) from documents where {inside} "
                               "group by type order by 2 desc, 1").fetchall()
    assert facets(data, "type") == types
    connection.close()


@pytest.mark.parametrize("bounds", [
    "_date_from=1952&_date_to=1952", "_date_from=1952-01-01&_date_to=1952-12-31",
    "_date_from=+1952&_date_to=1952", "_date_from=0000&_date_to=0000"])
async def test_a_date_ranges_facets_are_those_of_its_rows(generated, bounds):
    """A range the year's counts answer shows what counting its rows shows; one whose bounds
    the date filter ignores (0000 is no year) once showed a year 0's empty counts."""
    counted = (await generated.client.get(f"/archive/documents.json?{bounds}&_size=0")).json()
    live = (await generated.client.get(
        f"/archive/documents.json?{bounds}&_size=0&_where=1")).json()
    assert counted["filtered_table_rows_count"] == live["filtered_table_rows_count"] > 0
    for column in ("type", "year", "date_precision"):
        assert facets(counted, column) == facets(live, column), column


def test_a_date_range_is_read_along_the_date_index(generated_db):
    """The planner's statistics keep it off skip-scans of the facet indexes."""
    connection = connect(generated_db)
    plan = " ".join(row[-1] for row in connection.execute(
        "explain query plan select type, count(*) from documents where date_end >= '1956-01-01'"
        " and date >= '1956' and date_start <= '1956-12-31' and date <= '1956-12-31'"
        " group by type"))
    connection.close()
    assert "COVERING INDEX documents_date" in plan and "ANY(" not in plan


LISTINGS = [("_subject", "subject-0000", "subjects"), ("_subject", "subject-0029", "subjects"),
            ("_collection", "collection-0003", "collections"),
            ("_subject", "no-such-subject", "subjects")]


@pytest.mark.parametrize("argument, listing, column", LISTINGS)
async def test_a_listing_gives_its_documents_and_every_facet_counting_gives(
        generated, generated_db, argument, listing, column):
    """Its rows and count are its links' documents; its facets come from the build's pair
    counts and are what counting its rows gives."""
    data = (await generated.client.get("/archive/documents.json?" + urlencode(
        {argument: listing, "_size": 60}))).json()
    connection = connect(generated_db)
    links, key = {"subjects": ("document_subjects", "subject_id"),
                  "collections": ("document_collections", "collection_id")}[column]
    inside = f"id in (select document_id from {links} where {key} = ?)"
    expected = [row[0] for row in connection.execute(
        f"select id from documents where {inside} order by date, id", (listing,))]
    assert [row[0] for row in data["rows"]] == expected[:60]
    assert data["filtered_table_rows_count"] == len(expected)
    for facet in ("type", "year", "date_precision"):
        assert facets(data, facet) == connection.execute(
            f"select {facet}, count(*) from documents where {inside} group by {facet}"
            f" order by {facet_order(facet)}", (listing,)).fetchall(), facet
    [name] = connection.execute(f"select name from {column} where id = ?", (listing,)).fetchone() \
        or [None]
    connection.close()
    assert (len(expected) > 0) == (name is not None)
    if name:
        assert (name, len(expected)) in facets(data, column)


@pytest.mark.parametrize("query", ["year=1950", "type=telegram", "date_precision=month",
                                   "type=letter&year=1952", "_search=" + WORDS[40],
                                   "_subject=subject-0002", "year=1950&_subject=subject-0002"])
async def test_listing_facets_of_a_filtered_page_count_as_counting_would(
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
        shown = dict(facets(data, column))
        top = dict(sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:len(shown)])
        assert shown == top, column
    connection.close()


async def test_a_listing_value_selects_and_unselects_by_its_id(generated):
    data = (await generated.client.get("/archive/documents.json?_subject=subject-0002")).json()
    [chosen] = [item for item in data["facet_results"]["subjects"]["results"]
                if item["selected"]]
    assert chosen["value"] == "Subject 2" and "_subject" not in chosen["toggle_url"]
    other = next(item for item in data["facet_results"]["subjects"]["results"]
                 if not item["selected"])
    assert "_subject=subject-0002" in other["toggle_url"]
    assert "_subject=subject-" in other["toggle_url"].split("subject-0002", 1)[1]


async def test_the_items_of_a_listing_have_a_lower_live_limit(generated_db):
    datasette = limited(generated_db, 5000, 20)
    data = (await datasette.client.get("/archive/documents.json?year=1950&_search="
                                       + WORDS[0])).json()
    assert 20 < data["filtered_table_rows_count"] <= 5000
    assert all("not_counted" not in data["facet_results"][name]
               for name in ("type", "year", "date_precision"))
    assert data["facet_results"]["subjects"]["not_counted"] == 20


ODD_YEARS = ["1956.0", "01956", " 1956", "1956e0", "1956 "]


@pytest.mark.parametrize("year", ODD_YEARS)
async def test_a_value_written_otherwise_is_counted_as_its_rows_are(generated, generated_db,
                                                                     year):
    """The build's counts are looked up by a value's text: any other text that SQLite finds
    the same rows for is counted live, never given another value's counts or none."""
    data = (await generated.client.get("/archive/documents.json?" + urlencode(
        {"year": year, "_size": 0}))).json()
    connection = connect(generated_db)
    rows = connection.execute("select count(*) from documents where year = ?",
                              (year,)).fetchone()[0]
    types = connection.execute("select type, count(*) from documents where year = ? "
                               "group by type order by 2 desc, 1", (year,)).fetchall()
    connection.close()
    assert data["filtered_table_rows_count"] == rows
    assert facets(data, "type") == types


async def test_the_facets_shown_are_the_builds_counts(generated_db, tmp_path):
    """A copy of the database whose counts were changed shows the changed counts: the
    page's facets of the whole table, of one value and of two come from the build, as do the
    documents per type (by_type)."""
    copy = tmp_path / "archive.db"
    shutil.copy(generated_db, copy)
    connection = sqlite3.connect(copy)
    connection.execute("update facet_counts set count = 987654 where table_name = 'documents'"
                       " and column_name = 'type' and value = 'telegram'")
    connection.execute("update facet_pairs set count = 876543 where table_name = 'documents'"
                       " and filter_column = 'year' and filter_value = 1952"
                       " and column_name = 'type' and value = 'letter'")
    connection.execute("update facet_pairs set count = 765432 where table_name = 'documents'"
                       " and filter_column = 'subjects' and filter_value = 'Subject 2'"
                       " and column_name = 'year' and value = 1950")
    connection.execute("update facet_triples set count = 654321 where table_name = 'documents'"
                       " and first_filter_column = 'type' and first_filter_value = 'letter'"
                       " and second_filter_column = 'year' and second_filter_value = 1952"
                       " and column_name = 'date_precision' and value = 'day'")
    connection.execute("update facet_triples set count = 54321 where table_name = 'documents'"
                       " and first_filter_column = 'type' and first_filter_value = 'letter'"
                       " and second_filter_column = 'year' and second_filter_value = 1952"
                       " and column_name = 'subjects' and value = 'Subject 2'")
    connection.commit()
    connection.close()
    changed = make_datasette(copy)
    for path, column, value, count in (
            ("", "type", "telegram", 987654), ("?year=1952", "type", "letter", 876543),
            ("?_subject=subject-0002", "year", 1950, 765432),
            ("?type=letter&year=1952", "date_precision", "day", 654321),
            ("?type=letter&year=1952", "subjects", "Subject 2", 54321),
            ("?_date_from=1952&_date_to=1952", "type", "letter", 876543)):
        data = (await changed.client.get(f"/archive/documents.json{path}")).json()
        assert (value, count) in facets(data, column), path
    # The charts' counts per type and per year too.
    by_type = (await changed.client.get("/archive/by_type.json?_shape=array")).json()
    assert by_type[0] == {"type": "Telegram", "documents": 987654}


async def test_a_listings_page_says_the_builds_counts_and_any_other_page_counts_live(
        generated_db, tmp_path):
    """The page of one listing, alone or with one type, says the build's count of its
    documents and its facets from the build's counts (changed here in a copy, so that the page
    shows the change) instead of counting; with two values, or as JSON, the rows are counted,
    even where the address asks for no count."""
    copy = tmp_path / "archive.db"
    shutil.copy(generated_db, copy)
    connection = sqlite3.connect(copy)
    connection.execute("update subjects set document_count = 43210 where id = 'subject-0002'")
    connection.execute("update facet_pairs set count = 3210 where filter_column = 'subjects'"
                       " and filter_value = 'Subject 2' and column_name = 'type'"
                       " and value = 'letter'")
    connection.execute("update facet_triples set count = 321 where first_filter_column ="
                       " 'subjects' and first_filter_value = 'Subject 2' and"
                       " second_filter_column = 'type' and second_filter_value = 'letter'"
                       " and column_name = 'year' and value = 1950")
    in_subject = ("from documents where id in (select document_id from document_subjects"
                  " where subject_id = 'subject-0002')")
    live, letters, letters_of_1950 = connection.execute(
        f"select count(*), sum(type = 'letter'), sum(type = 'letter' and year = 1950) "
        f"{in_subject}").fetchone()
    connection.commit()
    connection.close()
    changed = make_datasette(copy)
    alone = (await changed.client.get("/archive/documents?_subject=subject-0002")).text
    assert "43,210 rows" in alone and f"{live:,} rows" not in alone
    assert 'href="/archive/documents.json?_subject=subject-0002&amp;_labels=on"' in alone
    assert "where in the subject “Subject 2”" in alone
    data = (await changed.client.get("/archive/documents.json?_subject=subject-0002")).json()
    assert data["filtered_table_rows_count"] == live
    of_a_type = (await changed.client.get("/archive/documents?_subject=subject-0002"
                                          "&type=letter")).text
    assert "3,210 rows" in of_a_type
    data = (await changed.client.get("/archive/documents.json?_subject=subject-0002"
                                     "&type=letter")).json()
    assert data["filtered_table_rows_count"] == letters and (1950, 321) in facets(data, "year")
    for path in ("?_subject=subject-0002&type=letter&year=1950",
                 "?_subject=subject-0002&type=letter&year=1950&_nocount=1"):
        page = (await changed.client.get("/archive/documents" + path)).text
        assert f"{letters_of_1950:,} rows" in page and "321 rows" not in page, path


async def test_a_page_of_one_or_two_counted_values_says_the_builds_count(generated_db, tmp_path):
    """A page of a type, a year or a type in a year says the build's count of its rows
    (changed here in a copy, so that the page shows the change), and its links to JSON and CSV
    count (no ?_nocount); a value written otherwise than stored, three values, or JSON are
    counted by Datasette."""
    copy = tmp_path / "archive.db"
    shutil.copy(generated_db, copy)
    connection = sqlite3.connect(copy)
    connection.execute("update facet_counts set count = 98765 where table_name = 'documents'"
                       " and column_name = 'type' and value = 'letter'")
    connection.execute("update facet_counts set count = 87654 where table_name = 'documents'"
                       " and column_name = 'year' and value = 1952")
    connection.execute("update facet_pairs set count = 7654 where table_name = 'documents'"
                       " and filter_column = 'type' and filter_value = 'letter'"
                       " and column_name = 'year' and value = 1952")
    letters, of_1952, letters_of_1952, of_1952_by_day = connection.execute(
        "select sum(type = 'letter'), sum(year = 1952), sum(type = 'letter' and year = 1952),"
        " sum(type = 'letter' and year = 1952 and date_precision = 'day') from documents"
    ).fetchone()
    connection.commit()
    connection.close()
    changed = make_datasette(copy)
    for path, count in (("?type=letter", 98765), ("?year=1952", 87654),
                        ("?year=1952&type=letter", 7654), ("?type=letter&year=1952", 7654),
                        ("?type=letter&_nocount=1", 98765)):
        page = (await changed.client.get("/archive/documents" + path)).text
        assert f"{count:,} rows" in page, path
        links = re.findall(r'href="(/archive/documents\.(?:json|csv|ris)[^"]*)"', page)
        assert links and not any("_nocount" in link for link in links), (path, links)
    for path, count in (("?year=1952.0", of_1952), ("?type=letter&year=1952&date_precision=day",
                                                      of_1952_by_day)):
        page = (await changed.client.get("/archive/documents" + path)).text
        assert f"{count:,} row" in page, path
    for path, count in (("?type=letter", letters), ("?type=letter&year=1952", letters_of_1952)):
        data = (await changed.client.get("/archive/documents.json" + path)).json()
        assert data["filtered_table_rows_count"] == count, path


@pytest.fixture
def ranking_50(generated, monkeypatch):
    """The site with the search query's ranking limit at 50 instead of RANK_LIMIT, so that
    a few thousand documents can hold more matches than can be ranked."""
    monkeypatch.setattr(search, "RANK_LIMIT", 50)
    return generated


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
        assert len(expected) < search.RANK_LIMIT
        assert [row["id"] for row in rows] == expected[:100]
        # Each row says how many matched (no row, no count: a range of nothing).
        assert [row["matches"] for row in rows] == [len(expected)] * len(rows)
    assert any(matching_ids(generated_db, WORDS[300], *bounds) for bounds in SEARCH_RANGES)


@pytest.mark.parametrize("date_from, date_to", SEARCH_RANGES)
async def test_more_matches_than_can_be_ranked_are_the_first_by_date(
        ranking_50, generated_db, date_from, date_to):
    site_ = ranking_50
    expected = matching_ids(generated_db, WORDS[0], date_from, date_to)
    params = {"q": WORDS[0], "date_from": date_from or "", "date_to": date_to or ""}
    rows = (await site_.client.get(
        "/archive/search.json?_shape=array&" + urlencode(params))).json()
    if len(expected) <= 50:
        assert sorted(row["id"] for row in rows) == sorted(expected)  # all of them, ranked
        assert [row["matches"] for row in rows] == [len(expected)] * len(rows)
        return
    assert [row["id"] for row in rows] == expected[:100]
    assert [row["matches"] for row in rows] == [None] * len(rows)


async def test_a_search_of_too_many_matches_says_so_and_leads_to_every_match(
        ranking_50, generated_db):
    site_ = ranking_50
    params = {"q": WORDS[0], "date_from": "1950", "date_to": "1951-06"}
    page = (await site_.client.get("/archive/search?" + urlencode(params))).text
    table = "/archive/documents?" + urlencode(
        {"_search": WORDS[0], "_date_from": "1950", "_date_to": "1951-06"}).replace("&", "&amp;")
    assert ("More than 50 documents match, too many to rank in the time a page has: these are "
            "the first 100 by date. Add a word or narrow the dates to have them ranked, or see "
            f'<a href="{table}">every match in the documents table</a>.') in page
    # The table shows the same documents first, in the same order.
    table_rows = (await site_.client.get(
        table.replace("&amp;", "&").replace(
            "/documents?", "/documents.json?_shape=array&_size=100&"))).json()
    rows = (await site_.client.get(
        "/archive/search.json?_shape=array&" + urlencode(params))).json()
    assert [row["id"] for row in table_rows] == [row["id"] for row in rows]
    # Fewer: ranked, and counted.
    few = {"q": WORDS[300], "date_from": "1950", "date_to": "1950"}
    found = len(matching_ids(generated_db, WORDS[300], "1950", "1950"))
    assert 0 < found <= 50
    page = (await site_.client.get("/archive/search?" + urlencode(few))).text
    assert f"{found} documents found." in page  # as many as a page shows: no "best" first
    assert "col-matches" not in page  # said above the table, not on each row


async def test_a_search_of_more_than_a_page_of_matches_says_how_many_and_ranks_them(
        generated, generated_db):
    found = len(matching_ids(generated_db, WORDS[0]))
    assert 100 < found <= search.RANK_LIMIT
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
                    f" {second} = ? group by {column} order by {facet_order(column)}",
                    values).fetchall()
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


async def test_a_listing_is_read_in_date_order_and_counted_from_its_links(
        generated, generated_db):
    """A listing's filter is marked as likely true (plugins/listings.py): SQLite walks the
    documents in date order and stops at the page's last rather than sort the whole listing,
    and reads the listing's documents from its index alone; the rows and count are its links'."""
    data = (await generated.client.get(
        "/archive/documents.json?_subject=subject-0000&_size=60&_shape=objects")).json()
    sql, params = data["query"]["sql"], data["query"]["params"]
    with sqlite3.connect(generated_db) as connection:
        plan = [step for *_, step in connection.execute("explain query plan " + sql, params)]
        linked = connection.execute(
            "select documents.id, count(*) over () from documents join document_subjects"
            " on document_id = documents.id where subject_id = 'subject-0000'"
            " order by date, documents.id limit 60").fetchall()
    assert not any("FOR ORDER BY" in step for step in plan), plan
    assert any("COVERING INDEX document_subjects_subject" in step for step in plan), plan
    assert [row["id"] for row in data["rows"]] == [id for id, _ in linked]
    assert len(linked) == 60 and data["filtered_table_rows_count"] == linked[0][1]


@pytest.mark.parametrize("listing, large", [("subject-0000", True), ("subject-0010", False)])
async def test_a_large_listing_counted_by_the_build_looks_up_each_document_it_walks(
        generated, generated_db, listing, large):
    """Where nothing on the page counts (the build did: ?_nocount=1, as the HTML page sets), a
    listing of a thirtieth of the documents or more has each document walked in date order looked
    up in its links, rather than gathering all its ids first; a smaller one gathers them. The
    rows are the same either way, and the subject's card takes the same path."""
    with sqlite3.connect(generated_db) as connection:
        count, total = connection.execute(
            "select document_count, (select count(*) from documents) from subjects where id = ?",
            (listing,)).fetchone()
        linked = [id for (id,) in connection.execute(
            "select documents.id from documents join document_subjects on document_id = "
            "documents.id where subject_id = ? order by date, documents.id limit 60",
            (listing,))]
    assert (count * 30 >= total) is large and count > 60
    page = f"/archive/documents.json?_subject={listing}&_size=60&_shape=objects"
    for path, walked in ((page, False), (page + "&_nocount=1", large)):
        data = (await generated.client.get(path)).json()
        with sqlite3.connect(generated_db) as connection:
            plan = [step for *_, step in connection.execute(
                "explain query plan " + data["query"]["sql"], data["query"]["params"])]
        assert [row["id"] for row in data["rows"]] == linked
        assert not any("FOR ORDER BY" in step for step in plan), plan
        assert any("LIST SUBQUERY" in step for step in plan) is not walked, plan
        assert any("CORRELATED" in step for step in plan) is walked, plan
    traced = make_datasette(generated_db, settings={"trace_debug": True})
    card = (await traced.client.get(f"/archive/subjects/{listing}?_trace=1")).text
    assert all(f"/archive/documents/{id}" in card for id in linked)
    assert ("where likelihood(exists (select 1 from document_subjects" in card) is large


@pytest.mark.parametrize("table", ["subjects", "collections"])
async def test_a_listings_card_reads_its_first_documents_in_date_order(
        generated, generated_db, table):
    """A subject's or a collection's page lists its first documents as its table does, walking
    the documents in date order (pages.in_listing), not sorting every one of its links."""
    listing = f"{table[:-1]}-0000"
    with sqlite3.connect(generated_db) as connection:
        plan = [step for *_, step in connection.execute(
            "explain query plan " + pages.listed_documents(table, large=False), {"id": listing})]
    assert not any("FOR ORDER BY" in step for step in plan), plan
    argument = "_subject" if table == "subjects" else "_collection"
    first = (await generated.client.get(
        f"/archive/documents.json?{argument}={listing}&_shape=objects&_col=title")).json()
    card = (await generated.client.get(f"/archive/{table}/{listing}")).text
    titles = [row["title"] for row in first["rows"]]
    assert len(titles) == 100 and all(html.escape(title) in card for title in titles)


def test_a_documents_page_finds_its_related_records_either_way_by_index(generated_db):
    """The records related to a document, as the one or the other of a pair, are looked up in
    an index each way: without the second, SQLite read every document for each page."""
    with sqlite3.connect(generated_db) as connection:
        plan = [step for *_, step in connection.execute(
            "explain query plan " + pages.DOCUMENT_RELATED, {"id": "doc-1"})]
    assert [step for step in plan if "related_documents" in step] == [
        "SEARCH related_documents USING INDEX sqlite_autoindex_related_documents_1 "
        "(document_id=?)",
        "SEARCH related_documents USING INDEX related_documents_related (related_id=?)"], plan


async def test_the_timeline_and_citations_name_the_parties_from_the_builds_table(
        generated, generated_db, tmp_path):
    """The timeline's authors and recipients are document_parties' in the editors' order, read
    from the table the build derives (document_correspondents), as are a citation's: a copy in
    which that table says otherwise shows what it says."""
    rows = (await generated.client.get("/archive/timeline.json?_shape=array")).json()
    with sqlite3.connect(generated_db) as connection:
        for row in rows[:200]:
            for role, column in (("author", "authors"), ("recipient", "recipients")):
                names = [name for (name,) in connection.execute(
                    "select name from document_parties where document_id = ? and role = ? "
                    "order by kind, place", (row["document_id"], role))]
                assert row[column] == ("; ".join(names) or None), row["document_id"]
    assert any(row["authors"] and "; " in row["authors"] for row in rows[:200])
    place, first = next((place, row) for place, row in enumerate(rows) if row["authors"])
    copy = tmp_path / "archive.db"
    shutil.copy(generated_db, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("""update document_correspondents set authors = '["Changed"]' """
                           "where document_id = ?", (first["document_id"],))
    changed = make_datasette(copy)
    timeline = (await changed.client.get("/archive/timeline.json?_shape=array")).json()
    assert timeline[place]["authors"] == "Changed"
    ris = (await changed.client.get(f"/archive/documents.ris?id={first['document_id']}")).text
    assert "AU  - Changed" in ris

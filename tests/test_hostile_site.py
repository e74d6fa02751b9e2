"""Strangers' queries and hostile data: the site stays read-only, responsive and escaped."""

import csv
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import make_datasette

from kwp_archive import pipeline

RUNAWAY = "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r"
# One FTS5 step each, which no time limit interrupts: some 9 s of a core on the test
# documents (a NEAR of 5,000 prefixes), and 140 MB (30,000 phrases).
NEAR = ("select count(*) from documents_fts where documents_fts match (select 'NEAR(' || "
        "group_concat('a*', ' ') || ', 100000)' from (with recursive r(i) as (select 1 union "
        "all select i + 1 from r where i < 5000) select i from r))")
PHRASES = ("with recursive r(n, s) as (select 1, 'a' union all select n + 1, s || ' OR a' from r "
           "where n < 30000) select count(*) from documents_fts "
           "where documents_fts match (select s from r where n = 30000)")


@pytest.mark.parametrize("sql", [
    "insert into documents (id) values ('x')",
    "update documents set title = 'x'",
    "delete from documents",
    "replace into people (id, name) values ('x', 'x')",
    "drop table documents",
    "create table x (y)",
    "alter table documents add column x",
    "attach database ':memory:' as other",
    "pragma writable_schema = 1",
    "pragma journal_mode = wal",
    "pragma user_version = 7",
    "vacuum",
    "with x as (select 1) delete from documents",
    "select 1; delete from documents",
])
async def test_ad_hoc_sql_cannot_write(ds, sql):
    response = await ds.client.get("/archive.json?" + urllib.parse.urlencode({"sql": sql}))
    assert response.status_code == 400, response.text
    assert response.json()["ok"] is False
    count = await ds.client.get("/archive.json?sql=select+count(*)+from+documents")
    assert count.json()["rows"] == [[20]]


async def test_pragma_functions_that_only_read_are_allowed(ds):
    response = await ds.client.get(
        "/archive.json?sql=select+name+from+pragma_table_info('documents')")
    assert response.status_code == 200
    assert "date_precision" in {row[0] for row in response.json()["rows"]}


async def test_runaway_query_is_cut_off_by_the_time_limit(ds):
    response = await ds.client.get("/archive.json?" + urllib.parse.urlencode({"sql": RUNAWAY}))
    assert response.status_code == 400
    assert "SQL query took too long" in response.json()["error"]


def test_server_answers_others_while_a_runaway_query_runs(server):
    base, _ = server
    finished = []

    def fetch(name, path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                finished.append((name, response.status))
        except urllib.error.HTTPError as error:
            finished.append((name, error.code))

    runaway = threading.Thread(
        target=fetch, args=("runaway", "/archive.json?" + urllib.parse.urlencode({"sql": RUNAWAY})))
    runaway.start()
    fetch("documents", "/archive/documents.json")
    fetch("search", "/archive/search.json?q=telegram")
    runaway.join()
    # The runaway query holds one SQL thread until the limit cuts it; the others answer first.
    assert finished == [("documents", 200), ("search", 200), ("runaway", 400)]


HOSTILE = ('<script>alert(1)</script><img src=x onerror="alert(2)">'
           '<a href="javascript:alert(3)">x</a>')
# A real-looking page of the archive whose query string carries what an address may hold and
# HTML reads (quotes, parentheses, ampersands; <, > and " the build refuses): links built from
# a source_url must escape it too.
ARCHIVE_PAGE = "https://digitalarchive.wilsoncenter.org/document/1"
HOSTILE_QUERY = "?q='onmouseover=alert(1)&x=%3Cscript%3E"


@pytest.fixture(scope="module")
async def hostile_ds(tmp_path_factory):
    """Every text field of a small source set holds markup meant to run in a reader's browser."""
    sources = tmp_path_factory.mktemp("hostile")
    tables = {
        "document_types.csv": [["id", "name", "description", "sent"],
                               ["letter", HOSTILE, HOSTILE, "yes"]],
        "records.csv": [["id", "date", "title", "type", "summary", "source_url", "archive",
                         "archive_reference", "translator", "original_language"],
                        ["doc-1", "1956-09-03", "Letter " + HOSTILE, "letter", HOSTILE,
                         ARCHIVE_PAGE + HOSTILE_QUERY, HOSTILE, HOSTILE,
                         HOSTILE, HOSTILE],
                        ["doc-2", "1956-09-04", "Telegram " + HOSTILE, "letter", "",
                         ARCHIVE_PAGE, "", "", "", ""]],
        "people.csv": [["id", "name", "aliases", "position"],
                       ["p-1", "Ri " + HOSTILE, HOSTILE, HOSTILE], ["p-2", "Kim", "", ""]],
        "organisations.csv": [["id", "name", "aliases"], ["o-1", "KWP " + HOSTILE, HOSTILE]],
        "document_people.csv": [["document_id", "person_id", "role"], ["doc-1", "p-1", "author"],
                                ["doc-1", "p-2", "recipient"], ["doc-2", "p-1", "recipient"]],
        "document_organisations.csv": [["document_id", "organisation_id", "role"],
                                       ["doc-1", "o-1", "mentioned"]],
        "collections.csv": [["id", "name", "source_url"],
                            ["c-1", "Plenum " + HOSTILE, ARCHIVE_PAGE]],
        "subjects.csv": [["id", "name", "source_url"], ["s-1", "Purges " + HOSTILE, ARCHIVE_PAGE]],
        "document_collections.csv": [["document_id", "collection_id"], ["doc-1", "c-1"]],
        "document_subjects.csv": [["document_id", "subject_id"], ["doc-1", "s-1"]],
    }
    for name, rows in tables.items():
        with open(sources / name, "w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows(rows)
    path = sources / "archive.db"
    pipeline.build(sources, path)
    return make_datasette(path)


PAGES = [
    "/", "/archive", "/archive/documents", "/archive/people", "/archive/organisations",
    "/archive/document_types", "/archive/document_people", "/archive/document_organisations",
    "/archive/documents/doc-1", "/archive/documents/doc-2", "/archive/people/p-1",
    "/archive/organisations/o-1", "/archive/document_types/letter",
    "/archive/search?q=script", "/archive/search?q=alert", "/archive/person?name=Ri",
    "/archive/correspondence", "/archive/by_type", "/archive/by_year", "/archive/citations",
    "/archive/documents?_search=script", "/archive/people?_search=script",
    "/archive/documents?_facet=type", "/archive/people?_facet_array=roles",
]


@pytest.mark.parametrize("path", PAGES)
async def test_hostile_markup_is_escaped_on_every_page(hostile_ds, path):
    response = await hostile_ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    page = response.text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "'onmouseover" not in page
    if path == "/archive/documents/doc-1":
        assert "&#39;onmouseover=alert(1)&amp;x=%3Cscript%3E" in page, "the address, escaped"
    if path not in ("/", "/archive", "/archive/by_year", "/archive/document_people",
                    "/archive/document_organisations", "/archive/documents/doc-2"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, "the data should show, escaped"


@pytest.mark.parametrize("extension, content_type", [
    ("ris", "application/x-research-info-systems"),
    ("bib", "application/x-bibtex"),
    ("csljson", "application/vnd.citationstyles.csl+json"),
])
async def test_citation_formats_are_never_served_as_html(hostile_ds, extension, content_type):
    response = await hostile_ds.client.get(f"/archive/documents/doc-1.{extension}")
    assert response.headers["content-type"].split(";")[0] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert(1)</script>" in response.text  # the data, intact, as data


async def test_json_keeps_the_data_intact(hostile_ds):
    rows = (await hostile_ds.client.get("/archive/documents.json?_shape=array")).json()
    assert rows[0]["summary"] == HOSTILE


# Requests that once cost unbounded memory or reached the process, each with what the
# reader is told instead.
COSTLY = [
    ("/archive.json?sql=select+zeroblob(999999999)", "string or blob too big"),
    ("/archive.json?sql=select+randomblob(999999999)", "string or blob too big"),
    ("/archive.json?sql=select+length(replace(hex(zeroblob(400000)),'0','00000'))",
     "string or blob too big"),
    ("/archive.json?sql=with+recursive+n(i)+as+(select+1+union+all+select+i%2B1+from+n"
     "+where+i<1000)+select+randomblob(400000)+from+n", "this result would be more than 32 MB"),
    ("/archive.json?sql=select+fts3_tokenizer('simple')",
     "not authorized to use function: fts3_tokenizer"),
    ("/archive.json?sql=select+load_extension('x')", "not authorized"),
    # Each one step that no time limit interrupts, bounded by the connection's limits.
    ("/archive.json?sql=select+printf('%25.*c',2147483647,'x')",
     "not authorized to use function: printf"),
    ("/archive.json?sql=select+format('%25.*c',2147483647,'x')",
     "not authorized to use function: format"),
    ("/archive.json?sql=select+hex(zeroblob(200000))+like+'%25'||hex(zeroblob(250))",
     "LIKE or GLOB pattern too complex"),
    ("/archive.json?sql=select+instr(hex(zeroblob(300000)),hex(zeroblob(1)))",
     "string or blob too big"),
    ("/archive/documents.json?" + "&".join(["_facet=type"] * 1000),
     "a page counts at most 20 facets"),
    ("/archive/documents.json?_searchmode=raw&_search=NEAR(" + "+".join(["k*"] * 2000)
     + ",+100000)", "a raw search is at most 16 terms"),
    ("/archive/documents.json?_sort=nope", "Cannot sort table by nope"),
    ("/archive/documents.json?_sort_desc=nope", "Cannot sort table by nope"),
    # A full-text expression in a reader's SQL is one FTS5 step, of any cost: tried first.
    ("/archive.json?" + urllib.parse.urlencode({"sql": NEAR}), "full-text query would take"),
    ("/archive.json?sql=" + urllib.parse.quote(
        PHRASES.replace("documents_fts", "DOCUMENTS_FTS"), safe="").replace("_", "%5F"),
     "full-text query would take"),
    ("/archive/documents.json?" + urllib.parse.urlencode({"_where": "rowid in (select rowid "
                                                          "from documents_fts where "
                                                          "documents_fts match 'kim')"}),
     "_where may not search the full-text index"),
]


# A reader's mistakes that Datasette or SQLite once answered with a 500 or a 404, each with
# what the reader is told instead.
MISTAKES = [
    ("/archive/documents.json?_through=%7Bbad", "_through is a JSON object of a link table"),
    ("/archive/documents.json?_through=%5B1%5D", "_through is a JSON object of a link table"),
    ("/archive/documents.json?_through=%7B%22table%22%3A%22sqlite_master%22%2C%22column%22%3A"
     "%22name%22%2C%22value%22%3A%22x%22%7D", "Invalid _through"),
    ("/archive/documents.json?_sort=date&_sort_desc=title", "Cannot use _sort and _sort_desc"),
    ("/archive.json?sql=select+snippet(documents_fts,99,'a','b','c',5)+from+documents_fts"
     "+where+documents_fts+match+'kim'", "column index out of range"),
    ("/archive.ris?sql=select+nope", "no such column: nope"),
    ("/archive.bib?sql=select+zeroblob(999999999)+as+document_id", "string or blob too big"),
]


@pytest.mark.parametrize("path, said", COSTLY + MISTAKES)
async def test_a_costly_request_or_a_readers_mistake_is_a_400_that_says_what_it_was(
        ds, path, said):
    response = await ds.client.get(path)
    assert response.status_code == 400
    assert said in (response.json()["error"] if ".json?" in path else response.text)


async def test_a_readers_sql_as_csv_holds_no_cell_a_spreadsheet_would_run(ds):
    """Each start OWASP lists, full-width too, gets an apostrophe; numbers and text stay."""
    sql = ("select '=1+1' as a, '@SUM(A1)' as b, '\uff1dcmd' as c, '-x' as d, -1 as e, "
           "'plain' as f, '+1' as g")
    response = await ds.client.get(
        "/archive.csv?" + urllib.parse.urlencode({"sql": sql, "_dl": 1}))
    assert response.status_code == 200
    assert response.text.splitlines() == [
        "a,b,c,d,e,f,g", "'=1+1,'@SUM(A1),'\uff1dcmd,'-x,-1,plain,+1"]
    assert int(response.headers["content-length"]) == len(response.content)


async def test_a_blob_document_id_in_a_citation_download_is_a_400(ds):
    response = await ds.client.get("/archive.ris?sql=select+x'00'+as+document_id")
    assert response.status_code == 400
    assert "not document ids" in response.text


async def test_a_search_too_long_is_cut_and_the_reader_told(ds):
    from kwp_archive.search import MAX_TERMS, fts_query

    words = " OR ".join(["telegram"] * 1000)
    assert fts_query(words).count('"telegram"') == MAX_TERMS
    for path in (f"/archive/search?q={words}", f"/archive/documents?_search={words}"):
        response = await ds.client.get(path.replace(" ", "+"))
        assert response.status_code == 200
        assert "Only the first 16 words" in response.text
    ordinary = (await ds.client.get("/archive/search?q=telegram")).text
    assert "Only the first" not in ordinary


def test_the_site_keeps_serving_under_a_1_gb_address_space(archive_db):
    """Every costly request above, against `make run`'s own server limited to 1 GB: each is
    a clear error, and the pages after it are served as before."""
    import json
    import urllib.error
    import urllib.request

    from harness import Server

    with Server(archive_db, limit_memory=1 << 30) as server:
        for path, said in COSTLY:
            try:
                urllib.request.urlopen(server.base + path.replace("'", "%27"), timeout=30)
                raise AssertionError(f"{path} did not fail")
            except urllib.error.HTTPError as error:
                assert error.code == 400, path
                assert said in json.load(error)["error"], path
            with urllib.request.urlopen(server.base + "/archive/documents.json",
                                        timeout=30) as response:
                assert response.status == 200
        assert server.process.poll() is None
        # Errors cost a line of log at most, not a traceback with every local variable.
        assert "Traceback" not in server.output() and "locals" not in server.output()


async def test_an_address_past_the_limit_is_refused_before_datasette_reads_it(ds):
    response = await ds.client.get("/archive/documents.json?" + "&".join(
        ["_facet=type"] * 3000))
    assert response.status_code == 414 and "longer than 16,384 bytes" in response.text


def _trials_running():
    """The full-text trials (kwp_archive/trial.py) running on this machine."""
    import pathlib
    found = []
    for process in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            if b"kwp_archive.trial" in (process / "cmdline").read_bytes():
                found.append(process.name)
        except OSError:
            pass  # ended meanwhile
    return found


async def test_full_text_in_a_readers_sql_answers_and_a_costly_one_holds_no_other_page(ds):
    """A full-text query of a reader's own is tried in a process of its own: a sound one
    answers as SQLite would, a costly one is refused, and while it is tried another page
    answers; no trial is left running."""
    import asyncio
    import sqlite3
    sound = "select count(*) from documents_fts where documents_fts match 'plenum'"
    response = await ds.client.get("/archive.json?" + urllib.parse.urlencode({"sql": sound}))
    connection = sqlite3.connect(ds.databases["archive"].path)
    assert response.json()["rows"] == [list(connection.execute(sound).fetchone())]
    connection.close()
    finished = []

    async def get(path, name):
        await ds.client.get(path)
        finished.append(name)

    await asyncio.gather(
        get("/archive.json?" + urllib.parse.urlencode({"sql": PHRASES}), "costly"),
        get("/archive/documents?type=letter", "ordinary"))
    assert finished == ["ordinary", "costly"]
    assert _trials_running() == []

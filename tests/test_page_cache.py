"""plugins/page_cache.py: a page asked for again is the same page, served without its
queries; what may differ from one asking to the next is never kept."""

from urllib.parse import urlencode

import pytest

from conftest import make_datasette

HIT = ("x-page-cache", "hit")


def hit(response):
    return response.headers.get(HIT[0]) == HIT[1]


@pytest.fixture
def fresh(archive_db):
    """A Datasette of its own, so that nothing is kept from another test."""
    return make_datasette(archive_db)


@pytest.mark.parametrize("path", ["/", "/archive/documents", "/archive/documents.json",
                                  "/archive/documents/1956-09-17-mikoyan",
                                  "/archive/search?q=plenum", "/archive/people.csv"])
async def test_a_page_asked_for_again_is_the_same_page_kept(fresh, path):
    first = await fresh.client.get(path)
    again = await fresh.client.get(path)
    assert first.status_code == again.status_code == 200
    assert not hit(first) and hit(again)
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]


async def test_what_a_reader_sends_of_their_own_is_never_answered_from_the_cache(fresh):
    await fresh.client.get("/archive/documents")
    assert not hit(await fresh.client.get("/archive/documents", cookies={"ds_actor": "x"}))
    assert not hit(await fresh.client.get("/archive/documents",
                                          headers={"authorization": "Bearer x"}))
    assert not hit(await fresh.client.get("/archive/documents?_size=5"))  # another URL


async def test_a_readers_own_sql_is_run_every_time(fresh):
    path = "/archive.json?sql=select+random()"
    first = (await fresh.client.get(path)).json()["rows"]
    again = await fresh.client.get(path)
    assert not hit(again) and again.json()["rows"] != first


async def test_errors_and_datasettes_own_pages_are_not_kept(fresh):
    for path in ("/archive/no_such_table", "/archive/documents.json?_sort=nope", "/-/versions"):
        first = await fresh.client.get(path)
        assert not hit(await fresh.client.get(path)), (path, first.status_code)


async def test_a_page_whose_query_ran_out_of_time_is_not_kept(archive_db):
    # Facets with no time at all: each runs out of time, and the page says so.
    datasette = make_datasette(archive_db, settings={"facet_time_limit_ms": 0.001})
    path = "/archive/documents?" + urlencode({"_search": "Kim", "_facet": "title"})
    first = await datasette.client.get(path)
    assert "counting them took too long" in first.text
    again = await datasette.client.get(path)
    assert not hit(again)


async def test_nothing_is_kept_when_the_cache_is_given_no_room(archive_db, monkeypatch):
    monkeypatch.setenv("KWP_PAGE_CACHE_MB", "0")
    datasette = make_datasette(archive_db)
    await datasette.client.get("/archive/documents")
    assert not hit(await datasette.client.get("/archive/documents"))


async def test_a_database_that_can_change_is_never_cached(tmp_path, archive_db):
    import shutil

    copy = tmp_path / "archive.db"
    shutil.copy(archive_db, copy)
    datasette = make_datasette(copy, immutable=False)
    await datasette.client.get("/archive/documents")
    assert not hit(await datasette.client.get("/archive/documents"))

"""`make run`'s command, as a real server on loopback: immutable, with the inspect file."""

import json
import urllib.request


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_serves_the_database_immutable_with_its_inspect_file(server):
    base, inspect_data = server
    [archive] = [db for db in fetch_json(base + "/-/databases.json") if db["name"] == "archive"]
    assert archive["is_mutable"] is False
    assert archive["hash"] == inspect_data["archive"]["hash"]


def test_serves_tables_queries_and_settings(server):
    base, _ = server
    assert len(fetch_json(base + "/archive/documents.json?_shape=array")) == 20
    assert fetch_json(base + "/archive/by_year.json?_shape=array")[0] == {
        "year": 1945, "documents": 1
    }
    settings = fetch_json(base + "/-/settings.json")
    assert settings["suggest_facets"] is False and settings["sql_time_limit_ms"] == 1000
    plugins = {plugin["name"] for plugin in fetch_json(base + "/-/plugins.json")}
    assert {"charts.py", "row_pages.py", "search_snippets.py", "human_dates.py", "home.py"} <= plugins


def test_serving_leaves_nothing_beside_the_database(server, archive_db):
    # The inspect file and the log live in the server's own scratch space: serving a
    # database in a checkout must not add files to it.
    assert [path.name for path in archive_db.parent.iterdir()] == ["archive.db"]

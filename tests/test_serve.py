"""`make run`'s command, as a real server on loopback: immutable, with the inspect file."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(archive_db):
    inspect_file = archive_db.with_name("inspect-data.json")
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(archive_db),
                    "--inspect-file", str(inspect_file)], check=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kwp_archive.site", "--database", str(archive_db),
         "--inspect-file", str(inspect_file), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stdout.read().decode())
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start within 10 s")
        yield base, json.loads(inspect_file.read_text())
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    assert {"datasette-vega", "row_parties.py", "search_snippets.py"} <= plugins

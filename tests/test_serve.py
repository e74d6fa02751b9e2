"""`make run`'s command, as a real server on loopback: immutable, with the inspect file."""

import json
import urllib.error
import urllib.request
from pathlib import Path


def fetch_json(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{url}: {error.code} {error.read()[:300]!r}") from None


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
    assert {"counted_facets.py", "row_pages.py", "cells.py", "listings.py", "home.py"} <= plugins


def test_serving_leaves_nothing_beside_the_database(server, archive_db):
    # The inspect file and the log live in the server's own scratch space: serving a
    # database in a checkout must not add files to it.
    assert [path.name for path in archive_db.parent.iterdir()] == ["archive.db"]


def listening(port):
    """The addresses listening on `port`, from /proc/net/tcp (no ss or netstat needed)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_a_stopped_server_leaves_no_process_behind(archive_db, tmp_path):
    """The server helper starts the server in a group of its own and stops the whole group:
    a shell in front of it cannot keep it alive, as it once did for the published app."""
    import os
    import subprocess
    import sys

    from harness import Running, free_port

    inspect = tmp_path / "inspect-data.json"
    subprocess.run([sys.executable, "-m", "datasette", "inspect", str(archive_db),
                    "--inspect-file", str(inspect)], check=True)
    port = free_port()
    # A shell that starts the server and stays in front of it, as a Procfile's may.
    command = (f"{sys.executable} -m kwp_archive.site --database {archive_db} "
               f"--inspect-file {inspect} --port {port} & wait")
    with Running(command, f"http://127.0.0.1:{port}", shell=True) as running:
        group = os.getpgid(running.process.pid)
        assert listening(port) == {"127.0.0.1"}
    try:
        os.killpg(group, 0)
        raise AssertionError("a process of the server's group is still running")
    except ProcessLookupError:
        pass
    assert listening(port) == set()


def test_a_rebuild_while_serving_changes_no_answer_until_a_restart(tmp_path):
    """The server reads the file it started with, whole: a rebuild renames a new database
    over the path, and each of sixty requests still answers from the old one."""
    import shutil

    from conftest import SOURCES, edit
    from harness import Server

    from kwp_archive import pipeline

    sources = shutil.copytree(SOURCES, tmp_path / "sources")
    database = tmp_path / "site" / "archive.db"
    database.parent.mkdir()
    pipeline.build(sources, database)
    path = "/archive/documents/1956-09-17-mikoyan.json?_shape=array"
    old = "Telegram from A. Mikoyan to the CPSU Central Committee"
    with Server(database) as running:
        assert fetch_json(running.base + path)[0]["title"] == old
        edit(Path(sources) / "records.csv", f"1956-09-17-mikoyan,1956-09-17,{old},",
             "1956-09-17-mikoyan,1956-09-17,A new title,")
        pipeline.build(sources, database)
        # At once, so that the server's SQL threads each open their first connection now.
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(8) as clients:
            titles = set(clients.map(lambda _: fetch_json(running.base + path)[0]["title"],
                                     range(60)))
        counts = {fetch_json(running.base + "/archive/documents.json?_shape=array&_size=max"
                             )[0]["title"] for _ in range(3)}
        assert titles == {old} and len(counts) == 1
    with Server(database) as restarted:
        assert fetch_json(restarted.base + path)[0]["title"] == "A new title"
    assert [path.name for path in database.parent.iterdir()] == ["archive.db"]


def test_the_server_logs_an_address_cut_and_refuses_one_past_the_limit(archive_db):
    """A long address costs the log a few hundred bytes, not its length; one past the limit
    is refused (414) before Datasette reads it."""
    from harness import Server

    from kwp_archive.site import LOGGED_PATH

    long_search = "/archive/search?q=" + "x" * 10_000
    too_long = "/archive/search?q=" + "x" * 20_000
    with Server(archive_db) as running:
        with urllib.request.urlopen(running.base + long_search, timeout=10) as response:
            assert response.status == 200
        try:
            urllib.request.urlopen(running.base + too_long, timeout=10)
            raise AssertionError("an address of 20 KB was answered")
        except urllib.error.HTTPError as error:
            assert error.code == 414 and b"longer than 16,384 bytes" in error.read()
        log = running.output()
    assert "x" * 1_000 not in log and "x" * (LOGGED_PATH - 50) in log


def test_half_sent_requests_are_cut_off_and_open_connections_bounded(server):
    """A connection that sends only part of a request's head is closed after HALF_SENT
    seconds, while whole requests are answered; past MAX_OPEN connections a new one is
    closed as it comes, and the server still answers."""
    import socket
    import time

    from kwp_archive.site import HALF_SENT, MAX_OPEN

    base, _ = server
    port = int(base.rsplit(":", 1)[1])

    def connect():
        return socket.create_connection(("127.0.0.1", port), timeout=HALF_SENT + 5)

    half_sent = [connect() for _ in range(3)]
    for connection in half_sent:
        connection.sendall(b"GET /archive HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    assert fetch_json(base + "/archive.json")["database"] == "archive"
    for connection in half_sent:
        assert connection.recv(1) == b""  # closed by the server
        connection.close()
    assert HALF_SENT - 1 < time.monotonic() - started < HALF_SENT + 4
    flood = [connect() for _ in range(MAX_OPEN + 50)]
    try:
        for connection in flood[-10:]:
            connection.settimeout(2)
            try:
                assert connection.recv(1) == b""
            except ConnectionResetError:
                pass  # closed as it came, unread
    finally:
        for connection in flood:
            connection.close()
    assert fetch_json(base + "/archive.json")["database"] == "archive"

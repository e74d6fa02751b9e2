"""make publish-dir: a deployable app, written offline, that runs with its own start command
and serves what `make run` serves, with cache headers a CDN can keep."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import harness
import pytest
from conftest import ROOT
from test_serve import fetch_json


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    directory = tmp_path_factory.mktemp("publish") / "app"
    # Through make, as a user runs it; it needs no network and no account.
    result = subprocess.run(["make", "-s", "publish-dir", f"DIR={directory}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return directory


def test_the_app_carries_database_metadata_plugins_and_templates(app):
    for name in ("archive.db", "inspect-data.json", "metadata.yml", "Procfile", "Dockerfile",
                 "fly.toml", "requirements.txt"):
        assert (app / name).is_file(), name
    assert (app / "archive.db").read_bytes() == (ROOT / "archive.db").read_bytes()
    assert {path.name for path in (app / "plugins").glob("*.py")} == {
        path.name for path in (ROOT / "plugins").glob("*.py")}
    assert {path.name for path in (app / "templates").iterdir()} == {
        path.name for path in (ROOT / "templates").iterdir()}
    assert (app / "kwp_archive" / "site.py").read_text() == (
        ROOT / "kwp_archive" / "site.py").read_text()
    assert not list(app.rglob("__pycache__"))


def test_a_directory_it_did_not_write_is_refused_whole_and_its_own_is_replaced(app, tmp_path):
    """`make publish-dir DIR=.` once deleted the clone: a directory that holds files these
    tools did not write is refused, one line, and left as it was."""
    clone = tmp_path / "clone"
    (clone / "sources").mkdir(parents=True)
    (clone / "sources" / "records.csv").write_text("id\n")
    result = subprocess.run([sys.executable, "-m", "kwp_archive.publish", str(clone)], cwd=ROOT,
                            capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (1, (
        f"error: {clone}: cannot write: holds files these tools did not write (it has no "
        ".written-by-kwp-archive): choose a new or empty directory\n"))
    assert (clone / "sources" / "records.csv").read_text() == "id\n"
    (app / "left-from-before").write_text("")
    rewritten = subprocess.run(["make", "-s", "publish-dir", f"DIR={app}"], cwd=ROOT,
                               capture_output=True, text=True, timeout=600)
    assert rewritten.returncode == 0, rewritten.stderr
    assert not (app / "left-from-before").exists() and (app / "archive.db").is_file()


def test_every_requirement_is_pinned(app):
    lines = (app / "requirements.txt").read_text().split()
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines), lines
    pinned = {name.lower().replace("_", "-"): version
              for name, version in (line.split("==") for line in lines)}
    assert len(pinned) == len(lines), "a package pinned twice under two spellings"
    from importlib import metadata
    for name in ("datasette", "datasette-vega", "uvicorn", "jinja2", "typing-extensions"):
        assert pinned[name] == metadata.version(name), name
    assert pinned["datasette-hashed-urls"] == "0.4"


def test_the_start_command_serves_immutable_with_the_inspect_file_and_settings(app):
    procfile = (app / "Procfile").read_text()
    assert procfile.startswith("web: python -m kwp_archive.site --host ${HOST:-0.0.0.0} --port ")
    assert "CMD python -m kwp_archive.site" in (app / "Dockerfile").read_text()
    served = subprocess.run(
        [sys.executable, "-c", "import json, kwp_archive.site as s; d = s.datasette("
         "'archive.db', 'inspect-data.json'); print(json.dumps([d.databases['archive'].path, "
         "d.databases['archive'].is_mutable, bool(d.inspect_data), d.setting('suggest_facets'), "
         "d.setting('sql_time_limit_ms'), d.metadata('title')]))"],
        cwd=app, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(app)},
    )
    path, mutable, inspected, suggest, time_limit, title = json.loads(served.stdout)
    assert Path(path).name == "archive.db" and mutable is False and inspected
    assert suggest is False and time_limit == 1000
    assert title == "Korean Workers' Party Documents, 1945–1956"


@pytest.fixture(scope="module")
def running_app(app, tmp_path_factory):
    """The app started by its own Procfile command, with its pinned CDN plugin added to this
    environment's packages (no container engine), from the files `make test` keeps of it:
    no network."""
    deps = tmp_path_factory.mktemp("deps")
    pinned = next(line for line in (app / "requirements.txt").read_text().split()
                  if line.startswith("datasette-hashed-urls=="))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", "--find-links", str(ROOT / ".venv" / "published-wheels"),
                    "--target", str(deps), pinned], check=True, timeout=300)
    from harness import Running, free_port
    port = free_port()
    command = (app / "Procfile").read_text().split(":", 1)[1].strip()
    with Running(command, f"http://127.0.0.1:{port}", cwd=app, shell=True,
                 env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1",
                      "PYTHONPATH": str(deps),
                      "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}) as served:
        yield served.base


@pytest.fixture(scope="module")
def make_run(app):
    """`make run`'s own command serving the database the app was made from."""
    with harness.Server(ROOT / "archive.db") as running:
        yield running.base


@pytest.mark.parametrize("path", [
    "/archive/documents.json?_shape=array&_size=max",
    "/archive/documents/1956-09-17-mikoyan.ris",
    "/archive/by_year.json?_shape=array",
    "/archive/search.json?_shape=array&q=Mikoyan",
    "/archive/documents/1956-09-17-mikoyan.json?_shape=array",
])
def test_the_app_serves_the_same_json_as_make_run(running_app, make_run, path):
    local = make_run
    if path.endswith(".ris"):
        def fetch(url):
            with urllib.request.urlopen(url) as response:
                return response.read()
        assert fetch(running_app + path) == fetch(local + path)
    else:
        assert fetch_json(running_app + path) == fetch_json(local + path)


def hash_of(app):
    return json.loads((app / "inspect-data.json").read_text())["archive"]["hash"][:7]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_plain_urls_redirect_to_the_database_hash(running_app, app):
    opener = urllib.request.build_opener(NoRedirects)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(running_app + "/archive/documents?type=telegram")
    assert redirect.value.code == 302
    # The hash is the database's content: a rebuild that changes it changes every URL, so
    # no cache can answer with a page of the old database.
    assert redirect.value.headers["location"] == f"/archive-{hash_of(app)}/documents?type=telegram"
    assert "max-age" not in (redirect.value.headers.get("cache-control") or "")


@pytest.mark.parametrize("path, expected", [
    ("/archive/%E2%98%83", "/archive-{hash}/%E2%98%83"),
    ("/archive/documents/%ED%95%9C", "/archive-{hash}/documents/%ED%95%9C"),
    ("/archive/a%00b", "/archive-{hash}/a%00b"),
    ("/archive/a%0d%0ab", "/archive-{hash}/a%0d%0ab"),
    ("/archive/a%2Fb", "/archive-{hash}/a%2Fb"),
    ("/archive.json?sql=select+%27%E2%98%83%27", "/archive-{hash}.json?sql=select+%27%E2%98%83%27"),
    ("/archive-0000000/documents/%ED%95%9C", "/archive-{hash}/documents/%ED%95%9C"),
])
def test_a_plain_url_redirects_to_the_same_address_hashed_whatever_it_holds(
        running_app, app, path, expected):
    import http.client
    host, port = running_app.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 302
    assert response.getheader("location") == expected.format(hash=hash_of(app))
    connection.close()


@pytest.mark.parametrize("path", ["/documents", "/documents/1945-soviet-report", "/people",
                                  "/people/mikoyan", "/search?q=plenum"])
def test_hashed_pages_carry_far_future_cache_headers(running_app, app, path):
    with urllib.request.urlopen(f"{running_app}/archive-{hash_of(app)}{path}") as response:
        assert response.status == 200
        assert response.headers["cache-control"] == "max-age=31536000, public"
        page = response.read().decode()
    if path.count("/") == 2:  # a row page: its card, whose links carry the hash too
        assert 'class="record' in page
        assert f'href="/archive-{hash_of(app)}/documents/' in page


@pytest.mark.parametrize("path, status", [
    ("/documents/no-such-document", 404), ("/documents?_sort=nope", 400),
    (".json?sql=select+random()", 200), ("/documents.json?_where=random()>0", 200)])
def test_errors_and_a_readers_own_sql_are_kept_by_no_cache(running_app, app, path, status):
    """Only a page of the data as built is good for a year: an error, or a reader's own SQL
    (random() answers otherwise each time), once got the hashed pages' far-future header."""
    try:
        with urllib.request.urlopen(f"{running_app}/archive-{hash_of(app)}{path}") as response:
            answered, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        answered, headers = error.code, error.headers
    assert (answered, headers["cache-control"]) == (status, "no-store")


def test_the_app_says_what_its_pages_may_load_and_who_may_frame_them(running_app, app):
    with urllib.request.urlopen(f"{running_app}/archive-{hash_of(app)}/documents") as response:
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_debugging_pages_are_not_public_and_what_readers_use_is(running_app):
    vega = Path(__import__("datasette_vega").__file__).parent / "static"
    source_map = next(vega.glob("*.js.map")).name
    for path in ("/-/threads.json", "/-/messages", "/-/patterns", "/-/allow-debug",
                 f"/-/static-plugins/datasette_vega/{source_map}"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(running_app + path)
        assert refused.value.code == 404, path
    for path in ("/-/versions.json", "/-/metadata.json",
                 f"/-/static-plugins/datasette_vega/{source_map[:-len('.map')]}"):
        with urllib.request.urlopen(running_app + path) as response:
            assert response.status == 200, path


@pytest.mark.parametrize("path", ["/archive/documents", "/archive/documents/1945-soviet-report"])
def test_make_run_pages_carry_cache_headers_too(server, path):
    local, _ = server
    with urllib.request.urlopen(local + path) as response:
        assert re.fullmatch(r"max-age=\d+", response.headers["cache-control"])

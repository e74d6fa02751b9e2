"""Fixtures: real builds of real source sets, and Datasette configured as `make run` serves it."""

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

# As `make run` serves, without rich, which only the test tools bring (bench/harness.py's
# NOT_SERVED hides it from the servers the tests start): with it, Datasette prints every error
# page's traceback with its locals, some half a second each.
sys.modules.setdefault("rich", None)

from datasette.app import Datasette  # noqa: E402
from datasette.utils import parse_metadata  # noqa: E402

from kwp_archive import pipeline, site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import harness  # noqa: E402

# A frozen copy of the first 20 records: the site tests pin exact counts and rows, so they
# read this, not sources/, which grows with the collection (tests/test_collection.py).
SOURCES = ROOT / "tests" / "data" / "sources"


@pytest.fixture
def sources_dir(tmp_path):
    """A copy of the real sources that a test may edit."""
    return Path(shutil.copytree(SOURCES, tmp_path / "sources"))


@pytest.fixture(scope="session")
def archive_db(tmp_path_factory):
    """The real sources, built once into a database named archive.db, as make builds it."""
    path = tmp_path_factory.mktemp("built") / "archive.db"
    pipeline.build(SOURCES, path)
    return path


def make_datasette(path, metadata=None, settings=None, immutable=True):
    """Datasette as `make run` configures it, on `path`; a test may give its own metadata,
    settings on top of the site's, or a database that can change."""
    return Datasette(
        **({"immutables": [str(path)]} if immutable else {"files": [str(path)]}),
        metadata=metadata or parse_metadata(site.METADATA.read_text()),
        plugins_dir=str(site.PLUGINS),
        template_dir=str(site.TEMPLATES),
        settings={**site.SETTINGS, **(settings or {})},
    )


@pytest.fixture(scope="session")
def ds(archive_db):
    return make_datasette(archive_db)


def live_processes():
    """(pid, parent pid, process group) of every process that has not ended, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone while we looked
        if fields[0] != "Z":
            found.append((int(stat.parent.name), int(fields[1]), int(fields[2])))
    return found


def edit(path, old, new):
    """Replace one exact piece of a source file, failing loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def server(archive_db):
    """`make run`'s own command serving the built database on a free loopback port."""
    with harness.Server(archive_db) as running:
        yield running.base, json.loads(running.inspect_file.read_text())


ARTIFACTS = ROOT / "test-artifacts"


# Module scope: Playwright's sync API keeps an event loop running while it is open, which
# pytest-asyncio's tests elsewhere must not meet.
@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright; CI installs it, elsewhere its absence skips."""
    if not harness.CHROMIUM.exists():
        message = f"{harness.CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page that records page errors and leaves a screenshot as a test artefact."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.console_errors = []
    page.on("console", lambda message: message.type == "error"
            and page.console_errors.append(message.text))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
    page.close()

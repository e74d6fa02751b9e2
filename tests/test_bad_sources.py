"""The corpus of bad source sets in tests/bad_sources: each fails cleanly, naming file, line
and column, with exit status 1, no traceback, and the previous database untouched."""

import contextlib
import hashlib
import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwp_archive.pipeline import check
from kwp_archive.sources import SourceError

sys.path.insert(0, str(ROOT))
import build as command  # noqa: E402  (build.py, the editors' command)

CORPUS = Path(__file__).parent / "bad_sources"
BASE = CORPUS / "_base"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir() and path != BASE)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def build(sources, output):
    """build.py's command line, run in this process: its exit status and what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        returncode = command.run(["--sources", str(sources), "--output", str(output)])
    return Result(returncode, stdout.getvalue(), stderr.getvalue())


@pytest.fixture(scope="session")
def base_database(tmp_path_factory):
    output = tmp_path_factory.mktemp("base") / "archive.db"
    assert build(BASE, output).returncode == 0
    return output


@pytest.fixture
def previous(tmp_path, base_database):
    """A good database built from the base set: what a failed build must leave alone."""
    output = tmp_path / "archive.db"
    shutil.copy(base_database, output)
    return output, hashlib.sha256(output.read_bytes()).hexdigest()


def source_set(tmp_path, case=None):
    sources = tmp_path / "sources"
    shutil.copytree(BASE, sources)
    if case:
        for path in (CORPUS / case).iterdir():
            if path.name != "expected.txt":
                shutil.copy(path, sources / path.name)
    return sources


def assert_fails_cleanly(result, expected, previous):
    output, digest = previous
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert hashlib.sha256(output.read_bytes()).hexdigest() == digest
    assert [path.name for path in output.parent.iterdir() if path.name.endswith(".tmp")] == []


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_bad_source_set(tmp_path, previous, case):
    sources = source_set(tmp_path, case)
    expected = (CORPUS / case / "expected.txt").read_text().strip()
    assert_fails_cleanly(build(sources, previous[0]), f"{sources}/{expected}", previous)


def test_a_ten_megabyte_cell(tmp_path, previous):
    sources = source_set(tmp_path)
    (sources / "records.csv").write_text(
        "id,date,title,type,source_url,summary\ndoc-1,1956-09-03,A letter,letter,"
        "https://digitalarchive.wilsoncenter.org/document/example," + "x" * 10_000_000 + "\n")
    assert_fails_cleanly(build(sources, previous[0]),
                         f"{sources}/records.csv:2: summary: the cell is 10,000,000 characters",
                         previous)


def test_sources_directory_that_does_not_exist(tmp_path, previous):
    missing = tmp_path / "no-such-folder"
    assert_fails_cleanly(build(missing, previous[0]), f"{missing}:1: --sources: is not a directory",
                         previous)


def test_a_missing_file(tmp_path, previous):
    sources = source_set(tmp_path)
    (sources / "organisations.csv").unlink()
    assert_fails_cleanly(build(sources, previous[0]),
                         f"{sources}/organisations.csv:1: file: not found", previous)


def test_a_utf8_bom_is_accepted(tmp_path):
    sources = source_set(tmp_path)
    records = sources / "records.csv"
    records.write_bytes(b"\xef\xbb\xbf" + records.read_bytes())
    assert build(sources, tmp_path / "archive.db").returncode == 0


def test_an_unknown_column_is_a_warning(tmp_path):
    sources = source_set(tmp_path)
    (sources / "organisations.csv").write_text(
        "id,name,aliases,founded\nkwp-cc,Korean Workers' Party Central Committee,KWP CC,\n")
    result = build(sources, tmp_path / "archive.db")
    assert result.returncode == 0, result.stderr
    assert f"warning: {sources}/organisations.csv:1: founded: unknown column" in result.stderr


def test_formula_error_explains_the_risk_and_the_fix(tmp_path, previous):
    sources = source_set(tmp_path, "text-formula-equals")
    result = build(sources, previous[0])
    assert "spreadsheets run as a formula" in result.stderr
    assert "reword the start of the cell" in result.stderr


# Property-based: whatever bytes an editor's tools write, the reader either reads them or
# reports problems, each with file, line and column; it never raises anything else.

def read_cleanly(sources):
    try:
        check(sources)
    except SourceError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file.startswith(str(sources)) and problem.line >= 1
            assert problem.column and problem.message


FILES = sorted(path.name for path in BASE.iterdir())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), content=st.binary(max_size=400))
def test_arbitrary_bytes_fail_cleanly(tmp_path_factory, name, content):
    sources = source_set(tmp_path_factory.mktemp("fuzz"))
    (sources / name).write_bytes(content)
    read_cleanly(sources)


cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12) | \
    st.sampled_from(["", "doc-1", "ri-sang-jo", "letter", "author", "1956", "1956-02-30", '"'])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES),
       rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=6),
       keep_header=st.booleans())
def test_arbitrary_csv_builds_or_fails_cleanly(tmp_path_factory, name, rows, keep_header):
    import csv
    import io

    sources = source_set(tmp_path_factory.mktemp("fuzz"))
    text = io.StringIO()
    if keep_header:
        text.write((BASE / name).read_text().splitlines()[0] + "\n")
    csv.writer(text).writerows(rows)
    (sources / name).write_text(text.getvalue(), encoding="utf-8")
    read_cleanly(sources)


def test_a_file_unreadable_mid_way_is_one_problem_not_a_cascade(tmp_path, previous):
    """Bytes that are not UTF-8 stop the reading of records.csv; the links to the records
    after them are not reported as links to nothing."""
    sources = source_set(tmp_path)
    url = "https://digitalarchive.wilsoncenter.org/document/example"
    rows = [f"doc-{n},1956-09-{n:02d},Letter {n},letter,,{url}" for n in range(1, 30)]
    rows[2] = rows[2].replace("Letter", "Lettre \xe9")  # Latin-1, not UTF-8
    (sources / "records.csv").write_bytes(
        ("id,date,title,type,summary,source_url\n" + "\n".join(rows) + "\n").replace(
            "\xe9", "\x00").encode("utf-8").replace(b"\x00", b"\xe9"))
    (sources / "document_people.csv").write_text("document_id,person_id,role\n" + "".join(
        f"doc-{n},ri-sang-jo,author\n" for n in range(1, 30)))
    result = build(sources, previous[0])
    problems = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert problems == [f"error: {sources}/records.csv:4: title: byte 25 of the line is not "
                        "UTF-8; save the file as UTF-8"]

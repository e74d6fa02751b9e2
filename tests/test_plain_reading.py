"""kwp_archive.sources reads a plain file (UTF-8, no NUL, CR only in CRLF) through the io and
csv modules in C, and any other file line by line: both ways give the same rows, lines,
problems and warnings."""

import shutil
from pathlib import Path

import pytest

from kwp_archive import sources

CORPUS = Path(__file__).parent / "bad_sources"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


def read(directory):
    problems, warnings = [], []
    files = sources.readers(directory, problems, warnings)
    rows = {table: list(sources.read(reader)) for table, reader in files.items()}
    noted = {name: (reader.usable, reader.refused_ids, reader.header)
             for name, reader in files.items()}
    return rows, noted, [str(problem) for problem in problems], [str(w) for w in warnings]


def read_line_by_line(directory, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(sources, "_plain_text", lambda path: False)
        return read(directory)


def source_set(tmp_path, case):
    directory = tmp_path / case
    shutil.copytree(CORPUS / "_base", directory)
    if case != "_base":
        for path in (CORPUS / case).iterdir():
            shutil.copy(path, directory / path.name)
    return directory


@pytest.mark.parametrize("case", CASES)
def test_both_ways_read_every_source_set_alike(tmp_path, monkeypatch, case):
    directory = source_set(tmp_path, case)
    assert read(directory) == read_line_by_line(directory, monkeypatch)


def windows_file(path, text):
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))


RECORDS = (
    "id,date,title,type,summary,source_url\n"
    'one,1956-09-01,A title,report,"A summary\nover two lines",'
    "https://digitalarchive.wilsoncenter.org/document/1\n"
    "two,1956-09-31,A title,report,Bad date,https://digitalarchive.wilsoncenter.org/document/2\n"
)


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_quoted_line_break_is_a_line_feed_and_counts_as_a_line(tmp_path, monkeypatch,
                                                                 line_end):
    directory = source_set(tmp_path, "_base")
    path = directory / "records.csv"
    path.write_bytes(RECORDS.replace("\n", line_end).encode("utf-8"))
    assert sources._plain_text(path)
    rows, noted, problems, _ = read(directory)
    assert rows["documents"][0][0] == 2  # the row starts on line 2
    assert rows["documents"][0][9] == "A summary\nover two lines"
    assert [problem.split(": ")[:2] for problem in problems] == [[f"{path}:4", "date"]]
    assert (rows, noted, problems) == read_line_by_line(directory, monkeypatch)[:3]


def test_a_byte_order_mark_is_passed_over(tmp_path, monkeypatch):
    directory = source_set(tmp_path, "_base")
    path = directory / "records.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert sources._plain_text(path)
    found = read(directory)
    assert found[2] == [] and found[1]["documents"][2][0] == "id"
    assert found == read_line_by_line(directory, monkeypatch)


@pytest.mark.parametrize("content", [
    b"id,name\r\nx,a\rb\r\n",   # a carriage return inside a line
    b"id,name\nx,ab\r",          # one at the very end
    b"id,name\nx,a\x00b\n",     # a NUL byte
    b"id,name\nx,\xe9\n",        # Latin-1, not UTF-8
    b"id,name\nx,\xe2\x82",      # UTF-8 cut short at the end
])
def test_what_is_not_plain_goes_line_by_line(tmp_path, content):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    assert not sources._plain_text(path)


def test_a_line_feed_at_the_end_of_a_chunk_is_found(tmp_path):
    path = tmp_path / "file.csv"
    head = b"id,name\r\n" + b"x" * (sources._CHUNK - len(b"id,name\r\n") - 1)
    path.write_bytes(head + b"\r\nmore\r\n")
    assert path.read_bytes()[sources._CHUNK - 1:sources._CHUNK] == b"\r"
    assert sources._plain_text(path)
    path.write_bytes(head + b"\rmore\r\n")
    assert not sources._plain_text(path)

"""kwp_archive.reading: the sources read in a second process give what one process gives."""

import os

import pytest

from conftest import edit
from kwp_archive import pipeline, reading
from kwp_archive.sources import readers


def read_here(directory):
    """Every file read in this process, as the build read them before there were two."""
    problems, warnings = [], []
    files = readers(directory, problems, warnings)
    rows = {filename: list(read(files[filename])) for _, filename, read in pipeline.LOADS}
    return rows, files, problems, warnings


def read_by_a_second_process(directory, loads=pipeline.LOADS):
    problems, warnings = [], []
    files = readers(directory, problems, warnings)
    with reading.Reading(loads, files) as read:
        rows = {filename: [row for batch in read.batches(filename) for row in batch]
                for _, filename, _ in loads}
    return rows, files, problems, warnings


def noted(files):
    return {name: (list(reader.lines), reader.usable, reader.refused_ids, reader.header,
                   reader.bytes_read) for name, reader in files.items()}


@pytest.fixture
def flawed_sources(sources_dir):
    """Sources with a problem of each kind the loaders note: a bad date, a refused person
    (so a refused id), a bad role, an unknown column, and a file broken part way through."""
    edit(sources_dir / "records.csv", "1945-", "1945-13-")
    edit(sources_dir / "people.csv", "id,name,", "id,name,nickname,")
    people = (sources_dir / "people.csv").read_text(encoding="utf-8").splitlines()
    people[1] = people[1].replace(",", ",,", 1) + "\x07"
    (sources_dir / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    edit(sources_dir / "document_people.csv", ",mentioned", ",bystander")
    with open(sources_dir / "document_subjects.csv", "ab") as file:
        file.write(b"doc,\xff\n")
    return sources_dir


def test_a_second_process_reads_exactly_what_one_does(flawed_sources):
    rows, files, problems, warnings = read_here(flawed_sources)
    rows_2, files_2, problems_2, warnings_2 = read_by_a_second_process(flawed_sources)
    assert rows_2 == rows
    assert noted(files_2) == noted(files)
    assert problems_2 == problems and len(problems) >= 4
    assert warnings_2 == warnings and warnings


def test_batches_end_where_they_should(sources_dir, monkeypatch):
    # Batches of one row and of more rows than a file holds: the same rows and lines.
    expected = read_here(sources_dir)
    for batch in (1, 7, 10_000):
        monkeypatch.setattr(reading, "BATCH", batch)
        rows, files, _, _ = read_by_a_second_process(sources_dir)
        assert rows == expected[0]
        assert noted(files) == noted(expected[1])


def failing(reader):
    yield ("a row",)
    raise ValueError("a loader's own failure")


def dying(reader):
    yield ("a row",)
    os._exit(3)


def test_a_failure_in_the_reader_is_raised_in_the_builder(sources_dir):
    with pytest.raises(ValueError, match="a loader's own failure"):
        read_by_a_second_process(sources_dir, [("documents", "records.csv", failing)])


def test_a_reader_that_dies_is_an_error_not_a_hang(sources_dir):
    with pytest.raises(reading.ReaderFailed, match="stopped"):
        read_by_a_second_process(sources_dir, [("documents", "records.csv", dying)])


def test_the_reader_process_is_gone_when_the_builder_stops_early(sources_dir):
    files = readers(sources_dir, [], [])
    with pytest.raises(KeyboardInterrupt):
        with reading.Reading(pipeline.LOADS, files) as read:
            next(read.batches("document_types.csv"))
            process = read.process
            raise KeyboardInterrupt
    assert not process.is_alive()
    assert process.exitcode is not None

"""build.py end to end: real source sets in, real SQLite files out."""

import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
from conftest import ROOT, SOURCES, edit, live_processes


def build(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *map(str, args)],
        capture_output=True, text=True, cwd=ROOT,
    )


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path, sql, params=()):
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


def test_counts(archive_db):
    db = sqlite_utils.Database(archive_db)
    assert db["documents"].count == 20
    assert db["people"].count == 22
    assert db["organisations"].count == 10
    # Every document type in use, none unused.
    assert rows(archive_db, "select count(*) from document_types where id not in "
                "(select type from documents)") == [(0,)]


def test_schema_declares_keys(archive_db):
    db = sqlite_utils.Database(archive_db)
    assert db["documents"].pks == ["id"]
    assert db["document_people"].pks == ["document_id", "person_id", "role"]
    assert {(fk.column, fk.other_table) for fk in db["document_people"].foreign_keys} == {
        ("document_id", "documents"), ("person_id", "people")
    }
    assert {(fk.column, fk.other_table) for fk in db["document_organisations"].foreign_keys} == {
        ("document_id", "documents"), ("organisation_id", "organisations")
    }
    assert ("type", "document_types") in {
        (fk.column, fk.other_table) for fk in db["documents"].foreign_keys
    }
    indexed = {tuple(index.columns) for index in db["document_people"].indexes}
    assert ("person_id", "date", "document_id", "role") in indexed
    assert rows(archive_db, "pragma foreign_key_check") == []


def parties(path, document_id):
    return set(rows(path, """
        select people.name, role from document_people join people on people.id = person_id
        where document_id = :id
        union
        select organisations.name, role from document_organisations
        join organisations on organisations.id = organisation_id where document_id = :id
    """, {"id": document_id}))


def test_links_with_roles(archive_db):
    report = parties(archive_db, "1946-11-22-shtykov-report")
    assert {("Shtykov", "author"), ("Romanenko", "recipient")} <= report
    letter = parties(archive_db, "1956-09-05-letter-to-ccp")
    assert {name for name, role in letter if role == "author"} == {
        "Seo Hwi", "Yun Gong-heum", "Li Pil-gyu", "Kim Gwan"
    }
    assert ("Chinese Communist Party Central Committee", "recipient") in letter
    mikoyan = rows(archive_db, """
        select documents.title, role from document_people
        join documents on documents.id = document_id where person_id = 'mikoyan'
        order by documents.date""")
    assert [title for title, role in mikoyan if role == "author"] == [
        "Telegram from A. Mikoyan to the CPSU Central Committee"
    ] * 3


def test_partial_dates_are_bounded_and_ordered(archive_db):
    assert rows(archive_db, "select date, date_start, date_end, date_precision, year "
                "from documents where id = '1945-soviet-report'") == [
        ("1945", "1945-01-01", "1945-12-31", "year", 1945)
    ]
    assert rows(archive_db, "select date_precision, count(*) from documents group by 1") == [
        ("day", 18), ("year", 2)
    ]
    in_order = [date for (date,) in rows(archive_db, "select date from documents order by date")]
    assert in_order[:3] == ["1945", "1946-01-11", "1946-08-29"]
    assert in_order.index("1955") < in_order.index("1955-03-12")
    # A range filter on a partial date: documents that may fall in March 1955.
    assert rows(archive_db, "select id from documents where date_start <= '1955-03-31' "
                "and date_end >= '1955-03-01' order by date") == [
        ("1955-main-issues",), ("1955-03-12-presidium-resolution",)
    ]


def test_full_text_search_stems_and_folds_diacritics(archive_db):
    def search(table, query):
        return rows(archive_db, f"select rowid from {table} where {table} match ?", (query,))

    assert len(search("documents_fts", "telegrams")) == 6
    assert len(search("documents_fts", "Mikoyan")) == 7  # through the people column too
    assert len(search("people_fts", "Sang")) == 1
    assert search("documents_fts", "Hŏng") == search("documents_fts", "Hong")


def test_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert build("--output", first).returncode == 0
    assert build("--output", second).returncode == 0
    assert sha256(first) == sha256(second)


def test_bad_sources_exit_1_with_file_line_and_nothing_lost(tmp_path, sources_dir):
    output = tmp_path / "archive.db"
    assert build("--sources", sources_dir, "--output", output).returncode == 0
    before = sha256(output)
    edit(sources_dir / "records.csv", "1955-main-issues,1955,", "1955-main-issues,1955-13,")
    result = build("--sources", sources_dir, "--output", output)
    assert result.returncode == 1
    assert f"{sources_dir / 'records.csv'}:6: date: '1955-13' has no month 13" in result.stderr
    assert "Traceback" not in result.stderr
    assert sha256(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_package_is_not_written_over_the_sources_or_any_folder_of_the_editors(
        tmp_path, sources_dir):
    """`--package sources` once replaced nine source files with exported ones."""
    output = tmp_path / "archive.db"
    before = {path.name: sha256(path) for path in sources_dir.iterdir()}
    result = build("--sources", sources_dir, "--output", output, "--package", sources_dir)
    assert result.returncode == 1 and not output.exists()
    assert result.stderr == (f"error: {sources_dir}: cannot write: holds files these tools did "
                             "not write (it has no .written-by-kwp-archive): choose a new or "
                             "empty directory\n")
    assert {path.name: sha256(path) for path in sources_dir.iterdir()} == before
    package = tmp_path / "package"
    for _ in range(2):  # its own package it replaces
        assert build("--sources", sources_dir, "--output", output,
                     "--package", package).returncode == 0
    assert (package / "datapackage.json").is_file()


def test_many_problems_are_reported_as_the_first_hundred_and_a_count(tmp_path,
                                                                   sources_dir):
    links = sources_dir / "document_subjects.csv"
    header, first, *_ = links.read_text().splitlines()
    links.write_text("\n".join([header] + [first] * 20_001) + "\n")
    result = build("--sources", sources_dir, "--output", tmp_path / "archive.db")
    lines = result.stderr.splitlines()
    assert result.returncode == 1 and len(lines) == 101
    assert lines[0] == (f"error: {links}:3: subject_id: {first.split(',')[1]!r} is already "
                        f"linked to {first.split(',')[0]!r} by an earlier row")
    assert lines[-1] == "20000 problem(s), the first 100 shown; nothing was written."


def test_failure_while_writing_leaves_the_previous_file(tmp_path, sources_dir, monkeypatch):
    from kwp_archive import pipeline

    output = tmp_path / "archive.db"
    pipeline.build(sources_dir, output)
    before = sha256(output)

    def fail(*args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(pipeline, "finish", fail)
    with pytest.raises(sqlite3.OperationalError):
        pipeline.build(sources_dir, output)
    assert sha256(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.db", "sources"]


def test_check_writes_nothing(tmp_path):
    result = build("--check", "--output", tmp_path / "archive.db")
    assert result.returncode == 0, result.stderr
    assert "all checks passed" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_unknown_column_is_a_warning(tmp_path, sources_dir):
    people = sources_dir / "people.csv"
    header, *lines = people.read_text().splitlines()
    people.write_text("\n".join([header + ",notes"] + [line + "," for line in lines]) + "\n")
    result = build("--sources", sources_dir, "--output", tmp_path / "archive.db")
    assert result.returncode == 0, result.stderr
    assert f"warning: {sources_dir / 'people.csv'}:1: notes: unknown column" in result.stderr


def test_missing_sources_directory(tmp_path):
    result = build("--sources", tmp_path / "nowhere", "--output", tmp_path / "archive.db")
    assert result.returncode == 1
    assert f"{tmp_path / 'nowhere'}:1: --sources: is not a directory" in result.stderr
    assert "Traceback" not in result.stderr


def temporary_files(directory):
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def large_sources(tmp_path_factory):
    """Enough synthetic records that a build runs for a few seconds: time to stop it."""
    directory = tmp_path_factory.mktemp("large")
    subprocess.run([sys.executable, str(ROOT / "bench" / "synth.py"), "--records", "60000",
                    "--out", str(directory)], check=True, capture_output=True, cwd=ROOT)
    return directory


def processes_in_group(group):
    return [pid for pid, _, pgrp in live_processes() if pgrp == group]


# A signal to the build alone (a service manager's SIGTERM), or to its whole process group (^C
# at a terminal).
@pytest.mark.parametrize("signal_name,to_group", [
    ("SIGTERM", False), ("SIGHUP", False), ("SIGINT", False), ("SIGINT", True),
    ("SIGTERM", True),
])
def test_a_signal_stops_the_build_in_one_line_and_leaves_nothing(tmp_path, large_sources,
                                                                signal_name, to_group):
    import os
    import signal
    import time

    output = tmp_path / "archive.db"
    assert build("--output", output).returncode == 0
    before = sha256(output)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--sources", str(large_sources),
         "--output", str(output)], stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not temporary_files(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert temporary_files(tmp_path), "the build never started writing"
        time.sleep(0.5)
        assert processes_in_group(process.pid) == [process.pid], "one process builds"
        if to_group:
            os.killpg(process.pid, getattr(signal, signal_name))
        else:
            process.send_signal(getattr(signal, signal_name))
        _, stderr = process.communicate(timeout=60)
        left = processes_in_group(process.pid)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    assert left == []
    number = getattr(signal, signal_name)
    assert process.returncode == 128 + number
    assert stderr == f"error: stopped by {signal_name}; nothing was written.\n"
    assert temporary_files(tmp_path) == []
    assert sha256(output) == before


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    import os

    output = tmp_path / "archive.db"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    abandoned = tmp_path / f".archive.db.{gone.pid}.x1y2.tmp"
    abandoned.write_bytes(b"half a database")
    # Files SQLite may leave beside it, which the database's name begins.
    beside = [tmp_path / f"{abandoned.name}{suffix}" for suffix in ("-journal", "-wal")]
    for path in beside:
        path.write_bytes(b"half of something")
    running = tmp_path / f".archive.db.{os.getpid()}.a1b2.tmp"  # a build still at work
    running.write_bytes(b"a database being written")
    assert build("--output", output).returncode == 0
    assert not abandoned.exists()
    assert not any(path.exists() for path in beside)
    assert running.exists()


def test_the_database_is_readable_by_everyone_the_umask_allows(tmp_path):
    import os
    import stat

    output = tmp_path / "archive.db"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--output", str(output)],
        capture_output=True, text=True, cwd=ROOT, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(output.stat().st_mode) == 0o644


def test_a_full_disk_is_one_line_and_nothing_lost(tmp_path, large_sources):
    import resource
    import signal

    output = tmp_path / "archive.db"
    assert build("--output", output).returncode == 0
    before = sha256(output)

    def small_disk():
        # Files may grow to 2 MB, as on a full disk; the write fails instead of killing.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))

    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--sources", str(large_sources),
         "--output", str(output)],
        capture_output=True, text=True, cwd=ROOT, preexec_fn=small_disk, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {output}: cannot write: ")
    assert sha256(output) == before
    assert temporary_files(tmp_path) == []


def test_a_package_that_cannot_be_written_leaves_the_database_as_it_was(tmp_path,
                                                                         sources_dir):
    output = tmp_path / "archive.db"
    assert build("--output", output).returncode == 0
    before = sha256(output)
    blocked = tmp_path / "package"
    blocked.write_text("a file where the package's folder would go")
    edit(sources_dir / "records.csv", "Soviet officers describe", "Soviet officers sketch")
    result = build("--sources", sources_dir, "--output", output, "--package", blocked)
    assert result.returncode == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert sha256(output) == before
    assert temporary_files(tmp_path) == []


def test_a_windows_file_may_break_a_quoted_cell_over_lines(tmp_path, sources_dir):
    records = sources_dir / "records.csv"
    text = records.read_text().replace('"Soviet Report on Communists in Korea, 1945"',
                                       '"Soviet Report on\nCommunists in Korea, 1945"')
    records.write_bytes(text.replace("\n", "\r\n").encode())
    output = tmp_path / "archive.db"
    result = build("--sources", sources_dir, "--output", output)
    assert result.returncode == 0, result.stderr
    assert rows(output, "select title from documents where id = '1945-soviet-report'") == [
        ("Soviet Report on\nCommunists in Korea, 1945",)]


def test_progress_shows_on_a_terminal_and_nowhere_else(tmp_path):
    import os
    import pty

    quiet = build("--output", tmp_path / "quiet.db")
    assert quiet.returncode == 0
    assert quiet.stderr.count("\n") == quiet.stderr.count("warning:")  # nothing but warnings
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--output", str(tmp_path / "shown.db")],
        cwd=ROOT, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the build has ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=60) == 0
    text = shown.decode(errors="replace")
    for step in ("records.csv", "people.csv", "document_people.csv", "checking", "writing",
                 "correspondence", "indexes", "counts", "full text", "statistics"):
        assert step in text, step
    assert " s\r\n" in text or " s\n" in text  # each with the seconds it took


def test_timings_are_written_where_asked(tmp_path):
    timings = tmp_path / "timings.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--sources", str(SOURCES), "--output",
         str(tmp_path / "archive.db"), "--timings", str(timings)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seconds = json.loads(timings.read_text())
    assert list(seconds)[:3] == ["reading archives.csv", "reading document_types.csv",
                                "reading records.csv"]
    assert [name for name in seconds if not name.startswith("reading ")] == [
        "checking the rows as a whole", "people named but not linked", "writing",
        "correspondence", "indexes", "counts", "full text", "statistics"]
    assert all(value >= 0 for value in seconds.values())


def test_every_repeated_row_and_unknown_reference_names_its_own_line(tmp_path, sources_dir):
    # Two links given again, then a reference to nobody: each problem names its own line.
    links = sources_dir / "document_people.csv"
    header, first, second, *rest = links.read_text().splitlines()
    count = 1 + 2 + len(rest)
    links.write_text("\n".join([header, first, second, *rest, second, first,
                                "1945-soviet-report,nobody,author"]) + "\n")
    result = build("--sources", sources_dir, "--output", tmp_path / "archive.db")
    assert result.returncode == 1
    path = sources_dir / "document_people.csv"
    assert result.stderr.splitlines() == [
        f"error: {path}:{count + 1}: person_id: 'kim-il-sung' is already linked to "
        "'1946-08-29-kim-il-sung-speech' as author by an earlier row",
        f"error: {path}:{count + 2}: person_id: 'kim-il-sung' is already linked to "
        "'1945-soviet-report' as mentioned by an earlier row",
        f"error: {path}:{count + 3}: person_id: 'nobody' is not an id in people.csv",
        "3 problem(s); nothing was written.",
    ]


def test_documents_are_stored_in_the_order_a_reader_sees(archive_db, tmp_path, sources_dir):
    # Out of order in the file, and two of one date: rowids follow (date, id) all the same.
    records = sources_dir / "records.csv"
    header, *lines = records.read_text().splitlines()
    records.write_text("\n".join([header, *reversed(lines)]) + "\n")
    output = tmp_path / "archive.db"
    assert build("--sources", sources_dir, "--output", output).returncode == 0
    for path in (archive_db, output):
        by_rowid = rows(path, "select id from documents order by rowid")
        assert by_rowid == rows(path, "select id from documents order by date, id")
        assert len(by_rowid) == 20

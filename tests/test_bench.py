"""The benchmark and soak scripts work: run at a tiny scale, with no timed assertions."""

import json
import shutil
import sqlite3
import subprocess
import sys

from conftest import ROOT


def test_soak_runs_and_reports(archive_db, tmp_path):
    report_file = tmp_path / "soak.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "3", "--connections", "4",
         "--database", str(archive_db), "--json", str(report_file), "--ordinary-reads", "4"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(report_file.read_text())
    assert report["requests"] > 0 and report["errors"] == 0
    # Ordinary pages, alone and beside three runaway queries.
    assert set(report["ordinary_pages_ms"]) == {"alone", "beside_3_costly"}
    assert all(0 < figures["p50_ms"] <= figures["p95_ms"]
               for figures in report["ordinary_pages_ms"].values())
    assert report["server_rss_mb_before"] > 0 and report["server_rss_mb_after"] > 0
    assert set(report) >= {"requests", "errors", "intended_errors", "p99_ms"}
    # The costly requests among them are timed, and the server's peak memory is read.
    assert report["intended_errors"] > 0 and report["costly_worst_ms"] > 0
    assert report["worst_ms"] >= max(report["p99_ms"], report["costly_worst_ms"])
    assert report["server_rss_mb_peak"] >= report["server_rss_mb_after"]


def test_synth_is_deterministic_and_varied(tmp_path):
    import hashlib

    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    first = synth.write(400, tmp_path / "a", seed=3)
    second = synth.write(400, tmp_path / "b", seed=3)
    for path in first.iterdir():
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
            (second / path.name).read_bytes()).digest(), path.name
    with open(first / "records.csv", newline="") as file:
        dates = [row["date"] for row in __import__("csv").DictReader(file)]
    assert {len(date) for date in dates} == {4, 7, 10}  # years, months and days
    with open(first / "document_people.csv", newline="") as file:
        people = [row["person_id"] for row in __import__("csv").DictReader(file)]
    counts = sorted((people.count(person) for person in set(people)), reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]  # a few very prolific, most rare


def test_benchmark_runs_at_a_tiny_size(tmp_path):
    report_file = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--records", "300", "--repeat", "1",
         "--warm", "0", "--load-seconds", "0.5", "--connections", "2",
         "--throughput-seconds", "0.2", "--rounds", "1", "--throughput-connections", "2",
         "--json", str(report_file),
         "--work", str(tmp_path / "work"), "--peer", str(tmp_path / "no-peer")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(report_file.read_text())
    assert set(report) >= {"records", "build_s", "build_peak_mb", "floor_s", "peer_s",
                           "peer_peak_mb", "latency_ms", "load"}
    assert report["records"] == 300 and report["build_s"] > 0 and report["floor_s"] > 0
    assert report["database_mb"] > 0
    assert {"reading records.csv", "checking the rows as a whole", "writing", "full text",
            "statistics"} <= set(report["build_phases_s"])
    assert report["peer_s"] is None  # no csvs-to-sqlite given: skipped, not invented
    assert set(report["latency_ms"]) == {
        "documents_table", "search_rare", "search_mid", "search_common", "facet_type",
        "facet_year", "person_prolific", "document_row"}
    assert all(set(figures) == {"p50", "p95"} for figures in report["latency_ms"].values())
    assert all(set(figures) == {"p50", "p95"} for figures in report["more_latency_ms"].values())
    assert report["load"]["requests"] > 0 and report["load"]["errors"] == 0
    assert report["load"]["error_examples"] == []  # which pages failed, where any did
    # Every page a reader reaches answers (an error is over target, and named).
    readers = {**report["reader_latency_ms"], **report["reader_pair_latency_ms"]}
    assert len(readers) > 300 and not [name for name, figures in readers.items()
                                       if "error" in figures]
    assert {"type=telegram", "subjects has Subject 0", "people by sort_name desc",
            "search box, a name", "person query, most prolific",
            "year=1956&date_precision=day"} <= set(readers)
    assert isinstance(report["reader_over_target"], list)
    # RESULTS.md's summary tables, from the same figures: every page falls in a group.
    tables = subprocess.run([sys.executable, str(ROOT / "bench" / "report.py"), str(report_file)],
                            capture_output=True, text=True, timeout=60)
    assert tables.returncode == 0, tables.stderr
    assert "| every pair of type, year and precision values | 201 |" in tables.stdout
    assert "| full text |" in tables.stdout and "| table JSON |" in tables.stdout
    rates = report["throughput_rps"]
    assert set(rates) == {"table JSON", "table HTML", "row JSON", "row HTML", "facet",
                          "people table"}
    for figures in rates.values():
        assert figures["site"] > 0 and figures["datasette"] > 0
        assert figures["ratio"] == round(figures["site"] / figures["datasette"], 2)


def test_same_rows_compares_every_table_and_says_which_differ(archive_db, tmp_path):
    """bench/same_rows.py, by which a build is shown to hold the rows of another: a copy holds
    the same rows; a changed row is found in a table with rowids and in one WITHOUT ROWID
    (document_correspondents, which once stopped the script)."""
    def same_rows(other):
        return subprocess.run([sys.executable, str(ROOT / "bench" / "same_rows.py"),
                               str(archive_db), str(other)], capture_output=True, text=True,
                              timeout=120)

    copy = tmp_path / "copy.db"
    shutil.copy(archive_db, copy)
    result = same_rows(copy)
    assert (result.returncode, result.stdout.strip()) == (0, "the same rows"), result.stderr
    for table in ("documents", "document_correspondents"):
        changed = tmp_path / f"{table}.db"
        shutil.copy(archive_db, changed)
        with sqlite3.connect(changed) as connection:
            connection.execute("update documents set title = 'Changed'" if table == "documents"
                               else f"update {table} set authors = '[\"Changed\"]'")
        result = same_rows(changed)
        assert result.returncode == 1 and f"{table}: rows differ" in result.stdout, result

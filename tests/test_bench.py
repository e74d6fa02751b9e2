"""The benchmark and soak scripts work: run at a tiny scale, with no timed assertions."""

import json
import subprocess
import sys

from conftest import ROOT


def test_soak_runs_and_reports(archive_db, tmp_path):
    report_file = tmp_path / "soak.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), "--seconds", "3", "--connections", "4",
         "--database", str(archive_db), "--json", str(report_file)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(report_file.read_text())
    assert report["requests"] > 0 and report["errors"] == 0
    assert report["server_rss_mb_before"] > 0 and report["server_rss_mb_after"] > 0
    assert set(report) >= {"requests", "errors", "time_limit_errors", "p99_ms"}

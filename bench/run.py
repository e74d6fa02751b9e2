"""The benchmark: build, floor and peer on the same generated sources, then pages and load.

    python bench/run.py [--records 1000000] [--json FILE] [--work DIR] [--peer PATH]

Every figure comes from this one run, so the ratios (build/floor, build/peer) compare like
with like on whatever machine runs it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402
from stats import percentile  # noqa: E402

from kwp_archive.site import Server  # noqa: E402

# Runs a command in a fresh process and reports its wall time and the peak resident memory
# of the command alone (the largest child this little process waited for).
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def progress(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure(command):
    output = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, command)],
                            capture_output=True, text=True, check=True).stdout.split()
    seconds, peak_kb, code = float(output[-3]), int(output[-2]), int(output[-1])
    if code:
        raise RuntimeError(f"{command[0]} failed with exit status {code}")
    return round(seconds, 2), round(peak_kb / 1024, 1)


# sqlite-utils' own CLI on the same files: each CSV inserted as a table (its types detected,
# no keys, no indexes, no checks), then full-text search on the documents' title and summary.
_SQLITE_UTILS = """
set -e
for table in records people organisations document_people document_organisations; do
    "$0" insert "$1" "$table" "$2/$table.csv" --csv
done
"$0" enable-fts "$1" records title summary
"""


def sqlite_utils_peer(sources, output):
    command = Path(sys.executable).parent / "sqlite-utils"
    if not command.exists():
        return None, None
    output.unlink(missing_ok=True)
    return measure(["bash", "-c", _SQLITE_UTILS, command, output, sources])


def pages(records):
    """The pages to time, named, on a database built from synth.write(records)."""
    words = synth.vocabulary()
    prolific, _ = synth.person_name(0)  # the first person is the most linked (Zipf)
    middle = f"doc-{records // 2:08d}"
    return {
        "documents_table": "/archive/documents",
        "search_rare": "/archive/search?" + urlencode({"q": words[-1]}),
        "search_mid": "/archive/search?" + urlencode({"q": words[300]}),
        "search_common": "/archive/search?" + urlencode({"q": words[0]}),
        "facet_type": "/archive/documents?_facet=type",
        "facet_year": "/archive/documents?_facet=year",
        "person_prolific": "/archive/person?" + urlencode({"name": prolific}),
        "document_row": f"/archive/documents/{middle}",
    }


def more_pages(records):
    """Pages with no target in the issue, timed so that a slow one shows."""
    return {
        "home": "/",
        "timeline": "/archive/timeline",
        "correspondence": "/archive/correspondence",
        "by_year": "/archive/by_year",
        "by_type": "/archive/by_type",
        "citations": "/archive/citations",
        "documents_ris": "/archive/documents.ris",
        "person_row": "/archive/people/person-0000000",
    }


def reader_pages(records):
    """Pages a reader reaches by clicking from the home page (issue 16's list, in part):
    facet values alone and two at once, each sortable column both ways, the table's search
    box, a date range, the link tables filtered by their most linked party, the people and
    organisations tables, and the canned queries not timed above."""
    words = synth.vocabulary()
    prolific, _ = synth.person_name(0)
    return {
        "type=telegram": "/archive/documents?type=telegram",
        "year=1956": "/archive/documents?year=1956",
        "type=telegram&year=1956": "/archive/documents?type=telegram&year=1956",
        "date_precision=year": "/archive/documents?date_precision=year",
        "sort title": "/archive/documents?_sort=title",
        "sort title desc": "/archive/documents?_sort_desc=title",
        "sort date desc": "/archive/documents?_sort_desc=date",
        "search box, common word": "/archive/documents?" + urlencode({"_search": words[0]}),
        "search box, mid word": "/archive/documents?" + urlencode(
            {"_search": words[len(words) // 2]}),
        "search box, a name": "/archive/documents?" + urlencode({"_search": prolific}),
        "date range, a year": "/archive/documents?_date_from=1956&_date_to=1956",
        "document_people, most linked person": "/archive/document_people?person_id="
                                               "person-0000000",
        "document_organisations, most linked": "/archive/document_organisations?"
                                               "organisation_id=org-00000",
        "people": "/archive/people",
        "people by documents": "/archive/people?_sort_desc=document_count",
        "organisations": "/archive/organisations",
        "received": "/archive/received",
        "by_month": "/archive/by_month",
    }


def latency(base, path, repeat):
    timings = []
    for _ in range(repeat + 2):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as error:
            return {"error": f"HTTP {error.code}"}
        timings.append(time.perf_counter() - started)
    timings = sorted(timings[2:])  # the first two warm the caches
    return {"p50": round(percentile(timings, 50) * 1000, 1),
            "p95": round(percentile(timings, 95) * 1000, 1)}


def load(base, paths, seconds, connections):
    """Load from a second process: bench/soak.py against the running server."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        command = [sys.executable, str(HERE / "soak.py"), "--url", base, "--seconds",
                   str(seconds), "--connections", str(connections), "--json", report.name]
        for path in paths:
            command += ["--page", path]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        figures = json.loads(Path(report.name).read_text())
    return {"requests": figures["requests"], "errors": figures["errors"], "rps": figures["rps"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--work", help="folder for sources and databases (a temporary one)")
    parser.add_argument("--peer", default=str(ROOT / ".venv-peer" / "bin" / "csvs-to-sqlite"),
                        help="the csvs-to-sqlite command (skipped if it is not there)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page timed")
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)

    work = Path(args.work or tempfile.mkdtemp(prefix="kwp-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    progress(f"writing {args.records:,} records of sources into {work}")
    sources = synth.write(args.records, work / "sources")
    built, floor, peer = work / "archive.db", work / "floor.db", work / "peer.db"
    for path in (built, floor, peer):
        path.unlink(missing_ok=True)

    figures = {"records": args.records}
    progress("build.py")
    figures["build_s"], figures["build_peak_mb"] = measure(
        [sys.executable, ROOT / "build.py", "--sources", sources, "--output", built])
    progress(f"build: {figures['build_s']} s, {figures['build_peak_mb']} MB; the floor")
    figures["floor_s"], figures["floor_peak_mb"] = measure(
        [sys.executable, HERE / "floor.py", sources, floor])
    progress(f"floor: {figures['floor_s']} s; the peer")
    if Path(args.peer).exists():
        figures["peer_s"], figures["peer_peak_mb"] = measure([args.peer, sources, peer])
    else:
        figures["peer_s"] = figures["peer_peak_mb"] = None
    figures["build_over_floor"] = round(figures["build_s"] / figures["floor_s"], 2)
    if figures["peer_s"]:
        figures["build_over_peer"] = round(figures["build_s"] / figures["peer_s"], 2)

    progress(f"peer: {figures['peer_s']} s; sqlite-utils")
    figures["sqlite_utils_s"], figures["sqlite_utils_peak_mb"] = sqlite_utils_peer(
        sources, work / "sqlite-utils.db")
    progress(f"sqlite-utils: {figures['sqlite_utils_s']} s; pages")
    named = pages(args.records)
    with Server(built) as server:
        figures["latency_ms"] = {name: latency(server.base, path, args.repeat)
                                 for name, path in named.items()}
        figures["more_latency_ms"] = {name: latency(server.base, path, max(args.repeat // 3, 2))
                                      for name, path in more_pages(args.records).items()}
        figures["reader_latency_ms"] = {name: latency(server.base, path, max(args.repeat // 3, 2))
                                        for name, path in reader_pages(args.records).items()}
        progress(f"latencies: {figures['latency_ms']}; load")
        figures["load"] = load(server.base, list(named.values()), args.load_seconds,
                               args.connections)
        figures["server_rss_mb"] = server.rss_mb()
    figures["machine"] = {"cores": os.cpu_count(), "memory_gb": _memory_gb()}

    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    if not args.work:
        shutil.rmtree(work)


def _memory_gb():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


if __name__ == "__main__":
    main()

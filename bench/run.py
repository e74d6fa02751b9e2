"""The benchmark: build, floor and peer on the same generated sources, then pages and load.

    python bench/run.py [--records 1000000] [--json FILE] [--work DIR] [--peer PATH]

Every figure comes from this one run, so the ratios (build/floor, build/peer) compare like
with like on whatever machine runs it.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import statistics
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
import soak  # noqa: E402
import synth  # noqa: E402
from harness import Running, Server, free_port  # noqa: E402
from stats import percentile  # noqa: E402

# Runs a command in a fresh process and reports its wall time and its peak resident memory:
# the largest sum, sampled every 50 ms, of the resident memory of every process of its own
# process group (the build reads its sources in a second process), or the largest single
# process if that was larger.
_MEASURE = """
import os, resource, subprocess, sys, time
from pathlib import Path
page = os.sysconf("SC_PAGE_SIZE")
def group_rss(group):
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == group:
                total += int((stat.parent / "statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass  # gone while we looked
    return total
started = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, start_new_session=True)
peak = 0
while process.poll() is None:
    peak = max(peak, group_rss(process.pid))
    time.sleep(0.05)
seconds = time.perf_counter() - started
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(seconds, max(peak, largest) // 1024, process.returncode)
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
        # The largest listings' cards (synth.py gives the first subject and collection most).
        "subject_row": "/archive/subjects/subject-0000",
        "collection_row": "/archive/collections/collection-0000",
    }


def latency(base, path, repeat, warm=2):
    timings = []
    for _ in range(repeat + warm):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as error:
            return {"error": f"HTTP {error.code}"}
        timings.append(time.perf_counter() - started)
    timings = sorted(timings[warm:])  # the first ones warm the caches
    return {"p50": round(percentile(timings, 50) * 1000, 1),
            "p95": round(percentile(timings, 95) * 1000, 1)}


def load(base, paths, seconds, connections):
    """Load from this process (the server is another): bench/soak.py's clients, in equal
    shares over the paths."""
    results = asyncio.run(soak.soak(base, seconds, connections, soak.pages_workload(paths)))
    figures = soak.summarise(results, seconds, None, None)
    return {"requests": figures["requests"], "errors": figures["errors"], "rps": figures["rps"],
            "error_examples": figures["error_examples"]}


def reader_pages(records):
    """Every page a reader reaches by clicking from the home page (issue 16's list): the
    documents table with each facet value selected (the first 30 of an array facet, as
    many as it shows), each sortable column both ways, the table's search box, a date
    range, each link table by its most linked party, the tables of people, organisations,
    collections and subjects, and every canned query with its defaults and with the most
    prolific person or organisation. Pairs of facet values are in reader_pairs()."""
    words = synth.vocabulary()
    prolific, prolific_otherwise = synth.person_name(0)
    sizes = synth.counts(records)
    table, search = "/archive/documents?", "/archive/search?"
    named = {}
    for column, values in FACETS.items():
        for value in values:
            named[f"{column}={value}"] = table + urlencode({column: value})
    for argument, listing, label, size in (
            ("_collection", "collection", "Collection", sizes["collections"]),
            ("_subject", "subject", "Subject", sizes["subjects"])):
        for index in range(min(size, 30)):
            named[f"{listing}s has {label} {index}"] = table + urlencode(
                {argument: f"{listing}-{index:04d}"})
        # The largest listing with a type chosen from its facet (a listing's documents, each
        # looked up as they are walked in date order: pages.in_listing).
        for type_id, _, _ in synth.TYPES[:3]:
            named[f"{listing}s has {label} 0, type={type_id}"] = table + urlencode(
                {argument: f"{listing}-0000", "type": type_id})
    for name, columns in SORTABLE.items():
        for column in columns:
            named[f"{name} by {column}"] = f"/archive/{name}?_sort={column}"
            named[f"{name} by {column} desc"] = f"/archive/{name}?_sort_desc={column}"
    named.update({
        # The documents table's search box leads to the search query.
        "search box, rare word": search + urlencode({"q": words[-1]}),
        "search box, mid word": search + urlencode({"q": words[300]}),
        "search box, common word": search + urlencode({"q": words[0]}),
        "search box, a name": search + urlencode({"q": prolific}),
        "search box, a name spelled otherwise": search + urlencode({"q": prolific_otherwise}),
        "date range, a year": table + "_date_from=1956&_date_to=1956",
        "date range, a month": table + "_date_from=1956-08&_date_to=1956-08",
        "document_people, most linked person": "/archive/document_people?person_id="
                                               "person-0000000",
        "document_organisations, most linked": "/archive/document_organisations?"
                                               "organisation_id=org-00000",
        "document_collections, largest": "/archive/document_collections?collection_id="
                                         "collection-0000",
        "document_subjects, largest": "/archive/document_subjects?subject_id=subject-0000",
    })
    for name in ("documents", "people", "organisations", "collections", "subjects",
                 "document_types", "document_people", "document_organisations"):
        named[f"{name} table"] = f"/archive/{name}"
    for query in CANNED_QUERIES:
        named[f"{query} query"] = f"/archive/{query}"
    named.update({
        "search query, a name": "/archive/search?" + urlencode({"q": prolific}),
        "search query, a year": "/archive/search?" + urlencode(
            {"q": words[0], "date_from": "1956", "date_to": "1956"}),
        # The first year as well as the last: the date range was once read from the latest
        # match down, and 1945 took 1.45 s.
        "search query, the first year": "/archive/search?" + urlencode(
            {"q": words[0], "date_from": "1945", "date_to": "1945"}),
        "person query, most prolific": "/archive/person?" + urlencode({"name": prolific}),
        "person query, spelled otherwise": "/archive/person?" + urlencode(
            {"name": prolific_otherwise}),
        "organisation query, most linked": "/archive/organisation?name=Committee+0",
        "by_month query, a year": "/archive/by_month?date_from=1956&date_to=1956",
    })
    return named


def reader_pairs():
    """The documents table with two facet values at once, every pair of the counted ones."""
    pairs = {}
    columns = list(FACETS)
    for first, second in itertools.combinations(columns, 2):
        for one, other in itertools.product(FACETS[first], FACETS[second]):
            pairs[f"{first}={one}&{second}={other}"] = "/archive/documents?" + urlencode(
                {first: one, second: other})
    return pairs


FACETS = {"type": [type_id for type_id, _, _ in synth.TYPES],
          "year": list(range(1945, 1957)),
          "date_precision": ["year", "month", "day"]}
SORTABLE = {"documents": ("date", "title"), "people": ("sort_name", "name", "document_count"),
            "organisations": ("name", "document_count")}
CANNED_QUERIES = ("search", "person", "organisation", "timeline", "citations", "correspondence",
                  "received", "by_year", "by_month", "by_type")
# Issue 16's targets for every page a reader reaches.
READER_TARGET = {"p50": 100, "p95": 250}


def over_target(latencies):
    return sorted(name for name, figures in latencies.items()
                  if "error" in figures or figures["p50"] > READER_TARGET["p50"]
                  or figures["p95"] > READER_TARGET["p95"])


# Pages that plain Datasette serves too, for throughput side by side.
SIDE_BY_SIDE = {
    "table JSON": "/archive/documents.json",
    "table HTML": "/archive/documents",
    "row JSON": "/archive/documents/{middle}.json",
    "row HTML": "/archive/documents/{middle}",
    "facet": "/archive/documents?_facet=type",
    "people table": "/archive/people",
}


def throughput(database, records, seconds, connections, rounds=3):
    """Requests per second on each SIDE_BY_SIDE page under `connections` clients, for the
    site as served and for Datasette with suggest_facets off on the same file and inspect
    file (no plugins, no metadata). The two run at once and take turns, page by page,
    `rounds` times; each figure is the median of its rounds. (One server after another, the
    machine's drift between them moved a ratio by a tenth or more from run to run.)"""
    middle = f"doc-{records // 2:08d}"
    paths = {name: path.format(middle=middle) for name, path in SIDE_BY_SIDE.items()}
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        servers = {"site": stack.enter_context(Server(database))}
        inspect = Path(scratch) / "inspect-data.json"
        inspect.write_text(servers["site"].inspect_file.read_text())
        port = free_port()
        plain = [sys.executable, "-m", "datasette", "serve", "--immutable", str(database),
                 "--inspect-file", str(inspect), "--setting", "suggest_facets", "off",
                 "--host", "127.0.0.1", "--port", str(port)]
        servers["datasette"] = stack.enter_context(
            Running(plain, f"http://127.0.0.1:{port}"))
        figures = {}
        for name, path in paths.items():
            measured = {server_name: [] for server_name in servers}
            for _ in range(rounds):
                for server_name, server in servers.items():
                    measured[server_name].append(
                        load(server.base, [path], seconds, connections)["rps"])
            figures[name] = {server_name: round(statistics.median(rates), 1)
                             for server_name, rates in measured.items()}
    for rates in figures.values():
        rates["ratio"] = round(rates["site"] / rates["datasette"], 2)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--work", help="folder for sources and databases (a temporary one)")
    parser.add_argument("--peer", default=str(ROOT / ".venv-peer" / "bin" / "csvs-to-sqlite"),
                        help="the csvs-to-sqlite command (skipped if it is not there)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page timed")
    parser.add_argument("--warm", type=int, default=2,
                        help="requests per page before those timed, to warm the caches")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the throughput")
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--throughput-seconds", type=float, default=3)
    parser.add_argument("--throughput-connections", type=int, default=16)
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
    timings = work / "build-timings.json"
    figures["build_s"], figures["build_peak_mb"] = measure(
        [sys.executable, ROOT / "build.py", "--sources", sources, "--output", built,
         "--timings", timings])
    figures["build_phases_s"] = json.loads(timings.read_text())
    figures["database_mb"] = round(built.stat().st_size / 1024 / 1024, 1)
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
        figures["latency_ms"] = {name: latency(server.base, path, args.repeat, args.warm)
                                 for name, path in named.items()}
        fewer = max(args.repeat // 3, 1)
        figures["more_latency_ms"] = {name: latency(server.base, path, fewer, args.warm)
                                      for name, path in more_pages(args.records).items()}
        progress("reader pages")
        figures["reader_latency_ms"] = {
            name: latency(server.base, path, max(args.repeat // 3, 1), args.warm)
            for name, path in reader_pages(args.records).items()}
        figures["reader_pair_latency_ms"] = {
            name: latency(server.base, path, max(args.repeat // 6, 1), args.warm)
            for name, path in reader_pairs().items()}
        figures["reader_over_target"] = over_target(
            {**figures["reader_latency_ms"], **figures["reader_pair_latency_ms"]})
        progress(f"latencies: {figures['latency_ms']}; load")
        figures["load"] = load(server.base, list(named.values()), args.load_seconds,
                               args.connections)
        figures["server_rss_mb"] = server.rss_mb()
    progress("throughput side by side with Datasette")
    figures["throughput_rps"] = throughput(built, args.records, args.throughput_seconds,
                                           args.throughput_connections, args.rounds)
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

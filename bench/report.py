"""The tables of bench/RESULTS.md that summarise a run, from its JSON.

    python bench/report.py bench/latest.json

Prints, in Markdown: where the build's time went, the pages a reader reaches grouped as
RESULTS.md groups them (with the slowest of each group and every page over target), and
the throughput beside Datasette.
"""

import json
import sys

# (label, which pages of reader_latency_ms or reader_pair_latency_ms) in the order shown;
# a page goes to the first group that takes it.
GROUPS = [
    ("each type, year and precision alone", "reader_latency_ms",
     lambda name: name.split("=")[0] in ("type", "year", "date_precision") and "&" not in name),
    ("each collection (12) and the 30 subjects a facet shows", "reader_latency_ms",
     lambda name: " has " in name),
    ("every pair of type, year and precision values", "reader_pair_latency_ms",
     lambda name: True),
    ("each sortable column both ways", "reader_latency_ms", lambda name: " by " in name),
    ("the search box (the search query it leads to)", "reader_latency_ms",
     lambda name: name.startswith("search box")),
    ("date ranges", "reader_latency_ms", lambda name: name.startswith("date range")),
    ("link tables by their largest party", "reader_latency_ms",
     lambda name: name.startswith("document_") and "," in name),
    ("tables", "reader_latency_ms", lambda name: name.endswith(" table")),
    ("canned queries, defaults", "reader_latency_ms", lambda name: name.endswith(" query")),
    ("canned queries, a prolific person or organisation", "reader_latency_ms",
     lambda name: " query, " in name),
]


def build_phases(figures):
    phases = figures["build_phases_s"]
    reading = {name: seconds for name, seconds in phases.items() if name.startswith("reading ")}
    lines = ["| phase | seconds |", "| --- | --- |",
             f"| reading and checking the files, inserting their rows | "
             f"{round(sum(reading.values()), 1)} |"]
    lines += [f"| {name} | {seconds} |" for name, seconds in reading.items() if seconds >= 0.5]
    lines += [f"| {name} | {seconds} |" for name, seconds in phases.items()
              if name not in reading]
    return lines


def reader_pages(figures):
    lines = ["| pages | count | p50 ms, median of pages | p50 ms, slowest page "
             "| p95 ms, slowest page | slowest page |", "| --- | --- | --- | --- | --- | --- |"]
    placed = set()
    for label, source, takes in GROUPS:
        chosen = {name: timing for name, timing in figures[source].items()
                  if (source, name) not in placed and takes(name)}
        placed |= {(source, name) for name in chosen}
        if not chosen:
            continue
        medians = sorted(timing["p50"] for timing in chosen.values())
        slowest = max(chosen, key=lambda name: chosen[name]["p50"])
        lines.append(f"| {label} | {len(chosen)} | {medians[len(medians) // 2]} | "
                     f"{chosen[slowest]['p50']} | "
                     f"{max(timing['p95'] for timing in chosen.values())} | `{slowest}` |")
    left = [name for source in ("reader_latency_ms", "reader_pair_latency_ms")
            for name in figures[source] if (source, name) not in placed]
    if left:
        raise SystemExit(f"pages in no group: {left}")
    over = ", ".join(f"`{name}`" for name in figures["reader_over_target"]) or "none"
    return lines + ["", f"Over target (p50 > 100 ms or p95 > 250 ms): {over}"]


def throughput(figures):
    lines = ["| page (16 connections) | site | Datasette | ratio |", "| --- | --- | --- | --- |"]
    for name, rates in figures["throughput_rps"].items():
        lines.append(f"| {name} | {rates['site']} | {rates['datasette']} | {rates['ratio']} |")
    return lines


def main(argv=None):
    [path] = (argv if argv is not None else sys.argv[1:]) or ["bench/latest.json"]
    figures = json.loads(open(path, encoding="utf-8").read())
    for table in (build_phases, reader_pages, throughput):
        print("\n".join(table(figures)), end="\n\n")


if __name__ == "__main__":
    main()

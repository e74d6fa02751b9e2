"""How the site is served: the one place that says which files and settings Datasette gets.
`make run` and the published app serve with `python -m kwp_archive.site`; the tests and the
benchmark start the same command (bench/harness.py) or build their Datasette from the same
SETTINGS and paths, so what is tested is what is served."""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The database's name on the site: archive.db is served as /archive.
DATABASE = "archive"
METADATA = ROOT / "metadata.yml"
PLUGINS = ROOT / "plugins"
TEMPLATES = ROOT / "templates"
SETTINGS = {
    # Facet suggestions run a query per column on every table page: costly, and noisy.
    "suggest_facets": False,
    # Ad hoc SQL is a feature; a runaway query must not hold a worker for long.
    "sql_time_limit_ms": 1000,
}


def serve_command(database, inspect_file, host="127.0.0.1", port=8001):
    """The `datasette serve` command line for an immutable database and its inspect file."""
    command = ["datasette", "serve", "--immutable", str(database),
               "--inspect-file", str(inspect_file), "--metadata", str(METADATA),
               "--plugins-dir", str(PLUGINS), "--template-dir", str(TEMPLATES),
               "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        command += ["--setting", name, str(value)]
    return command


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the archive with Datasette.")
    parser.add_argument("--database", default="archive.db")
    parser.add_argument("--inspect-file", default="inspect-data.json")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    command = serve_command(args.database, args.inspect_file, args.host, args.port)
    # Replace this process, so that stopping `make run` stops the server.
    os.execv(sys.executable, [sys.executable, "-m", *command])


if __name__ == "__main__":
    main()

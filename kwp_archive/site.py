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


def served(database, beside):
    """The path to serve for `database`: a hard link to it, `.served/<name>` in the folder
    `beside` (the inspect file's). The server then reads the file it started with, whole,
    until it is restarted: a rebuild renames a new file over the database, and Datasette,
    which opens a connection per thread when each is first used, would otherwise answer
    half old, half new. (Not a symbolic link: Datasette resolves those to the file's name.)
    Where no hard link can be made (another file system), the database itself."""
    database = Path(database)
    link = Path(beside) / ".served" / database.name
    try:
        link.parent.mkdir(exist_ok=True)
        link.unlink(missing_ok=True)
        os.link(database, link)
    except OSError as error:
        print(f"serving {database} itself ({error.strerror}): a rebuild while it serves "
              "mixes old and new answers until a restart", file=sys.stderr)
        return database
    return link


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the archive with Datasette.")
    parser.add_argument("--database", default="archive.db")
    parser.add_argument("--inspect-file", default="inspect-data.json")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    database = served(args.database, Path(args.inspect_file).resolve().parent)
    command = serve_command(database, args.inspect_file, args.host, args.port)
    # Replace this process, so that stopping `make run` stops the server.
    os.execv(sys.executable, [sys.executable, "-m", *command])


if __name__ == "__main__":
    main()

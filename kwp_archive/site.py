"""How the site is served: the one place that says which files and settings Datasette gets.
`make run` and the published app serve with `python -m kwp_archive.site`; the tests and the
benchmark start the same command (bench/harness.py) or build their Datasette from the same
SETTINGS and paths, so what is tested is what is served."""

import argparse
import asyncio
import copy
import json
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
    # Threads that run SQL: six, so that three runaway queries (each up to the time limit)
    # leave readers threads to run on. With Datasette's three, ordinary pages waited 2 s (p50)
    # behind them; with six, 50 ms, against 17 ms alone (make soak; bench/RESULTS.md).
    "num_sql_threads": 6,
}


# Connections and requests at once, past which the server answers 503 rather than take
# more: each holds a socket and memory. The soak runs 64 readers at once.
MAX_CONCURRENT = 256
# How long an idle kept-alive connection is held, in seconds; and how long one may take to send
# a request's head (uvicorn waits for ever: half-sent requests once took every file the server
# could open, README's limits say more).
KEEP_ALIVE = HALF_SENT = 5
# Connections open at once, past which a new one is closed as it comes, so that the server
# never runs out of files: at most a thousand, and a hundred fewer than it may open.
MAX_OPEN = 1024
# The longest address written to the log: a 90 KB address would be 90 KB of log a request.
LOGGED_PATH = 300


def datasette(database, inspect_file):
    """Datasette as `datasette serve --immutable DATABASE --inspect-file ...` would make it,
    with the site's metadata, plugins, templates and settings. (Datasette and uvicorn are
    imported to serve, not by the build, which reads this module's paths.)"""
    from datasette.app import Datasette
    from datasette.utils import parse_metadata

    return Datasette(immutables=[str(database)],
                     inspect_data=json.loads(Path(inspect_file).read_text()),
                     metadata=parse_metadata(METADATA.read_text(encoding="utf-8")),
                     plugins_dir=str(PLUGINS), template_dir=str(TEMPLATES), settings=SETTINGS)


def _log_config():
    """Uvicorn's logging, its access lines with the address cut to LOGGED_PATH."""
    from uvicorn.config import LOGGING_CONFIG
    from uvicorn.logging import AccessFormatter

    class ShortAccessFormatter(AccessFormatter):
        def formatMessage(self, record):
            client, method, path, *rest = record.args
            if len(path) > LOGGED_PATH:
                record.args = (client, method, path[:LOGGED_PATH] + "…", *rest)
            return super().formatMessage(record)

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"]["()"] = ShortAccessFormatter
    return config


def _protocol():
    """Uvicorn's HTTP/1.1 protocol, closing a connection that has sent no complete request
    HALF_SENT seconds after it opened or after its last answer, and one past MAX_OPEN."""
    import resource

    from uvicorn.protocols.http.h11_impl import H11Protocol

    most = min(MAX_OPEN, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 100)

    class Bounded(H11Protocol):
        def connection_made(self, transport):
            super().connection_made(transport)
            if len(self.connections) > most:
                transport.abort()
            else:
                self._wait_for_a_request()

        def on_response_complete(self):
            super().on_response_complete()
            self._wait_for_a_request()

        def _wait_for_a_request(self):
            self.loop.call_later(HALF_SENT, self._close_unless_answering, self.cycle)

        def _close_unless_answering(self, cycle_then):
            idle = cycle_then is None or cycle_then.response_complete
            if self.cycle is cycle_then and idle and not self.transport.is_closing():
                self.transport.abort()

    return Bounded


def serve(database, inspect_file, host="127.0.0.1", port=8001):
    """Serve as `datasette serve` does (its startup hooks, then uvicorn), with uvicorn's own
    bounds that the command does not pass (connections at once, idle time, logged length),
    and those it has not (half-sent requests, open connections)."""
    import uvicorn

    site = datasette(database, inspect_file)
    asyncio.run(site.invoke_startup())
    uvicorn.run(site.app(), host=host, port=port, log_level="info", lifespan="on", workers=1,
                limit_concurrency=MAX_CONCURRENT, timeout_keep_alive=KEEP_ALIVE,
                http=_protocol(), log_config=_log_config())


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
    serve(served(args.database, Path(args.inspect_file).resolve().parent), args.inspect_file,
          args.host, args.port)


if __name__ == "__main__":
    main()

"""A reader's full-text SQL, run first in a process of its own that can be stopped.

One FTS5 step reads every term of its expression, and no time limit interrupts a step: a long
expression held a worker for many seconds, or grew it by hundreds of MB (README's limits).
plugins/full_text_trial.py runs such SQL here before Datasette does, and refuses it if this
process runs past MAX_CPU seconds or MAX_GROWTH bytes; otherwise Datasette runs it as usual.

The query runs whole, with no time limit between its steps: a query that costs less than
MAX_CPU in all costs less in one step. Reads {"database", "sql", "params"} as JSON on stdin;
prints {"outcome": ...} as JSON: "done", "memory", or "error" with the message (Datasette will
report it). Past MAX_CPU the kernel stops the process (SIGXCPU)."""

import json
import resource
import sqlite3
import sys

from . import connection

MAX_CPU = 2  # seconds
MAX_GROWTH = 100 * 1024 * 1024  # bytes beyond what the process holds before the query
ROWS = 1001  # as many as Datasette reads of a result (max_returned_rows, and one more)


def _virtual_size():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def run(database, sql, params):
    conn = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
    connection.prepare(conn)
    limit = _virtual_size() + MAX_GROWTH
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.execute(sql, params).fetchmany(ROWS)
    except MemoryError:
        return {"outcome": "memory"}
    except sqlite3.Error as error:
        if "out of memory" in str(error):
            return {"outcome": "memory"}
        return {"outcome": "error", "message": str(error)}
    return {"outcome": "done"}


def main():
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_CPU, MAX_CPU))
    request = json.load(sys.stdin)
    print(json.dumps(run(request["database"], request["sql"], request["params"])))


if __name__ == "__main__":
    main()

"""A reader's full-text SQL, run first in a process of its own that can be stopped.

One FTS5 step reads every term of its expression, and no time limit interrupts a step: a long
expression held a worker for many seconds, or grew it by hundreds of MB (README's limits).
plugins/limits.py has passes() run such SQL here before Datasette does, and refuses it unless
this process ends within MAX_CPU seconds and MAX_GROWTH bytes; otherwise Datasette runs it as
usual.

The query runs whole, with no time limit between its steps: a query that costs less than
MAX_CPU in all costs less in one step. The process reads {"database", "sql", "params"} as JSON
on stdin and prints {"outcome": ...} as JSON: "done", "memory", or "error" with the message
(Datasette will report it). Past MAX_CPU the kernel stops it (SIGXCPU)."""

import asyncio
import json
import os
import resource
import signal
import sqlite3
import sys

from . import connection

MAX_CPU = 2  # seconds
MAX_GROWTH = 100 * 1024 * 1024  # bytes beyond what the process holds before the query
ROWS = 1001  # as many as Datasette reads of a result (max_returned_rows, and one more)
# Trials at once: each is a process of up to MAX_GROWTH and MAX_CPU of a core.
_TRIALS = asyncio.Semaphore(2)
_WALL = 10  # seconds a trial may wait for a core, beyond its own MAX_CPU


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


async def passes(database, sql, params):
    """Whether `sql` ran to its end in a trial on `database` (a path), or SQLite refused it
    (an error Datasette will report); not where the trial was stopped, or said nothing."""
    async with _TRIALS:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kwp_archive.trial", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True)  # its own group, to stop whole
        request = json.dumps({"database": database, "sql": sql, "params": params}).encode()
        try:
            out, _ = await asyncio.wait_for(process.communicate(request), _WALL)
        except TimeoutError:
            return False
        finally:  # past the wait, or the reader gone: the trial goes too
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
    # A process that ended otherwise was stopped past its CPU (SIGXCPU), or out of memory.
    return process.returncode == 0 and json.loads(out)["outcome"] in ("done", "error")


def main():
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_CPU, MAX_CPU))
    request = json.load(sys.stdin)
    print(json.dumps(run(request["database"], request["sql"], request["params"])))


if __name__ == "__main__":
    main()

"""A reader's own SQL that reaches a full-text index (?sql= naming documents_fts or people_fts)
is tried first in a process that can be stopped (kwp_archive/trial.py), and refused if one of
its steps would hold a worker past two seconds or grow it by 100 MB; ?_where= may not reach
the index at all (?_search= and ?sql= do). FTS5 tables are reached only by name: SQLite has no
other way to them, and this database no view or trigger that reads them."""

import asyncio
import json
import os
import signal
import sys
from urllib.parse import parse_qsl

from datasette import Response, hookimpl
from datasette.utils import derive_named_parameters

from kwp_archive import trial

# In any case: SQLite's names are ASCII case-insensitive ("DOCUMENTS_FTS" is the same table).
_FULL_TEXT = "_fts"
# Trials at once: each is a process of up to 100 MB and two seconds of a core.
_TRIALS = asyncio.Semaphore(2)
_WALL = 10  # seconds a trial may wait for a core, beyond its own two of CPU


def _refusal(path, message):
    if path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": 400}, status=400)
    return Response.text(message, status=400)


async def _try(database, sql, args):
    """How the trial of `sql` on `database` (a Datasette Database) ended; its parameters as
    Datasette binds them, each the first value of its name, or empty."""
    params = {name: args.get(name, "") for name in await derive_named_parameters(database, sql)}
    async with _TRIALS:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kwp_archive.trial", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True)  # its own group, to stop whole
        request = json.dumps({"database": database.path, "sql": sql, "params": params}).encode()
        try:
            out, _ = await asyncio.wait_for(process.communicate(request), _WALL)
        except TimeoutError:
            return "time"
        finally:  # past the wait, or the reader gone: the trial goes too
            if process.returncode is None:
                os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
    if process.returncode != 0:
        return "stopped"  # past its CPU limit (SIGXCPU), or out of memory before it could say
    return json.loads(out)["outcome"]


async def _refused(datasette, path, args):
    """Why a request is refused, or None: the first ?sql= is the one Datasette runs, its
    parameters the first of each name; every ?_where= counts."""
    wheres = [value for name, value in args if name == "_where"]
    if any(_FULL_TEXT in where.lower() for where in wheres):
        return ("_where may not search the full-text index: use _search=, the search page, "
                "or SQL of your own (?sql=)")
    sql = next((value for name, value in args if name == "sql"), "")
    if _FULL_TEXT not in sql.lower():
        return None
    try:
        database = datasette.get_database(route=path.strip("/").split("/")[0].rsplit(".")[0])
    except KeyError:
        return None  # Datasette answers 404
    firsts = {}
    for name, value in args:
        firsts.setdefault(name, value)
    # Only a trial that ended ("done", or SQLite's own error, which Datasette will report)
    # lets the query through.
    if await _try(database, sql, firsts) not in ("done", "error"):
        return (f"this full-text query would take more than {trial.MAX_CPU} seconds or 100 MB "
                "in one step: use fewer terms (the search page's fts_query() keeps them few)")
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def tried(scope, receive, send):
            if scope["type"] == "http" and scope["query_string"]:
                args = parse_qsl(scope["query_string"].decode("latin-1"))
                message = (await _refused(datasette, scope["path"], args)
                           if any(name in ("sql", "_where") for name, _ in args) else None)
                if message:
                    return await _refusal(scope["path"], message).asgi_send(send)
            await app(scope, receive, send)
        return tried
    return wrap

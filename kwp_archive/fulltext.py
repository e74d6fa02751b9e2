"""The full-text indexes, built by a second process while the first builds the rest.

Folding the names and indexing the documents' text is the longest part of a build, and it
needs nothing that the date order, indexes and summaries write. So once the rows it reads
are in (kwp_archive.database.FULL_TEXT_READS), the build's database goes into WAL mode, a
second process reads it as it stands (WAL keeps that snapshot for it while the first
process writes on: the rest of the rows, then the other phases) and builds documents_fts and
people_fts into a file of its own, each document under the rowid the date order gives it
(kwp_archive.database.documents_full_text). The first process then copies in the tables that
FTS5 keeps each index in, which are all an FTS5 index is. The result is the index that one
process builds after the date order.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from . import database

# How the second process is started: its own interpreter (a process forked from one with an
# open SQLite database must not open that database again), importing this package from
# wherever this build found it.
_SECOND_PROCESS = """
import sys
sys.path.insert(0, sys.argv[1])
from kwp_archive import fulltext
fulltext.build_into(sys.argv[2], sys.argv[3])
"""


@contextmanager
def in_second_process(connection):
    """Start building the full-text indexes of `connection`'s database, whose rows of
    FULL_TEXT_READS are all in (and not yet in date order), in a second process. Yields a
    function that waits for that process, copies its indexes into the database and returns
    the seconds the process took. On the way out the process is stopped, whatever happened,
    and its file removed."""
    path = Path(connection.execute("PRAGMA database_list").fetchone()[2])
    index_file = path.with_name(path.name + ".fts.tmp")
    connection.execute("PRAGMA journal_mode = WAL")
    process = subprocess.Popen(
        [sys.executable, "-c", _SECOND_PROCESS, str(Path(__file__).parent.parent), str(path),
         str(index_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)

    def failed(errors):
        lines = errors.strip().splitlines()
        # The second process's own SQL is the build's; what fails there is the disk. Its
        # traceback ends with the error ("sqlite3.OperationalError: database or disk is
        # full"): the message is what the build reports.
        message = lines[-1].split(": ", 1)[-1] if lines else (
            f"the full-text process ended with status {process.returncode}")
        return sqlite3.OperationalError(message)

    def copy_in():
        # Not communicate(): it reads the pipes' descriptors, past what readline() below
        # may already hold in the stream's buffer. A traceback fits in the pipe's buffer.
        output, errors = process.stdout.read(), process.stderr.read()
        if process.wait() != 0:
            raise failed(errors)
        _without_wal(connection)
        connection.executescript(database.FULL_TEXT_TABLES)
        connection.execute("ATTACH DATABASE ? AS full_text", (str(index_file),))
        connection.executescript("".join(
            f"DELETE FROM main.{table};\n"
            f"INSERT INTO main.{table} SELECT * FROM full_text.{table};\n"
            for table in database.FULL_TEXT_SHADOW_TABLES))
        connection.execute("DETACH DATABASE full_text")
        database.gather_full_text_statistics(connection)
        return float(output.split()[-1])

    try:
        # Nothing changes until the second process holds its snapshot of the rows as read.
        if process.stdout.readline() != f"{_READING}\n":
            errors = process.stderr.read()
            process.wait()
            raise failed(errors)
        yield copy_in
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
        index_file.unlink(missing_ok=True)
        try:
            _without_wal(connection)
        except sqlite3.Error:
            pass  # the error on its way out says more


def _without_wal(connection):
    # Nobody reads the snapshot any more: the pages written meanwhile go home, WAL's files
    # go, and the build writes without a journal again, as atomic() set it up.
    [mode] = connection.execute("PRAGMA journal_mode = DELETE").fetchone()
    if mode != "delete":
        raise sqlite3.OperationalError(f"the database stayed in {mode} mode")
    connection.execute("PRAGMA journal_mode = OFF")


def build_into(source, index_file):
    """What the second process does: the full-text indexes of the database at `source`
    (read only), written into a new database at `index_file`. Prints the seconds it took."""
    started = time.monotonic()
    # For its first seconds three processes share the machine's two cores: this one, and the
    # first process with its reader, still reading the files this one does not need. The
    # first has the more to do after, so it goes first.
    os.nice(_NICENESS)
    # Stopping the build stops this at once; the first process reports why.
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    connection = sqlite3.connect(f"file:{quote(index_file)}", uri=True, isolation_level=None)
    connection.execute(f"PRAGMA page_size = {database.PAGE_SIZE}")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    # The build's tables resolve to the attached database: this one holds only the index.
    connection.execute("ATTACH DATABASE ? AS source", (f"file:{quote(source)}?mode=ro",))
    # One read transaction from here to the end: WAL shows it the rows as they are now,
    # whatever the first process writes once told.
    connection.execute("BEGIN")
    connection.execute("SELECT 1 FROM source.documents LIMIT 1").fetchall()
    print(_READING, flush=True)
    for statement in database.statements(database.FULL_TEXT_TABLES):
        connection.execute(statement)
    database.write_full_text(connection)
    connection.execute("COMMIT")
    connection.close()
    print(round(time.monotonic() - started, 2))


# How much less than the first process this one gets when they share a core: at 5, about a
# third as much (Linux's scheduler). At a million records the build took 65.2 s with it and
# 67.1 s without; at 10, 64.1 s, within what one build varies from the next.
_NICENESS = 5

# What the second process says once it holds its snapshot.
_READING = "reading"

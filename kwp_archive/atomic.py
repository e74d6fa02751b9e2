"""A database written in a temporary file beside its destination and renamed over it only
when complete: a build that fails, or is stopped, leaves the previous database as it was."""

import errno
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .schema import PAGE_SIZE


@contextmanager
def database(output, schema, before_replace=None):
    """A connection, outside any transaction, to a new database with `schema` in a temporary
    file beside `output`, renamed over it when the block completes (after `before_replace(path)`).
    A failure or signal leaves `output` as it was; a killed build's file goes at the next."""
    output = Path(output)
    remove_abandoned(output)
    descriptor, temporary = tempfile.mkstemp(
        dir=output.parent, prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp")
    os.close(descriptor)
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        # Signal handlers run within a long statement too: a SIGTERM stops the build at once.
        connection.set_progress_handler(lambda: 0, 100_000)
        # The file is private until it is renamed into place, so a crash needs no journal.
        connection.executescript(f"PRAGMA page_size = {PAGE_SIZE}; PRAGMA journal_mode = OFF; "
                                 f"PRAGMA synchronous = OFF; {schema}")
        yield connection
        connection.close()
        if before_replace is not None:
            before_replace(temporary)
        # mkstemp makes the file private (0600); like any file, it is for all the umask allows.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, output)
    except BaseException:
        connection.close()
        os.unlink(temporary)
        raise


def remove_abandoned(output):
    """Remove the temporary files of builds of `output` killed outright: a running one's stay."""
    for path in Path(output).parent.glob(f".{Path(output).name}.*.tmp*"):
        pid = path.name[len(Path(output).name) + 2:].split(".", 1)[0]
        if not (pid.isdigit() and _running(int(pid))):
            path.unlink(missing_ok=True)  # another build may have removed it first


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


# Marks a directory as written by these tools (a data package, the published app).
OURS = ".written-by-kwp-archive"


def our_directory(directory, empty=False):
    """`directory` if it is new, empty or marked as ours (OURS), then emptied and marked if
    `empty`. Any other holds someone's files (a clone, the sources): refused, not replaced."""
    directory = Path(directory)
    if directory.is_dir() and any(directory.iterdir()) and not (directory / OURS).is_file():
        raise FileExistsError(errno.EEXIST, "holds files these tools did not write (it has no "
                              f"{OURS}): choose a new or empty directory", str(directory))
    if empty:
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        (directory / OURS).touch()
    return directory

"""The sources read and checked in a second process, while the first inserts their rows.

Reading and checking a CSV row costs Python about as much as SQLite's inserting it, and
Python runs one thread at a time, so the two only overlap in two processes. The reader
process runs the loaders of kwp_archive.sources, exactly as one process would, on its own
copy of the readers; it sends their rows in batches, with what the loaders noted about them
(lines, problems, warnings, how far into the file). Here those notes are applied to the
building process's readers as each batch is handed on, so that after a file is read its
reader is as if it had been read here.
"""

import fcntl
import multiprocessing
import signal
from array import array

# Rows a message carries: enough that sending them costs little per row, few enough that
# a batch of a million-record file is about a megabyte.
BATCH = 500
PIPE_SIZE = 1024 * 1024


class ReaderFailed(Exception):
    """The reader process failed outside the checks of the sources (the machine's fault)."""


class Reading:
    """The rows of each file of `loads` ((table, filename, read) in order), read by a second
    process from `files` (kwp_archive.sources.readers). Use as a context manager: the process
    is stopped on the way out, however the build ends."""

    def __init__(self, loads, files):
        self.loads = loads
        self.files = files
        context = multiprocessing.get_context("fork")
        self.received, sending = context.Pipe(duplex=False)
        _widen(sending)
        self.process = context.Process(target=_read, args=(loads, files, sending),
                                       daemon=True, name="kwp-archive-reader")
        self.sending = sending

    def __enter__(self):
        self.process.start()
        self.sending.close()  # the child holds the sending end; EOF here if it dies
        return self

    def __exit__(self, *exc):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.received.close()

    def batches(self, filename):
        """The rows of `filename` (the next file in the order of `loads`), a list at a time,
        with each row's line noted in its reader as the list is handed on, as the loader
        itself would."""
        reader = self.files[filename]
        problems, warnings = reader.problems, reader.warnings
        while True:
            try:
                message = self.received.recv()
            except EOFError:
                raise ReaderFailed("the process reading the sources stopped") from None
            if isinstance(message, BaseException):
                raise message
            sent_filename, rows, lines, notes = message
            assert sent_filename == filename, (sent_filename, filename)
            problems.extend(notes["problems"])
            warnings.extend(notes["warnings"])
            reader.bytes_read = notes["bytes_read"]
            reader.lines.extend(lines)
            if rows:
                yield rows
            if "refused_ids" in notes:  # the file's last message
                reader.usable = notes["usable"]
                reader.refused_ids = notes["refused_ids"]
                reader.header = notes["header"]
                return


def _widen(connection):
    """Lets the pipe hold several batches, so that the reader goes on reading while the
    builder inserts (64 KB, Linux's default, holds less than one)."""
    try:
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (AttributeError, OSError):
        pass  # not Linux, or a lower limit: slower, not wrong


def _read(loads, files, sending):
    # A signal to the build stops this process at once; the building process reports it.
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    try:
        for _, filename, read in loads:
            _send_file(files[filename], read, filename, sending)
    except BaseException as error:  # noqa: BLE001 - whatever it is, the builder raises it
        try:
            sending.send(error)
        except Exception:  # an exception that cannot be pickled
            sending.send(ReaderFailed(f"reading the sources failed: {error!r}"))
    finally:
        sending.close()


def _send_file(reader, read, filename, sending):
    # Each reader here is this process's own copy; what its loader notes in it is sent on and
    # then forgotten, so that memory stays that of one batch.
    problems, warnings = reader.problems, reader.warnings
    rows = []

    def send(last=False):
        notes = {"problems": problems[:], "warnings": warnings[:],
                 "bytes_read": reader.bytes_read}
        if last:
            notes.update(usable=reader.usable, refused_ids=reader.refused_ids,
                         header=reader.header)
        sending.send((filename, rows, reader.lines, notes))
        del problems[:], warnings[:]
        reader.lines = array("I")

    for row in read(reader):
        rows.append(row)
        if len(rows) == BATCH:
            send()
            rows = []
    send(last=True)

"""What a long build shows on a terminal: each file read (rows, and a bar by bytes), then each
phase after the rows are in. Without a terminal (CI, a pipe, a test) it shows nothing."""

import sys
import time
from contextlib import contextmanager

import click


class Silent:
    """No progress: what the build reports when nobody is watching."""

    @contextmanager
    def reading(self, path):
        yield lambda bytes_read, rows: None

    @contextmanager
    def phase(self, name):
        yield

    def elsewhere(self, name, seconds):
        """A phase that ran beside the others, in another process, taking `seconds`."""


class Terminal(Silent):
    """Progress on standard error, for a person at a terminal."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream

    @contextmanager
    def reading(self, path):
        size = max(path.stat().st_size, 1) if path.is_file() else 1
        with click.progressbar(length=size, label=f"{path.name:<28}", file=self.stream,
                               show_pos=False, show_percent=True, width=30,
                               item_show_func=lambda rows: f"{rows:,} rows" if rows else "",
                               ) as bar:
            done = {"bytes": 0}

            def advance(bytes_read, rows):
                bar.update(bytes_read - done["bytes"], rows)
                done["bytes"] = bytes_read

            yield advance
            bar.update(size - done["bytes"])

    @contextmanager
    def phase(self, name):
        started = time.monotonic()
        click.echo(f"{name:<28} …", file=self.stream, nl=False)
        yield
        click.echo(f"\r{name:<28} {time.monotonic() - started:6.1f} s", file=self.stream)

    def elsewhere(self, name, seconds):
        click.echo(f"{name:<28} {seconds:6.1f} s, beside the phases above", file=self.stream)


class Timed(Silent):
    """Another progress, with the seconds each file and phase took kept in `seconds`, for
    the benchmark's table of where a build's time goes."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = {}

    @contextmanager
    def reading(self, path):
        started = time.monotonic()
        with self.inner.reading(path) as advance:
            yield advance
        self.seconds[f"reading {path.name}"] = round(time.monotonic() - started, 2)

    @contextmanager
    def phase(self, name):
        started = time.monotonic()
        with self.inner.phase(name):
            yield
        self.seconds[name] = round(time.monotonic() - started, 2)

    def elsewhere(self, name, seconds):
        self.inner.elsewhere(name, seconds)
        self.seconds[name] = seconds


def for_terminal(stream=sys.stderr):
    """Terminal progress if `stream` is a terminal, else none."""
    return Terminal(stream) if stream.isatty() else Silent()

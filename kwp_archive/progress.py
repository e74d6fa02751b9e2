"""What a long build shows on a terminal: each file read and each phase after, with the
seconds it took. Without a terminal (CI, a pipe, a test) it shows nothing."""

import sys
import time
from contextlib import contextmanager


class Silent:
    """No progress: what the build reports when nobody is watching."""

    @contextmanager
    def phase(self, name):
        yield


class Terminal(Silent):
    """Progress on standard error, for a person at a terminal."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream

    @contextmanager
    def phase(self, name):
        started = time.monotonic()
        print(f"{name:<36} …", end="", file=self.stream, flush=True)
        yield
        print(f"\r{name:<36} {time.monotonic() - started:6.1f} s", file=self.stream)


class Timed(Silent):
    """Another progress, with the seconds each phase took kept in `seconds`, for the
    benchmark's table of where a build's time goes."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = {}

    @contextmanager
    def phase(self, name):
        started = time.monotonic()
        with self.inner.phase(name):
            yield
        self.seconds[name] = round(time.monotonic() - started, 2)


def for_terminal(stream=sys.stderr):
    """Terminal progress if `stream` is a terminal, else none."""
    return Terminal(stream) if stream.isatty() else Silent()

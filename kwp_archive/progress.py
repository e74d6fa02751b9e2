"""What a long build shows on a terminal: each file read and each phase after, with the
seconds it took. Without a terminal (CI, a pipe, a test) it shows nothing."""

import sys
import time
from contextlib import contextmanager


class Progress:
    """Each phase's seconds, kept in `seconds` (for the benchmark) and shown on `stream`."""

    def __init__(self, stream=None):
        self.stream = stream
        self.seconds = {}

    @contextmanager
    def phase(self, name):
        started = time.monotonic()
        if self.stream:
            print(f"{name:<36} …", end="", file=self.stream, flush=True)
        yield
        self.seconds[name] = round(time.monotonic() - started, 2)
        if self.stream:
            print(f"\r{name:<36} {time.monotonic() - started:6.1f} s", file=self.stream)


def for_terminal(stream=sys.stderr):
    """Progress shown on `stream` if it is a terminal."""
    return Progress(stream if stream.isatty() else None)

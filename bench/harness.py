"""Servers and a browser for the tests, the benchmark and the screenshots: each server is
started as `make run` starts it, in a process group of its own, and stopped with everything
it started; nothing listens on any address but the loopback one asked for."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from kwp_archive.site import ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base, process, attempts=300):
    """Whether the server at `base` answers before `process` ends or 30 seconds pass."""
    for _ in range(attempts):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            return True
        except OSError:
            if process.poll() is not None:
                return False
            time.sleep(0.1)
    return False


class Running:
    """A server process started in a process group of its own, stopped with everything it
    started, for tests and bench/: nothing is left running, and nothing listens on any
    address but the one asked for."""

    def __init__(self, command, base, cwd=ROOT, env=None, shell=False, limit_memory=None):
        self.command, self.base, self.cwd, self.env, self.shell = command, base, cwd, env, shell
        self.limit_memory = limit_memory

    def _limits(self):
        if self.limit_memory:
            import resource
            resource.setrlimit(resource.RLIMIT_AS, (self.limit_memory, self.limit_memory))

    def __enter__(self):
        # A file, not a pipe: a full pipe would block the server's logging.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env, shell=self.shell, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=self._limits,
        )
        if wait_until_serving(self.base, self.process):
            return self
        output = self.output()
        self.__exit__()
        raise RuntimeError(f"the server did not start:\n{output}")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def rss_mb(self, field="VmRSS"):
        """The server's resident memory, in MB, from /proc (VmHWM: its peak so far)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    def __exit__(self, *exc):
        # The whole group: a shell in front of the server, and whatever it started.
        group = os.getpgid(self.process.pid) if self.process.poll() is None else None
        for signal_number in (signal.SIGTERM, signal.SIGKILL):
            if group is None:
                break
            try:
                os.killpg(group, signal_number)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        self.process.wait()
        _reap_group(group)
        self.log.close()


def _reap_group(group):
    """Wait until no process of the group is left (a server's children may outlive it)."""
    if group is None:
        return
    for _ in range(150):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)


# Packages the tests' environment has and `make run`'s has not (the test tools bring them):
# hidden from the servers started here, which serve as `make run` does. rich, above all,
# would have Datasette print a traceback of every local variable for each error page.
NOT_SERVED = ("rich",)


class Server(Running):
    """The site served by `python -m kwp_archive.site` on a free loopback port: builds the
    inspect file, starts the server and waits for it. `limit_memory` caps its address space,
    in bytes; `environment` adds to the variables it sees."""

    def __init__(self, database, limit_memory=None, environment=None):
        self.database = Path(database).resolve()
        # Its own folder for the inspect file, so nothing is left beside the database.
        self.scratch = tempfile.TemporaryDirectory(prefix="kwp-server-")
        self.inspect_file = Path(self.scratch.name) / "inspect-data.json"
        hidden = Path(self.scratch.name) / "not-served"
        hidden.mkdir()
        for name in NOT_SERVED:
            (hidden / f"{name}.py").write_text(f"raise ImportError('{name} is not served')\n")
        port = free_port()
        super().__init__(
            [sys.executable, "-m", "kwp_archive.site", "--database", str(self.database),
             "--inspect-file", str(self.inspect_file), "--port", str(port)],
            f"http://127.0.0.1:{port}", limit_memory=limit_memory,
            env={**os.environ, **(environment or {}), "PYTHONPATH": os.pathsep.join(
                filter(None, (str(hidden), os.environ.get("PYTHONPATH"))))})

    def __enter__(self):
        subprocess.run([sys.executable, "-m", "datasette", "inspect", str(self.database),
                        "--inspect-file", str(self.inspect_file)], check=True)
        try:
            return super().__enter__()
        except BaseException:
            self.scratch.cleanup()
            raise

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.scratch.cleanup()


# Debian's chromium, for the browser tests and `make screenshots` (Playwright drives it; no
# browser of Playwright's own is downloaded).
CHROMIUM = Path("/usr/bin/chromium")


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        # No network here but loopback: keep Chromium from reaching out.
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"],
    )

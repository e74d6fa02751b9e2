"""Build archive.db from the CSV files in sources/.

    python build.py                      # sources/ -> archive.db
    python build.py --check              # validate only, write nothing
    python build.py --sources DIR --output FILE
    python build.py --package DIR        # also write a Frictionless data package into DIR
    python build.py --timings FILE       # also write the seconds of each file and phase
"""

import argparse
import json
import signal
import sqlite3
import sys
from pathlib import Path

from kwp_archive import atomic, package, pipeline, progress, site
from kwp_archive.sources import SourceError


class Stopped(BaseException):
    """A signal asked the build to stop; the temporary database goes with the unwinding."""


# The signals received: Stopped raised in SQLite's progress callback arrives as "interrupted".
_stopped_by = []


def _stop(signum, frame):
    _stopped_by.append(signal.Signals(signum))
    raise Stopped(_stopped_by[-1])


def _stopped(signum):
    print(f"error: stopped by {signum.name}; nothing was written.", file=sys.stderr)
    return 128 + signum


def main(argv=None):
    """The command line: a signal stops the build in one line, then run() does the rest."""
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _stop)
    return run(argv)


def run(argv=None):
    """Build or check, report on standard error, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="sources", help="folder of CSV files (sources)")
    parser.add_argument("--output", default="archive.db", help="database to write (archive.db)")
    parser.add_argument("--check", action="store_true", help="validate only; write nothing")
    parser.add_argument("--package", metavar="DIR",
                        help="also write the tables as a Frictionless data package into DIR")
    parser.add_argument("--timings", metavar="FILE",
                        help="also write the seconds each file and phase took, as JSON")
    args = parser.parse_args(argv)
    written = []

    def write_package(database):
        # Before the database takes its place: a package that fails leaves the old one as it was.
        written.append(package.write(database, args.package, site.METADATA))

    try:
        if args.package:  # before the build, not after it: a folder of the editor's is refused
            atomic.our_directory(args.package)
        if args.check:
            summary = pipeline.check(args.sources)
        else:
            shown = progress.for_terminal(sys.stderr)
            summary = pipeline.build(args.sources, args.output,
                                     write_package if args.package else None, shown)
            if args.timings:
                Path(args.timings).write_text(json.dumps(shown.seconds, indent=2) + "\n")
    except SourceError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        shown = len(error.problems)
        print(f"{error.found} problem(s)" + (f", the first {shown} shown" if error.found > shown
                                             else "") + "; nothing was written.", file=sys.stderr)
        return 1
    except Stopped as stopped:
        return _stopped(stopped.args[0])
    except OSError as error:
        print(f"error: {error.filename or args.package or args.output}: cannot write: "
              f"{error.strerror}", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as error:
        if _stopped_by:
            return _stopped(_stopped_by[0])
        # The build's own SQL is sound, so this is the disk: full, or failing.
        print(f"error: {args.output}: cannot write: {error}", file=sys.stderr)
        return 1
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    described = ", ".join(f"{summary.counts[table]} {table}"
                          for table in ("documents", "people", "organisations"))
    print(f"{args.sources}: {described}: all checks passed." if args.check
          else f"{args.output}: {described}.")
    for path in written:
        print(f"{path}: a data package of {len(package.TABLES)} tables.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

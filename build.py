"""Build archive.db from the CSV files in sources/.

    python build.py                      # sources/ -> archive.db
    python build.py --check              # validate only, write nothing
    python build.py --sources DIR --output FILE
    python build.py --package DIR        # also write a Frictionless data package into DIR
"""

import argparse
import sys

from kwp_archive import package, pipeline, site
from kwp_archive.sources import SourceError


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="sources", help="folder of CSV files (sources)")
    parser.add_argument("--output", default="archive.db", help="database to write (archive.db)")
    parser.add_argument("--check", action="store_true", help="validate only; write nothing")
    parser.add_argument("--package", metavar="DIR",
                        help="also write the tables as a Frictionless data package into DIR")
    args = parser.parse_args(argv)

    try:
        if args.check:
            summary = pipeline.check(args.sources)
        else:
            summary = pipeline.build(args.sources, args.output)
            if args.package:
                written = package.write(args.output, args.package, site.METADATA)
    except SourceError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s); nothing was written.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.filename or args.output}: cannot write: {error.strerror}",
              file=sys.stderr)
        return 1
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    counts = summary.counts
    described = (f"{counts['documents']} documents, {counts['people']} people, "
                 f"{counts['organisations']} organisations")
    if args.check:
        print(f"{args.sources}: {described}: all checks passed.")
        return 0
    print(f"{args.output}: {described}.")
    if args.package:
        print(f"{written}: a data package of {len(package.TABLES)} tables.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

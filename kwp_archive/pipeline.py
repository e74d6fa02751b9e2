"""sources/ -> archive.db: read every file and check its rows, then check them as a whole,
then write them, then derive what is counted from them, then rename the file into place.
A source set with any problem writes nothing: every problem is raised at once, with its
file and line, and the previous database stays as it was."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import atomic, derived, fulltext, loading, schema, sources
from .progress import Progress
from .sources import PEOPLE, Problem, SourceError

# What the build does once the rows are written, in order.
PHASES = (
    ("correspondence", lambda connection: connection.executescript(derived.CORRESPONDENCE)),
    ("indexes", derived.create_indexes),
    ("counts", lambda connection: connection.executescript(derived.COUNTS)),
    ("full text", fulltext.build),
    ("statistics", derived.gather_statistics),
)


@dataclass
class Summary:
    counts: dict
    warnings: list


def build(directory, output, before_replace=None, progress=None) -> Summary:
    """Build `output` from the CSV files in `directory`, or raise SourceError with every
    problem, leaving `output` as it was (also if `before_replace`, given the finished file's
    temporary path, fails). `progress` is told of each file read and each phase."""
    progress = progress or Progress()
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError([Problem(str(directory), 1, "--sources", "is not a directory")])
    problems, warnings = sources.Problems(), []
    readers = sources.readers(directory, problems, warnings)
    with atomic.database(output, schema.TABLES, before_replace) as connection:
        loading.stage(connection)
        connection.execute("BEGIN")
        for layout in sources.LAYOUTS:
            with progress.phase(f"reading {layout.filename}"):
                loading.insert(connection, layout, sources.read(readers[layout.table]))
        with progress.phase("checking the rows as a whole"):
            for problem in loading.problems(connection, readers):
                problems.append(problem)
        connection.execute("COMMIT")
        if problems:
            raise SourceError(sorted(problems, key=lambda problem: (problem.file, problem.line)),
                              problems.found)
        warnings += loading.likely_duplicates(connection, readers[PEOPLE.table])
        with progress.phase("people named but not linked"):
            warnings += loading.unlinked_people(connection, readers)
        finish(connection, progress)
        counts = {layout.table: connection.execute(
            f"SELECT count(*) FROM {layout.table}").fetchone()[0] for layout in sources.LAYOUTS}
    return Summary(counts, warnings)


def finish(connection, progress):
    """The rows as read, written and derived from (the benchmark's floor shares this)."""
    with progress.phase("writing"):
        connection.execute("BEGIN")
        loading.write(connection)
        connection.execute("COMMIT")
    for name, run in PHASES:
        with progress.phase(name):
            run(connection)


def check(directory) -> Summary:
    """Every check of build(), into a database that is thrown away."""
    with tempfile.TemporaryDirectory() as scratch:
        return build(directory, Path(scratch) / "check.db")

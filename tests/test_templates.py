"""templates/ holds copies of two of Datasette's partial templates, each changed for
readers: each copy is pinned to the original it was made from, so that an upgrade of
Datasette that changes an original fails here, and the copy is made again from the new one
(with the same changes) rather than drift from what Datasette passes it."""

import hashlib
from pathlib import Path

import datasette
import pytest

from kwp_archive import site

# Datasette 0.65.5's originals.
COPIED = {
    "_table.html": "f75a8872713f28fdce49b9a44a397f26ba1b5db5e82a74dda1f20ec14faaaa57",
    "_facet_results.html": "622d3c764aa14f17f07714af7bbdee5719adfbce9cce5358fd3df3e2df137f30",
}


@pytest.mark.parametrize("name", COPIED)
def test_each_copied_partial_is_of_the_installed_original(name):
    original = Path(datasette.__file__).parent / "templates" / name
    assert hashlib.sha256(original.read_bytes()).hexdigest() == COPIED[name], (
        f"Datasette's {name} changed: copy it into templates/ again, with our changes")
    assert (site.TEMPLATES / name).is_file()


def test_no_other_partial_of_datasettes_is_copied():
    originals = {path.name for path in (Path(datasette.__file__).parent / "templates").iterdir()}
    ours = {path.name for path in site.TEMPLATES.iterdir()}
    # Whole pages (index.html, query.html, row.html, table.html) extend Datasette's own.
    extended = {name for name in ours & originals
                if "{% extends \"default:" in (site.TEMPLATES / name).read_text()}
    assert ours & originals == set(COPIED) | extended

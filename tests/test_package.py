"""The data package: one CSV per table, a schema for each, valid to `frictionless validate`."""

import csv
import json
import subprocess
import sys

import frictionless
import pytest
from conftest import ROOT, SOURCES


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    directory = tmp_path_factory.mktemp("package")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--sources", str(SOURCES),
         "--output", str(directory / "archive.db"),
         "--package", str(directory / "package")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return directory / "package"


def test_package_validates(package):
    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_package_describes_tables_keys_licence_and_sources(package):
    descriptor = json.loads((package / "datapackage.json").read_text())
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"][0]["title"] == "Wilson Center Digital Archive"
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert set(resources) == {"documents", "people", "organisations", "document_types",
                              "collections", "subjects", "document_people",
                              "document_organisations", "document_collections",
                              "document_subjects", "related_documents", "reference_hosts",
                              "unlinked_mentions", "events", "document_events", "releases",
                              "withdrawn", "archives"}
    links = resources["document_people"]["schema"]
    assert links["primaryKey"] == ["document_id", "person_id", "role"]
    assert {"fields": ["person_id"], "reference": {"resource": "people", "fields": ["id"]}} in (
        links["foreignKeys"])
    fields = {field["name"]: field for field in resources["documents"]["schema"]["fields"]}
    assert fields["year"]["type"] == "integer"
    assert all(field["description"] for field in fields.values())
    with open(package / "documents.csv", newline="", encoding="utf-8") as file:
        assert len(list(csv.DictReader(file))) == 20


def test_a_broken_foreign_key_fails_validation(package, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in package.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    links = broken / "document_people.csv"
    links.write_text(links.read_text().replace(",mikoyan,", ",nobody,", 1))
    report = frictionless.validate(str(broken / "datapackage.json"))
    assert not report.valid
    assert ["foreign-key"] in report.flatten(["type"])

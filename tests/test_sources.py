"""Each validation rule of the source reader, reported as FILE:LINE: column: message."""

import pytest
from conftest import edit

from kwp_archive.pipeline import build, check
from kwp_archive.sources import SourceError


def problems(directory):
    with pytest.raises(SourceError) as raised:
        check(directory)
    return [str(problem) for problem in raised.value.problems]


def only_problem(directory):
    found = problems(directory)
    assert len(found) == 1, found
    return found[0]


def test_real_sources_read_cleanly(sources_dir):
    summary = check(sources_dir)
    assert summary.counts["documents"] == 20
    assert summary.warnings == []


def test_missing_required_column(sources_dir):
    edit(sources_dir / "records.csv", "id,date,title,type,summary", "id,date,name,type,summary")
    assert only_problem(sources_dir) == (
        f"{sources_dir / 'records.csv'}:1: title: required column is missing from the header row"
    )


def test_duplicate_id_names_the_second_row(sources_dir):
    edit(sources_dir / "people.csv", "shtykov,Shtykov,,\n",
         "shtykov,Shtykov,,\nkim-il-sung,Kim,,\n")
    problem = only_problem(sources_dir)
    assert problem.startswith(f"{sources_dir / 'people.csv'}:4: id: 'kim-il-sung' is used")


def test_empty_id(sources_dir):
    edit(sources_dir / "records.csv", "1955-main-issues,1955", ",1955")
    assert f"{sources_dir / 'records.csv'}:6: id: is empty" in problems(sources_dir)


def test_empty_title(sources_dir):
    edit(sources_dir / "records.csv",
         "1955,The Main Issues for the Conversation with the Korean Comrades,", "1955,   ,")
    assert only_problem(sources_dir) == f"{sources_dir / 'records.csv'}:6: title: is empty"


@pytest.mark.parametrize("date", ["1956-02-30", "56-09-01", "1956/09/01", "1956-13"])
def test_date_that_is_not_a_calendar_date(sources_dir, date):
    edit(sources_dir / "records.csv", "1955-main-issues,1955,", f"1955-main-issues,{date},")
    problem = only_problem(sources_dir)
    assert problem.startswith(f"{sources_dir / 'records.csv'}:6: date: '{date}'")


def test_unknown_person(sources_dir):
    edit(sources_dir / "document_people.csv", "1956-09-17-mikoyan,mikoyan,author",
         "1956-09-17-mikoyan,mikoyn,author")
    assert only_problem(sources_dir) == (
        f"{sources_dir / 'document_people.csv'}:32: person_id: 'mikoyn' is not an id in people.csv"
    )


def test_unknown_organisation(sources_dir):
    edit(sources_dir / "document_organisations.csv", "1956-09-17-mikoyan,cpsu-cc,",
         "1956-09-17-mikoyan,cpsu,")
    problem = only_problem(sources_dir)
    assert problem == (f"{sources_dir / 'document_organisations.csv'}:17: organisation_id: "
                       "'cpsu' is not an id in organisations.csv")


def test_unknown_document(sources_dir):
    edit(sources_dir / "document_people.csv", "1956-09-17-mikoyan,mikoyan,author",
         "1956-09-18-mikoyan,mikoyan,author")
    assert "document_id: '1956-09-18-mikoyan' is not an id in records.csv" in only_problem(
        sources_dir)


def test_unknown_role(sources_dir):
    edit(sources_dir / "document_people.csv", "1956-09-17-mikoyan,mikoyan,author",
         "1956-09-17-mikoyan,mikoyan,writer")
    assert only_problem(sources_dir) == (
        f"{sources_dir / 'document_people.csv'}:32: role: 'writer' is not a role; "
        "use one of: author, recipient, participant, mentioned"
    )


def test_unknown_type(sources_dir):
    edit(sources_dir / "records.csv", "Korean Comrades,memorandum,", "Korean Comrades,memo,")
    assert only_problem(sources_dir) == (
        f"{sources_dir / 'records.csv'}:6: type: 'memo' is not an id in document_types.csv"
    )


def test_every_problem_is_reported_in_one_run(sources_dir):
    edit(sources_dir / "records.csv", "1955-main-issues,1955,", "1955-main-issues,1955-13,")
    edit(sources_dir / "people.csv", "shtykov,Shtykov", "shtykov,")
    edit(sources_dir / "document_people.csv", "mikoyan,author", "mikoyan,writer")
    found = problems(sources_dir)
    assert [problem.split(": ")[0:2] for problem in found] == [
        [f"{sources_dir / 'document_people.csv'}:32", "role"],
        [f"{sources_dir / 'people.csv'}:3", "name"],
        [f"{sources_dir / 'records.csv'}:6", "date"],
    ]


def test_line_numbers_count_multi_line_cells(sources_dir):
    edit(sources_dir / "records.csv", '"Soviet Report on Communists in Korea, 1945"',
         '"Soviet Report on\nCommunists in Korea, 1945"')
    edit(sources_dir / "records.csv", "1946-01-11,Untitled", "1946-01-32,Untitled")
    assert only_problem(sources_dir).startswith(f"{sources_dir / 'records.csv'}:4: date:")


def test_missing_sources_directory(tmp_path):
    assert only_problem(tmp_path / "nowhere") == (
        f"{tmp_path / 'nowhere'}:1: --sources: is not a directory"
    )


# Each a record's source_url: the quick test of an archive address must refuse what the
# full parse refuses, and take what it takes.
@pytest.mark.parametrize("url,problem", [
    ("https://digitalarchive.wilsoncenter.org/document/110008", None),
    ("https://digitalarchive.wilsoncenter.org//document/110008", None),
    ("HTTPS://digitalarchive.wilsoncenter.org/document/110008", None),
    ("https://digitalarchive.wilsoncenter.org/", "is not a page of the Digital Archive"),
    ("https://digitalarchive.wilsoncenter.org", "is not a page of the Digital Archive"),
    ("https://digitalarchive.wilsoncenter.org/?q=kim", "is not a page of the Digital Archive"),
    ("https://digitalarchive.wilsoncenter.org/#top", "is not a page of the Digital Archive"),
    ("https://digitalarchive.wilsoncenter.org@example.org/document/1",
     "is not a page of the Digital Archive"),
    ("http://digitalarchive.wilsoncenter.org/document/1", "is not a page of the Digital Archive"),
    ("https://digitalarchive.wilsoncenter.org/document/1\u00a0", "contains white space"),
    ("https://digitalarchive.wilsoncenter.org/document/\u20281", "contains white space"),
    ("https://digitalarchive.wilsoncenter.org/document/\x1c1", "contains white space"),
])
def test_source_urls(url, problem):
    from kwp_archive.provenance import url_problem

    found = url_problem(url)
    assert (found is None) if problem is None else (problem in found)


def test_several_problems_of_one_record_come_in_the_order_of_its_checks(sources_dir):
    # Records whose cells all look plain are passed at a glance; one that does not is
    # checked cell by cell, and its problems come as they always did: title, summary, type,
    # source_url, then the citation's columns.
    records = sources_dir / "records.csv"
    lines = records.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[5].startswith("1955-main-issues,")
    lines[5] = ("1955-main-issues,1955,A title,memo randum,\x07A summary,"
                "https://digitalarchive.wilsoncenter.org/document/114890,,,=SUM(A1),\n")
    records.write_text("".join(lines), encoding="utf-8")
    found = [problem.split(": ")[0].rsplit(":", 1)[-1] + ": " + problem.split(": ")[1]
             for problem in problems(sources_dir) if ":6: " in problem]
    assert found == ["6: summary", "6: type", "6: translator"]


def test_a_person_named_but_not_linked_is_a_warning_until_linked_or_explained(
        sources_dir, tmp_path):
    edit(sources_dir / "records.csv", "Soviet officers describe",
         "Soviet officers under Shtykov's command describe")
    [warning] = [str(w) for w in check(sources_dir).warnings]
    assert [str(w) for w in build(sources_dir, tmp_path / "archive.db").warnings] == [warning]
    assert warning == (f"{sources_dir / 'records.csv'}:2: summary: names Shtykov (shtykov), "
                       "who is not linked to the record: link them in document_people.csv, "
                       "or say why not in unlinked.csv")
    (sources_dir / "unlinked.csv").write_text(
        "document_id,person_id,why\n1945-soviet-report,shtykov,Named as their commander only.\n")
    assert check(sources_dir).warnings == []


def test_a_persons_source_must_be_on_a_reference_host(sources_dir):
    import csv

    path = sources_dir / "people.csv"
    people = list(csv.DictReader(path.open(encoding="utf-8")))
    sources = "https://en.wikipedia.org/wiki/Terentii_Shtykov https://kiwix.example.org/A/Shtykov"
    for person in people:
        person["sources"] = sources if person["id"] == "shtykov" else ""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=[*people[0]])
        writer.writeheader()
        writer.writerows(people)
    assert only_problem(sources_dir).endswith(
        "people.csv:3: sources: 'kiwix.example.org' is not a host of reference_hosts.csv: a "
        "person's names, position and dates come from a reference work "
        "(https://kiwix.example.org/A/Shtykov)")


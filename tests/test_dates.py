import pytest

from kwp_archive import dates


@pytest.mark.parametrize(
    "text, start, end, precision, year",
    [
        ("1945", "1945-01-01", "1945-12-31", "year", 1945),
        ("1956-02", "1956-02-01", "1956-02-29", "month", 1956),  # a leap year
        ("1955-02", "1955-02-01", "1955-02-28", "month", 1955),
        ("1955-12", "1955-12-01", "1955-12-31", "month", 1955),
        ("1946-01-11", "1946-01-11", "1946-01-11", "day", 1946),
        ("1956-02-29", "1956-02-29", "1956-02-29", "day", 1956),
    ],
)
def test_parse_gives_bounds_and_precision(text, start, end, precision, year):
    date = dates.parse(text)
    assert (date.start, date.end, date.precision, date.year) == (start, end, precision, year)
    assert date.text == text


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("1956-02-30", "not a calendar date"),
        ("1955-02-29", "not a calendar date"),
        ("1956-13", "no month 13"),
        ("1956-00", "no month 00"),
        ("56-09-01", "YYYY-MM-DD"),
        ("1956/09/01", "YYYY-MM-DD"),
        ("September 1956", "YYYY-MM-DD"),
        ("1956-9-1", "YYYY-MM-DD"),
        (" 1956", "YYYY-MM-DD"),
        ("", "YYYY-MM-DD"),
        ("0000", "no year"),
    ],
)
def test_parse_refuses_what_is_not_a_partial_date(text, complaint):
    with pytest.raises(ValueError, match=complaint):
        dates.parse(text)


def test_partial_dates_sort_chronologically_as_stored():
    # Datasette sorts the documents table by the stored text, so the text itself must sort
    # a year before the days within it, and those before the next year.
    given = ["1946", "1945-03-01", "1945-03", "1945", "1945-12-31", "1946-01-11"]
    expected = ["1945", "1945-03", "1945-03-01", "1945-12-31", "1946", "1946-01-11"]
    assert sorted(given) == expected
    for earlier, later in zip(expected, expected[1:]):
        assert dates.parse(earlier).start <= dates.parse(later).start


@pytest.mark.parametrize(
    "text, shown",
    [("1945", "1945"), ("1955-03", "March 1955"), ("1946-01-11", "January 11, 1946")],
)
def test_human_shows_the_precision_given(text, shown):
    assert dates.human(text) == shown

"""Partial ISO 8601 dates (YYYY, YYYY-MM, YYYY-MM-DD): the bounds, precision and human form."""

import calendar
import datetime
import re
from dataclasses import dataclass

FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"
# ASCII digits only: \d would take full-width and other scripts' digits, which are not ISO.
_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True)
class PartialDate:
    text: str
    start: str
    end: str
    precision: str  # "year", "month" or "day"
    year: int


def parse(text: str) -> PartialDate:
    """Parse a partial date, raising ValueError with a message fit to show an editor."""
    match = _PATTERN.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a date in the form {FORMS}")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1:
        raise ValueError(f"{text!r} has no year 0000")
    if month is None:
        return PartialDate(text, f"{year:04d}-01-01", f"{year:04d}-12-31", "year", year)
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} has no month {month:02d}")
    days = calendar.monthrange(year, month)[1]
    if day is None:
        return PartialDate(text, f"{text}-01", f"{text}-{days:02d}", "month", year)
    if not 1 <= day <= days:
        raise ValueError(f"{text!r} is not a calendar date: {year:04d}-{month:02d} has {days} days")
    return PartialDate(text, text, text, "day", year)


def human(text: str) -> str:
    """'1945', 'March 1955' or 'January 11, 1946': the date at the precision it was given."""
    date = parse(text)
    if date.precision == "year":
        return str(date.year)
    start = datetime.date.fromisoformat(date.start)
    month = calendar.month_name[start.month]
    if date.precision == "month":
        return f"{month} {start.year}"
    return f"{month} {start.day}, {start.year}"


def _bound(text, end):
    try:
        return getattr(parse(str(text or "").strip()), end)
    except ValueError:
        return None


def first_day(text):
    """The first day a date can mean ('1956' -> '1956-01-01'), or None: a typo is no error."""
    return _bound(text, "start")


def last_day(text):
    """The last day a partial date can mean ('1956-02' -> '1956-02-29'), or None."""
    return _bound(text, "end")


def range_problems(date_from, date_to):
    """What is wrong with a date range as typed, in words for the reader: a bound that is no
    date (and is ignored), or an end before the start."""
    problems = [f"“{typed}” ignored: a date is {FORMS}" for typed in (date_from, date_to)
                if str(typed or "").strip() and not first_day(typed)]
    start, end = first_day(date_from), last_day(date_to)
    if start and end and end < start:
        problems.append(f"the range ends ({human(str(date_to).strip())}) before it starts "
                        f"({human(str(date_from).strip())}): nothing can fall in it; swap the "
                        "dates")
    return problems

"""A date range on the documents table (?_date_from=1956-08&_date_to=1956-10) and in SQL
(first_day, last_day: kwp_archive/connection.py), with partial dates understood: a document
is in the range when the days its date can mean overlap it, so "1956-09" is in a range that
ends on 1956-09-10. (On the table the parameters start with "_", pages.DATE_RANGE says why;
the canned search query takes date_from and date_to.)"""

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive import dates
from kwp_archive.pages import DATE_RANGE as PARAMETERS

# Each end of a range: the word that says it, the column it bounds, the day it stands for.
_ENDS = (("from", "date_end >=", dates.first_day, "range_start"),
         ("to", "date_start <=", dates.last_day, "range_end"))


def clauses(date_from, date_to):
    """(where clauses, params, human descriptions) of a range; a bound that is no date is
    said to be ignored, not dropped in silence."""
    where, params, human = [], {}, []
    for typed, (word, bound, day, name) in zip((date_from, date_to), _ENDS):
        if typed and not day(typed):
            human.append(f"{typed!r} ignored: a date is YYYY, YYYY-MM or YYYY-MM-DD")
        elif typed:
            where.append(f"{bound} :{name}")
            params[name] = day(typed)
            human.append(f"{word} {dates.human(typed.strip())}")
            # The same bound on the indexed `date`, which as text sorts between its year
            # ("1956") and its last day: it leaves out no document of the range, and SQLite
            # reads the range from the index rather than scan a million rows in date order.
            if name == "range_start":
                where.append("date >= :range_year")
                params["range_year"] = params[name][:4]
            else:
                where.append("date <= :range_end")
    return where, params, human


@hookimpl
def filters_from_request(request, table):
    if table != "documents":
        return None
    date_from, date_to = (request.args.get(name, "") for name in PARAMETERS)
    return FilterArguments(*clauses(date_from, date_to)) if date_from or date_to else None

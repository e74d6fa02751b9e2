"""A date range on the documents table (?_date_from=1956-08&_date_to=1956-10) and in SQL
(first_day, last_day), with partial dates understood: a document is in the range when the
days its date can mean overlap it, so "1956-09" is in a range that ends on 1956-09-10.

On the table the parameters start with "_", as Datasette's own do: any other parameter it
takes for a column to filter on. The canned search query takes date_from and date_to."""

from datasette import hookimpl
from datasette.filters import FilterArguments

from kwp_archive import dates
from kwp_archive.pages import DATE_RANGE as PARAMETERS


@hookimpl
def prepare_connection(conn):
    conn.create_function("first_day", 1, dates.first_day, deterministic=True)
    conn.create_function("last_day", 1, dates.last_day, deterministic=True)


def clauses(date_from, date_to):
    """(where clauses, params, human descriptions) of a range; a bound that is no date is
    said to be ignored rather than silently dropped."""
    where, params, human = [], {}, []
    start, end = dates.first_day(date_from), dates.last_day(date_to)
    if date_from:
        if start:
            where.append("date_end >= :range_start")
            params["range_start"] = start
            human.append(f"from {dates.human(date_from.strip())}")
        else:
            human.append(f"{date_from!r} ignored: a date is YYYY, YYYY-MM or YYYY-MM-DD")
    if date_to:
        if end:
            where.append("date_start <= :range_end")
            params["range_end"] = end
            human.append(f"to {dates.human(date_to.strip())}")
        else:
            human.append(f"{date_to!r} ignored: a date is YYYY, YYYY-MM or YYYY-MM-DD")
    return where, params, human


@hookimpl
def filters_from_request(request, table):
    if table != "documents":
        return None
    date_from, date_to = (request.args.get(name, "") for name in PARAMETERS)
    if not (date_from or date_to):
        return None
    where, params, human = clauses(date_from, date_to)
    return FilterArguments(where, params, human)

"""Dates as a person reads them ("1945", "January 11, 1946") in HTML; the data stays ISO."""

from datasette import hookimpl
from markupsafe import Markup, escape

from kwp_archive import dates


def human_date(value):
    try:
        return dates.human(value)
    except (TypeError, ValueError):
        return value


@hookimpl
def render_cell(value, column):
    if column != "date" or not isinstance(value, str):
        return None
    shown = human_date(value)
    if shown == value:
        return None
    return Markup(f'<time datetime="{escape(value)}">{escape(shown)}</time>')


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["human_date"] = human_date

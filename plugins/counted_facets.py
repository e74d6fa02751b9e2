"""`counted:` and `counted_array:` facets: column and array facets answered from counts the
build made, so a table page of a million rows does not count them anew on every view: the
whole table's from facet_counts, a page of one facet value's (a type, a year, a subject)
from facet_pairs, a page of two column values' (a type in a year) from facet_triples. Other
filtered pages are counted live, and only over few enough rows to
count within a page's time (LIVE_LIMITS); past them the page says what it did not count."""

import re

from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet

from kwp_archive.database import ARRAY_SOURCES, COUNTED_ARRAY_FACETS, COUNTED_FACETS
from kwp_archive.pages import DATE_RANGE

# Parameters that start with "_" and yet filter the rows (Datasette's, and ours).
FILTERING = ("_where", "_through", *DATE_RANGE)

# The most rows a facet is counted over live, on a page the build's counts do not answer
# (metadata.yml may set others: plugins: counted_facets: live_limit, live_array_limit). At a
# million documents a column is counted over a year's 83,000 documents in some 25 ms from
# the date index; an array's items, read from each row's links, over 5,000 in some 15 ms.
# Past them the page says the facet is not counted (templates/_facets_not_counted.html)
# rather than keep the reader waiting.
LIVE_LIMITS = {"live_limit": 100_000, "live_array_limit": 5_000}


def live_limits(datasette):
    config = datasette.plugin_config("counted_facets") or {}
    return {name: config.get(name, default) for name, default in LIVE_LIMITS.items()}


# Datasette's column facet asks for `select <column> as value, count(*) ... limit <n>`; its
# array facet for `... json_each([inner].[<column>]) ... limit <n>`.
_FACET_QUERY = re.compile(r"select\s+\[?(?P<column>[^\s\]]+)\]?\s+as value.*limit\s+(?P<limit>\d+)",
                          re.DOTALL | re.IGNORECASE)
_ARRAY_FACET_QUERY = re.compile(
    r"json_each\(\[inner\]\.\[?(?P<column>[^\s\])]+)\]?\).*limit\s+(?P<limit>\d+)",
    re.DOTALL | re.IGNORECASE)
COUNTS = """
select value, count from facet_counts
where table_name = :table and column_name = :column
order by count desc, value
limit :limit
"""


class _Counted:
    """A facet whose count queries, on an unfiltered table, the build has answered."""
    query = _FACET_QUERY

    async def facet_results(self):
        if self.table is None or not await self._all_counted():
            return await super().facet_results()
        # Datasette's own facet code builds the results (labels, links, selection); only
        # its count queries are answered: from the build's counts for the whole table, or
        # (array facets) by a cheaper count of the filtered rows.
        if not _filtered(self.request):
            answering = _AnsweredFromCounts(self.ds, self.table, self.query)
        else:
            answering = self._filtered_answers()
        if not isinstance(answering, _AnsweredFromCounts) and not self._countable():
            # Reported as Datasette reports a facet out of time, without spending the time.
            return [], self._columns()
        if answering is None:
            return await super().facet_results()
        datasette = self.ds
        self.ds = answering
        try:
            return await super().facet_results()
        finally:
            self.ds = datasette

    def _filtered_answers(self):
        return None

    def _columns(self):
        return [config["config"].get("column") or config["config"]["simple"]
                for config in self.get_configs()]

    async def _all_counted(self):
        """Whether the build counts every column asked for (a column with no values at all
        has no rows in facet_counts, and is counted all the same)."""
        counted = COUNTED_FACETS.get(self.table, ()) + COUNTED_ARRAY_FACETS.get(self.table, ())
        return set(self._columns()) <= set(counted)

    def _countable(self):
        """Whether the page's rows are few enough to count live within a page's time. The
        count is the page's own (None when it could not be counted in time)."""
        return (self.row_count is not None
                and self.row_count <= live_limits(self.ds)[self.live_limit_name])


class CountedFacet(_Counted, ColumnFacet):
    type = "counted"
    live_limit_name = "live_limit"

    def _filtered_answers(self):
        """On a page of one counted value alone, the build's pair counts; of two counted
        columns' values, its triple counts."""
        value = _one_counted_value(self.table, self.request)
        if value is not None:
            return _AnsweredFromCounts(self.ds, self.table, self.query, value)
        values = _two_counted_values(self.table, self.request)
        if values is not None:
            return _AnsweredFromCounts(self.ds, self.table, self.query, *values)
        return None


class CountedArrayFacet(_Counted, ArrayFacet):
    type = "counted_array"
    query = _ARRAY_FACET_QUERY
    live_limit_name = "live_array_limit"

    def _filtered_answers(self):
        # Arrays made from a link table are counted from the build's pair counts on a page of
        # one counted column's value, else from the links; others (roles) live.
        if not set(self._columns()) <= set(ARRAY_SOURCES):
            return None
        value = _one_counted_value(self.table, self.request)
        if value is not None:
            return _AnsweredFromCounts(self.ds, self.table, self.query, value)
        return _CountedItems(self.ds, self.sql, self.params)


def _one_counted_value(table, request):
    """(column, value) of a page filtered on nothing but one value whose pair counts the
    build made: a counted column's (?year=1956), or an item of an array made from a link
    table (?subjects__arraycontains=...). None for any other page."""
    filters = _filters(request)
    if len(filters) != 1:
        return None
    name, value = filters[0]
    if name in COUNTED_FACETS.get(table, ()):
        return name, value
    column, _, operation = name.partition("__")
    if table == "documents" and operation == "arraycontains" and column in ARRAY_SOURCES:
        return column, value
    return None


def _two_counted_values(table, request):
    """((column, value), (column, value)) of a page filtered on nothing but one value of each
    of two counted columns (?type=letter&year=1952), in the order of COUNTED_FACETS, as the
    build's triple counts have them. None for any other page."""
    counted = COUNTED_FACETS.get(table, ())
    filters = _filters(request)
    if len(filters) != 2 or {name for name, _ in filters} - set(counted) \
            or filters[0][0] == filters[1][0]:
        return None
    return tuple(sorted(filters, key=lambda name_value: counted.index(name_value[0])))


# The items of an array column among the filtered rows, counted from the link tables the
# arrays were made from, reading each filtered row's links by its key (CROSS JOIN keeps the
# filtered rows outermost): Datasette's array facet reads every column of every filtered row
# twice (select distinct j.value, inner.*), and probing the filter for each of 1.4 million
# links cost 0.2 s a facet however few the rows.
_ITEMS = """
select {names}.name as value, count(*) as count
from ({sql}) as filtered
cross join {links} on {links}.document_id = filtered.id
join {names} on {names}.id = {links}.{key}
group by {names}.name
order by count desc, value
limit {limit}
"""


class _Answering:
    """Datasette, but for the facet count queries that `pattern` finds, which answer()
    answers; every other query, and everything else, is Datasette's own."""

    def __init__(self, datasette, pattern):
        self._datasette = datasette
        self._pattern = pattern

    def __getattr__(self, name):
        return getattr(self._datasette, name)

    async def execute(self, database, sql, params=None, **kwargs):
        query = self._pattern.search(sql)
        if query is None:
            return await self._datasette.execute(database, sql, params, **kwargs)
        answer, answer_params = self.answer(query["column"], int(query["limit"]), params)
        return await self._datasette.execute(database, answer, answer_params, **kwargs)

    def answer(self, column, limit, params):
        raise NotImplementedError


class _CountedItems(_Answering):
    """Array facet count queries, answered with _ITEMS."""

    def __init__(self, datasette, sql, params):
        super().__init__(datasette, _ARRAY_FACET_QUERY)
        self._sql = sql

    def answer(self, column, limit, params):
        links, key, names = ARRAY_SOURCES[column]
        return _ITEMS.format(links=links, key=key, names=names, sql=self._sql,
                             limit=limit), params


def _filters(request):
    """The (name, value) of each parameter that leaves rows out of the page."""
    return [(name, value) for name in request.args for value in request.args.getlist(name)
            if not name.startswith("_") or name in FILTERING or name.startswith("_search")]


def _filtered(request):
    """Whether the page shows fewer rows than the whole table."""
    return bool(_filters(request))


# Among the rows of one value of another column. The value comes from the URL as text, and
# years are stored as integers: both are compared as text.
PAIR_COUNTS = """
select value, count from facet_pairs
where table_name = :table and filter_column = :filter
  and cast(filter_value as text) = :filter_value and column_name = :column
order by count desc, value
limit :limit
"""
# A filtered column's own facet on a page of two values: its one value, as many times as the
# rows hold both.
PAIR_COUNT_OF_VALUE = """
select filter_value as value, count from facet_pairs
where table_name = :table and filter_column = :column
  and cast(filter_value as text) = :filter_value and column_name = :other
  and cast(value as text) = :other_value
limit :limit
"""
# Among the rows of one value of each of two other columns.
TRIPLE_COUNTS = """
select value, count from facet_triples
where table_name = :table
  and first_filter_column = :first and cast(first_filter_value as text) = :first_value
  and second_filter_column = :second and cast(second_filter_value as text) = :second_value
  and column_name = :column
order by count desc, value
limit :limit
"""


class _AnsweredFromCounts(_Answering):
    """Facet count queries, answered from facet_counts (the whole table), facet_pairs (the
    rows of one value of another column) or facet_triples (of one value of each of two).
    An immutable database's counts never change, so each answer is read once and kept: a
    table page then asks SQLite for no facet."""

    def __init__(self, datasette, table, pattern, filter=None, second_filter=None):
        super().__init__(datasette, pattern)
        self._table = table
        self._filter = filter
        self._second_filter = second_filter

    async def execute(self, database, sql, params=None, **kwargs):
        if self._datasette.get_database(database).is_mutable:
            return await super().execute(database, sql, params, **kwargs)
        kept = _kept_answers(self._datasette)
        key = (database, sql, tuple(sorted((params or {}).items())))
        if key in kept:
            return kept[key]
        answer = await super().execute(database, sql, params, **kwargs)
        if len(kept) < KEPT_ANSWERS:
            kept[key] = answer
        return answer

    def answer(self, column, limit, params):
        counts = {"table": self._table, "column": column, "limit": limit}
        if self._filter is None:
            return COUNTS, counts
        if self._second_filter is not None:
            return self._answer_of_two(counts)
        if self._filter[0] == column and column not in ARRAY_SOURCES:
            # The filtered column itself: its one value, as many times as the rows hold it.
            # (An array's own facet lists the items found with its value: pair counts.)
            return COUNTS.replace(
                "where table_name", "where cast(value as text) = :filter_value and table_name"
            ), {**counts, "filter_value": self._filter[1]}
        return PAIR_COUNTS, {**counts, "filter": self._filter[0],
                             "filter_value": self._filter[1]}

    def _answer_of_two(self, counts):
        values = dict((self._filter, self._second_filter))
        column = counts["column"]
        if column in values:
            [other] = set(values) - {column}
            return PAIR_COUNT_OF_VALUE, {**counts, "filter_value": values[column],
                                         "other": other, "other_value": values[other]}
        (first, first_value), (second, second_value) = self._filter, self._second_filter
        return TRIPLE_COUNTS, {**counts, "first": first, "first_value": first_value,
                               "second": second, "second_value": second_value}


# Enough for every facet of every value the build counted, with room: a URL can ask for any
# value and any facet size, so past this the answers are asked for each time.
KEPT_ANSWERS = 2_000


def _kept_answers(datasette):
    """The answers kept for this Datasette, by database, query and parameters."""
    try:
        return datasette._kwp_facet_answers
    except AttributeError:
        datasette._kwp_facet_answers = {}
        return datasette._kwp_facet_answers


@hookimpl
def extra_template_vars(datasette):
    return {"facet_live_limits": live_limits(datasette)}


@hookimpl
def register_facet_classes():
    return [CountedFacet, CountedArrayFacet]

"""`counted:` facets: how many rows hold each value of a column, or each item of an array,
from the build's counts wherever it made them, so that a table page of a million rows does
not count them again on every view.

The page's filters are read from its arguments, never its SQL. The build's counts answer the
whole table (facet_counts), a page of one counted value, a column's (?year=1956), a
listing's (?_subject=...) or a year's date range (facet_pairs), and one of two counted values,
or of a listing and a value (facet_triples). Any other page is counted live if it has few
enough rows (live_limit), else said not counted."""

import json

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from kwp_archive import dates
from kwp_archive.derived import ARRAY_SOURCES, COUNTED_ARRAY_FACETS, COUNTED_FACETS
from kwp_archive.pages import DATE_RANGE, LISTING_FILTERS, filtering

# The most rows a facet is counted over live (metadata.yml may set another: plugins:
# counted_facets: live_limit); an array made from links over fewer (live_array_limit).
LIVE_LIMITS = {"live_limit": 100_000, "live_array_limit": 5_000}
# The build's counts for a page with no filter, or one or two on counted values (two in the
# order of COUNTED_FACETS); with :value, of that value alone (a filtered column's own facet).
_FROM_COUNTS = """
select value, count from {table}
where table_name = :table and {filters}column_name = :column and coalesce(value = :value, 1)
order by count desc, value limit :limit"""
_FILTERED = (
    ("facet_counts", ""),
    ("facet_pairs", "filter_column = :filter_0 and filter_value = :value_0 and "),
    ("facet_triples", "first_filter_column = :filter_0 and first_filter_value = :value_0 and "
                      "second_filter_column = :filter_1 and second_filter_value = :value_1 and "),
)
# The stored value whose text form the text is (years are numbers): 1956 names 1956; 1956.0,
# which matches alike, is counted live.
_STORED_VALUE = """
select value from facet_counts
where table_name = :table and column_name = :column and cast(value as text) = :text"""
# Columns whose values are dates, listed in date order rather than by count.
_IN_DATE_ORDER = {"year"}
# Columns whose values are the ids of another table's rows, shown by those rows' names.
_NAMED_BY = {("documents", "type"): "document_types", ("documents", "source_archive"): "archives"}
_LIVE = """
select {column} as value, count(*) as count from ({sql})
where {column} is not null
group by {column} order by count desc, value limit {limit}"""
# An array made from a link table is counted from the links of the page's rows.
_LIVE_LINKED = """
select {names}.name as value, count(*) as count
from ({sql}) as filtered
cross join {links} on {links}.document_id = filtered.id
join {names} on {names}.id = {links}.{key}
group by {names}.name order by count desc, value limit {limit}"""
_LIVE_ARRAY = """
select item.value as value, count(*) as count
from ({sql}) as filtered, json_each(filtered.{column}) as item
group by item.value order by count desc, value limit {limit}"""


class CountedFacet(Facet):
    type = "counted"

    async def facet_results(self):
        results, timed_out = [], []
        size = self.get_facet_size()
        filters = await self._counted_filters()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            info = {"name": column, "type": self.type, "results": [],
                    "hideable": source_and_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(
                        self.request, {"_facet_counted": column}))}
            counts = await self._from_counts(column, filters, size)
            if counts is None:
                name = "live_array_limit" if column in ARRAY_SOURCES else "live_limit"
                config = self.ds.plugin_config("counted_facets") or {}
                limit = config.get(name, LIVE_LIMITS[name])
                if self.row_count is None or self.row_count > limit:
                    results.append(dict(info, not_counted=limit))
                    continue
                try:
                    counts = await self._live(column, size)
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
            info["truncated"] = len(counts) > size
            shown = counts[:size]  # the most frequent, then in date order if they are dates
            if column in _IN_DATE_ORDER:
                shown = sorted(shown, key=lambda row: row["value"])
            info["results"] = await self._values(column, shown)
            results.append(info)
        return results, timed_out

    async def _counted_filters(self):
        """The page's filters as [(column, stored value)], each of a counted column or an
        array made from links, if that is all that filters it; else None."""
        counted = COUNTED_FACETS.get(self.table, ())
        filters = []
        # A date range of one whole year (?_date_from=1956&_date_to=1956), read as the date
        # range filter reads it, holds the documents of that year, as no date spans two: the
        # year's counts answer it.
        start, end = (bound(self.request.args.get(name)) for name, bound in
                      zip(DATE_RANGE, (dates.first_day, dates.last_day)))
        whole_year = (self.table == "documents" and start and end and start[:4] == end[:4]
                      and start[4:] == "-01-01" and end[4:] == "-12-31")
        if whole_year:
            filters.append(("year", int(start[:4])))
        for name in self.request.args:
            if not filtering(name) or (whole_year and name in DATE_RANGE):
                continue
            for text in self.request.args.getlist(name):
                if name in counted:
                    value = await self._first(_STORED_VALUE, {"table": self.table,
                                                              "column": name, "text": text})
                elif self.table == "documents" and name in LISTING_FILTERS:
                    name = LISTING_FILTERS[name]
                    value = await self._first(
                        f"select name from {ARRAY_SOURCES[name][2]} where id = :id", {"id": text})
                else:
                    return None
                if value is None:
                    return None
                filters.append((name, value))
        return filters

    async def _from_counts(self, column, filters, size):
        """The counts the build made for this page, or None where it made none."""
        if filters is None or len(filters) > 2 or len(dict(filters)) < len(filters):
            return None
        params = {"table": self.table, "column": column, "limit": size + 1, "value": None}
        chosen = dict(filters)
        if column in chosen and column not in ARRAY_SOURCES:
            # A filtered column's own facet: its one value, on as many rows as the page has.
            params["value"] = chosen.pop(column)
        if len(chosen) == 2:
            # The build counts the columns and the listings' items among two values, and the
            # columns among a listing's documents of a value (a listing first): nothing among
            # two listings (derived.py).
            columns = COUNTED_FACETS.get(self.table, ())
            order = (*ARRAY_SOURCES, *columns) if self.table == "documents" else columns
            listing = any(name in ARRAY_SOURCES for name in chosen)
            if (any(name not in order for name in chosen)
                    or all(name in ARRAY_SOURCES for name in chosen)
                    or (column not in columns and (listing or column not in ARRAY_SOURCES))):
                return None
            chosen = dict(sorted(chosen.items(), key=lambda filter: order.index(filter[0])))
        for number, (filter, value) in enumerate(chosen.items()):
            params[f"filter_{number}"], params[f"value_{number}"] = filter, value
        table, filtered = _FILTERED[len(chosen)]
        return await self._query(_FROM_COUNTS.format(table=table, filters=filtered), params)

    async def _live(self, column, size):
        limit = size + 1
        if column in ARRAY_SOURCES:
            links, key, names = ARRAY_SOURCES[column]
            sql = _LIVE_LINKED.format(sql=self.sql, links=links, key=key, names=names,
                                      limit=limit)
        elif column in COUNTED_ARRAY_FACETS.get(self.table, ()):
            sql = _LIVE_ARRAY.format(sql=self.sql, column=escape_sqlite(column), limit=limit)
        else:
            sql = _LIVE.format(sql=self.sql, column=escape_sqlite(column), limit=limit)
        return (await self.ds.execute(self.database, sql, self.params, truncate=False,
                                      custom_time_limit=self.ds.setting("facet_time_limit_ms"))).rows

    async def _query(self, sql, params):
        return (await self.ds.execute(self.database, sql, params)).rows

    async def _first(self, sql, params):
        """The first column of the first row, or None where there is no row."""
        rows = await self._query(sql, params)
        return rows[0][0] if rows else None

    async def _values(self, column, counts):
        """Each value with its label, count and the link that selects or unselects it."""
        labels, argument = await self._labels(column, [row["value"] for row in counts]), column
        if column in ARRAY_SOURCES:
            argument = {array: name for name, array in LISTING_FILTERS.items()}[column]
        elif column in COUNTED_ARRAY_FACETS.get(self.table, ()):
            argument = f"{column}__arraycontains"
        selected_values = self.request.args.getlist(argument)
        values = []
        for row in counts:
            chosen, label = labels.get(row["value"], (row["value"], row["value"]))
            chosen = str(chosen)
            selected = chosen in selected_values
            path = (path_with_removed_args(self.request, {argument: chosen}) if selected
                    else path_with_added_args(self.request, {argument: chosen}))
            values.append({"value": row["value"], "label": label, "count": row["count"],
                           "selected": selected, "toggle_url": self.ds.absolute_url(
                               self.request, self.ds.urls.path(path))})
        return values

    async def _labels(self, column, values):
        """{value: (what selects it, its label)}: a listing's id and name (the first of a name),
        or for a column naming another table's row (a document's type), the value and name."""
        if column in ARRAY_SOURCES:
            names, by = ARRAY_SOURCES[column][2], "name"
        elif (self.table, column) in _NAMED_BY:
            names, by = _NAMED_BY[(self.table, column)], "id"
        else:
            return {}
        rows = await self._query(f"select id, name from {names} where {by} in (select value "
                                 "from json_each(:v)) order by id desc", {"v": json.dumps(values)})
        return {row[by]: (row["id"], row["name"]) for row in rows}


@hookimpl
def register_facet_classes():
    return [CountedFacet]

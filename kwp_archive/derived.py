"""What the build derives from the rows once written: who wrote to whom, the indexes, the
counts behind the facets and charts, and the planner's statistics. Counted once here, as
counting a million documents on a page view would outlast the time a page has."""

import itertools

from .schema import INDEXES, ROLES

# Who wrote to whom, each pair with how many documents, and how many documents each party
# received (each once, however many authors), for the charts. Only documents that were sent
# (a letter, a telegram, a report) are correspondence: a speech is addressed to its audience.
CORRESPONDENCE = """
CREATE TEMP TABLE sent_parties AS
SELECT document_id, role, name FROM document_parties
WHERE role IN ('author', 'recipient') AND document_id IN (
    SELECT id FROM documents WHERE type IN (SELECT id FROM document_types WHERE sent)
);
CREATE INDEX temp.sent_parties_document ON sent_parties(document_id, role);
INSERT INTO correspondence (author, recipient, documents)
SELECT authors.name, recipients.name, count(*)
FROM temp.sent_parties AS authors
JOIN temp.sent_parties AS recipients
    ON recipients.document_id = authors.document_id AND recipients.role = 'recipient'
WHERE authors.role = 'author'
GROUP BY authors.name, recipients.name;
CREATE INDEX correspondence_by_documents ON correspondence(documents DESC, author, recipient);
INSERT INTO document_correspondents (document_id, authors, recipients)
SELECT document_id, json_group_array(name) FILTER (WHERE role = 'author'),
    json_group_array(name) FILTER (WHERE role = 'recipient')
FROM (
    SELECT document_id, role, name FROM document_parties
    WHERE role IN ('author', 'recipient') ORDER BY document_id, kind, place
)
GROUP BY document_id;
INSERT INTO received (recipient, documents)
SELECT name, count(DISTINCT document_id) FROM temp.sent_parties WHERE role = 'recipient'
GROUP BY name;"""

# How many documents each party is in, and in which roles (a JSON array in ROLES' order).
_PARTY_COUNTS = """
UPDATE {parties} SET
    document_count = (
        SELECT count(DISTINCT document_id) FROM {links} WHERE {party} = {parties}.id
    ),
    roles = (
        SELECT json_group_array(role) FROM (
            SELECT DISTINCT role FROM {links} WHERE {party} = {parties}.id
            ORDER BY {role_order}
        )
    );"""
_ROLE_ORDER = "CASE role " + " ".join(
    f"WHEN '{role}' THEN {number}" for number, role in enumerate(ROLES)) + " END"
_PARTIES = (("people", "document_people", "person_id"),
            ("organisations", "document_organisations", "organisation_id"))
# Each archive's documents, from the counts of source_archive (made just before): no scan.
_ARCHIVE_COUNT = """
UPDATE archives SET document_count = coalesce((
    SELECT count FROM facet_counts WHERE table_name = 'documents'
    AND column_name = 'source_archive' AND value = archives.id), 0);"""
_LISTING_COUNT = """
UPDATE {names} SET document_count = (SELECT count(*) FROM {links} WHERE {key} = {names}.id);"""
# Documents per month (those dated to a month or a day), for the by_month chart.
_MONTH_COUNT = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT 'documents', 'month', substr(date, 1, 7), count(*) FROM documents
WHERE date_precision != 'year' GROUP BY substr(date, 1, 7);"""

# The columns whose facets the build counts, in the whole table and among the rows of one or
# two other values (facet_counts, _pairs, _triples), for metadata.yml's `counted:` facets.
COUNTED_FACETS = {"documents": ("type", "year", "date_precision", "source_archive"),
                  "document_people": ("role",), "document_organisations": ("role",)}
# Columns holding JSON arrays, counted by their items.
COUNTED_ARRAY_FACETS = {"documents": ("collections", "subjects", "events"),
                        "people": ("roles",), "organisations": ("roles",)}
# Arrays the build makes from link tables: (link table, its key, the table of names).
ARRAY_SOURCES = {"collections": ("document_collections", "collection_id", "collections"),
                 "subjects": ("document_subjects", "subject_id", "subjects"),
                 "events": ("document_events", "event_id", "events")}

# Each count is a sum over the table's cube, made in one pass: its rows by each combination.
_FACET_CUBE = """
CREATE TEMP TABLE facet_cube AS
SELECT {columns}, count(*) AS count FROM {table} GROUP BY {columns};"""
_FACET_COUNT = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT '{table}', '{column}', {column}, sum(count) FROM temp.facet_cube
WHERE {column} IS NOT NULL GROUP BY {column};"""
_PAIR_COUNT = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT '{table}', '{filter}', {filter}, '{column}', {column}, sum(count) FROM temp.facet_cube
WHERE {filter} IS NOT NULL AND {column} IS NOT NULL GROUP BY {filter}, {column};"""
# The two filter columns go in the order of COUNTED_FACETS.
_TRIPLE_COUNT = """
INSERT INTO facet_triples (table_name, first_filter_column, first_filter_value,
    second_filter_column, second_filter_value, column_name, value, count)
SELECT '{table}', '{first}', {first}, '{second}', {second}, '{column}', {column}, sum(count)
FROM temp.facet_cube
WHERE {first} IS NOT NULL AND {second} IS NOT NULL AND {column} IS NOT NULL
GROUP BY {first}, {second}, {column};"""


def _column_counts():
    for table, columns in COUNTED_FACETS.items():
        yield _FACET_CUBE.format(table=table, columns=", ".join(columns))
        for column in columns:
            yield _FACET_COUNT.format(table=table, column=column)
        for filter, column in itertools.permutations(columns, 2):
            yield _PAIR_COUNT.format(table=table, filter=filter, column=column)
        for first, second in itertools.combinations(columns, 2):
            yield from (_TRIPLE_COUNT.format(table=table, first=first, second=second, column=column)
                        for column in columns if column not in (first, second))
        yield "DROP TABLE temp.facet_cube;\n"


# Each listing's documents with their counted columns, gathered once for every listing count.
_LISTED = """
CREATE TEMP TABLE listed_{array} AS
SELECT {links}.document_id, {names}.name, documents.type, documents.year,
    documents.date_precision, documents.source_archive
FROM {links}
JOIN {names} ON {names}.id = {links}.{key}
JOIN documents ON documents.id = {links}.document_id;
CREATE INDEX temp.listed_{array}_document ON listed_{array}(document_id);
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT 'documents', '{array}', name, count(DISTINCT document_id) FROM temp.listed_{array}
GROUP BY name;"""
_LISTED_PAIRS = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT 'documents', '{filter}', {filter_value}, '{column}', {value}, count(*)
FROM temp.listed_{array} GROUP BY {filter_value}, {value};"""
_TWO_LISTINGS = """
INSERT INTO facet_pairs (table_name, filter_column, filter_value, column_name, value, count)
SELECT 'documents', '{array}', listed.name, '{other}', other.name, count(*)
FROM temp.listed_{array} AS listed
JOIN temp.listed_{other} AS other ON other.document_id = listed.document_id
GROUP BY listed.name, other.name;"""
# A listing's documents by their counted columns, and from it the columns among a listing's
# documents of one value (?_subject=...&type=letter): facet_triples, the listing first.
_LISTED_CUBE = """
CREATE TEMP TABLE listed_cube AS
SELECT name, {columns}, count(*) AS count FROM temp.listed_{array} GROUP BY name, {columns};"""
_LISTED_TRIPLES = """
INSERT INTO facet_triples (table_name, first_filter_column, first_filter_value,
    second_filter_column, second_filter_value, column_name, value, count)
SELECT 'documents', '{array}', name, '{filter}', {filter}, '{column}', {column}, sum(count)
FROM temp.listed_cube GROUP BY name, {filter}, {column};"""
# And a listing's items among the documents of two values (?type=letter&year=1956).
_LISTED_OF_TWO = """
INSERT INTO facet_triples (table_name, first_filter_column, first_filter_value,
    second_filter_column, second_filter_value, column_name, value, count)
SELECT 'documents', '{first}', {first}, '{second}', {second}, '{array}', name, sum(count)
FROM temp.listed_cube GROUP BY {first}, {second}, name;"""
# Arrays of the rows themselves (a party's roles) are counted from the arrays.
_ARRAY_ITEMS = """
INSERT INTO facet_counts (table_name, column_name, value, count)
SELECT '{table}', '{column}', item.value, count(DISTINCT {table}.rowid)
FROM {table}, json_each({table}.{column}) AS item GROUP BY item.value;"""


def _array_counts():
    for array, (links, key, names) in ARRAY_SOURCES.items():
        yield _LISTED.format(array=array, links=links, key=key, names=names)
    for table, columns in COUNTED_ARRAY_FACETS.items():
        if table != "documents":  # whose arrays are counted from their links, above
            yield from (_ARRAY_ITEMS.format(table=table, column=column) for column in columns)
    for array in ARRAY_SOURCES:
        for column in COUNTED_FACETS["documents"]:
            yield _LISTED_PAIRS.format(array=array, filter=column, filter_value=column,
                                       column=array, value="name")
            yield _LISTED_PAIRS.format(array=array, filter=array, filter_value="name",
                                       column=column, value=column)
        for other in ARRAY_SOURCES:
            yield _TWO_LISTINGS.format(array=array, other=other)
        columns = COUNTED_FACETS["documents"]
        yield _LISTED_CUBE.format(array=array, columns=", ".join(columns))
        for filter, column in itertools.permutations(columns, 2):
            yield _LISTED_TRIPLES.format(array=array, filter=filter, column=column)
        for first, second in itertools.combinations(columns, 2):
            yield _LISTED_OF_TWO.format(array=array, first=first, second=second)
        yield "DROP TABLE temp.listed_cube;\n"


COUNTS = "".join((
    _MONTH_COUNT,
    *(_LISTING_COUNT.format(links=links, key=key, names=names)
      for links, key, names in ARRAY_SOURCES.values()),
    *(_PARTY_COUNTS.format(parties=parties, links=links, party=party, role_order=_ROLE_ORDER)
      for parties, links, party in _PARTIES),
    *_column_counts(), *_array_counts(), _ARCHIVE_COUNT))


def create_indexes(connection):
    connection.executescript(INDEXES)


def gather_statistics(connection):
    connection.execute("ANALYZE")
    # Else a date range skips through a facet's index, not along the date's: ten times as long.
    connection.execute("UPDATE sqlite_stat1 SET stat = stat || ' noskipscan' WHERE idx IN "
                       "('documents_type', 'documents_year', 'documents_date_precision')")

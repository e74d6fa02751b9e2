"""What the site's own pages show beyond Datasette's: the queries behind them, and how their
rows are grouped. The plugins run these; the tests can reach them without a server."""

from .derived import ARRAY_SOURCES, COUNTED_FACETS
from .schema import ROLES


def parties_of(document):
    """SQL for a document's parties (link_table, id, label, role, place), people first, each in
    the editors' order; `document` is the SQL of its id (a parameter, or an outer column)."""
    return f"""
select party_table as link_table, party_id as id, name as label, role, place
from document_parties
where document_id = {document}
order by kind, place"""


# The archive's listings that show a document, and the events it belongs to (with why), with
# their ids, for links to their pages.
DOCUMENT_LISTINGS = """
select 'subjects' as link_table, subjects.id, subjects.name as label, null as basis
from document_subjects join subjects on subjects.id = document_subjects.subject_id
where document_subjects.document_id = :id
union all
select 'collections', collections.id, collections.name, null
from document_collections
join collections on collections.id = document_collections.collection_id
where document_collections.document_id = :id
union all
select 'events', events.id, events.name, document_events.basis
from document_events join events on events.id = document_events.event_id
where document_events.document_id = :id
order by link_table, label"""

# The documents related to one, either way, in date order, with what each is to it in words.
DOCUMENT_RELATED = """
select 'documents' as link_table, documents.id, documents.title as label, documents.date,
    related.relation, related.direction
from (
    select related_id as other, relation, 'to' as direction from related_documents
    where document_id = :id
    union all
    select document_id, relation, 'from' from related_documents where related_id = :id
) as related
join documents on documents.id = related.other
order by documents.date, documents.id"""
# What the other document is to this one: (relation, direction) -> words.
RELATED_AS = {("same document", "to"): "The same document, in another record",
              ("same document", "from"): "The same document, in another record",
              ("draft of", "to"): "This is a draft of", ("draft of", "from"): "Its draft",
              ("enclosure of", "to"): "Enclosed with", ("enclosure of", "from"): "Encloses"}

# The documents just before and after one: by date as stored (a year before its days), then id.
DOCUMENT_NEIGHBOURS = """
select * from (
    select 'previous' as side, id, title, date from documents
    where (date, id) < (select date, id from documents where id = :id)
    order by date desc, id desc limit 1
)
union all
select * from (
    select 'next', id, title, date from documents
    where (date, id) > (select date, id from documents where id = :id)
    order by date, id limit 1
)"""

# A person's or an organisation's documents, in date order, with the role in each.
_PARTY_DOCUMENTS = """
select 'documents' as link_table, documents.id, documents.title as label,
    {links}.date, {links}.role
from {links} join documents on documents.id = {links}.document_id
where {links}.{party} = :id
order by {links}.date, {links}.document_id, {links}.rowid
limit 1000"""


def in_listing(links, key, parameter, large=False):
    """The filter of the documents in one listing (a subject, a collection), marked as likely
    true, so that SQLite walks the documents in date order and stops at a page's last rather
    than sort the whole listing. `id in (...)` first gathers the listing's ids, which a count
    needs and a small listing makes cheap; for a large listing where nothing is counted (the
    build counted it), each document walked is looked up in the links instead (LISTING)."""
    if large:
        return (f"likelihood(exists (select 1 from {links} where {links}.document_id = "
                f"documents.id and {links}.{key} = :{parameter}), 0.9)")
    return (f"likelihood(id in (select document_id from {links} where {key} = :{parameter}), "
            "0.9)")


# A listing's name, and whether it is large: a thirtieth of the documents or more, whose page
# of a hundred the walk finds within about 3,000 lookups, quicker than gathering its ids
# (bench/RESULTS.md). Each document has a year, so the build's counts of years sum to them all.
LISTING = """
select name, document_count * 30 >= (
    select sum(count) from facet_counts
    where table_name = 'documents' and column_name = 'year'
) as large
from {names} where id = :id"""


def listed_documents(table, large):
    """A subject's or a collection's first documents, in date order: a table's page of them."""
    links, key, _ = ARRAY_SOURCES[table]
    return f"""
select 'documents' as link_table, id, title as label, date
from documents
where {in_listing(links, key, "id", large)}
order by date, id
limit 100"""


# An event's documents in date order, each with why it belongs (its basis).
_EVENT_DOCUMENTS = """
select 'documents' as link_table, documents.id, documents.title as label, documents.date,
    document_events.basis
from document_events join documents on documents.id = document_events.document_id
where document_events.event_id = :id
order by documents.date, documents.id
limit 1000"""
# The people most often linked to an event's documents, with their roles in them.
EVENT_PEOPLE = """
select 'people' as link_table, people.id, people.name as label,
    count(distinct document_people.document_id) as documents,
    group_concat(distinct document_people.role) as roles
from document_events
join document_people on document_people.document_id = document_events.document_id
join people on people.id = document_people.person_id
where document_events.event_id = :id
group by people.id
order by documents desc, people.sort_name
limit 15"""
# An event's documents by month (those dated to a month or a day), and how many only by year.
EVENT_MONTHS = """
select case when documents.date_precision = 'year' then null else substr(documents.date, 1, 7)
    end as month, count(*) as documents
from document_events join documents on documents.id = document_events.document_id
where document_events.event_id = :id
group by month order by month"""

ROW_QUERIES = {
    "documents": parties_of(":id"),
    "people": _PARTY_DOCUMENTS.format(links="document_people", party="person_id"),
    "organisations": _PARTY_DOCUMENTS.format(links="document_organisations",
                                             party="organisation_id"),
    "events": _EVENT_DOCUMENTS,
}
# The date span on the home page: two lookups in the date index.
DATE_SPAN = """
select
    (select min(date) from documents) as first_date,
    (select max(date) from documents) as last_date"""

# The events, for the home page: in date order, the longer first of two that start together.
EVENTS_IN_ORDER = """
select id, name, date_start, date_end, document_count from events
order by date_start, date_end desc, name"""

# The archives the records come from, the most records first, for the home page.
ARCHIVES_IN_USE = """
select id, name, document_count from archives where document_count > 0
order by document_count desc, name"""

# Filters by a listing (plugins/listings.py), each with the array of its listings' names.
LISTING_FILTERS = {"_subject": "subjects", "_collection": "collections", "_event": "events"}
# Arguments that change how a table's page shows its rows, not which (any _facet... too).
_NOT_FILTERING = {"_size", "_sort", "_sort_desc", "_next", "_col", "_nocol", "_labels",
                  "_nolabels", "_shape", "_json", "_stream", "_dl", "_columns", "_nofacet",
                  "_nocount", "_nosuggest", "_trace", "_ttl", "_timelimit", "_searchmode",
                  "_extra", "_chart", "_bom"}


def filtering(name):
    """Whether a table page's argument chooses rows (a column's value, a listing, a search)."""
    return name not in _NOT_FILTERING and not name.startswith("_facet")


def counted_by_the_build(args):
    """The (argument, value) pairs of a page of the documents table that chooses its rows by
    one or two values whose rows the build counted (a counted column's, a listing's; not two
    listings, nor one column twice), in the order of LISTING_FILTERS and COUNTED_FACETS; else
    None. A number written otherwise than the build stores it (1956.0) is left to Datasette."""
    order = (*LISTING_FILTERS, *COUNTED_FACETS["documents"])
    chosen = sorted(((name, value) for name, value in args if filtering(name)),
                    key=lambda argument: order.index(argument[0]) if argument[0] in order else 0)
    names = [name for name, _ in chosen]
    if not (1 <= len(chosen) <= 2 and len(set(names)) == len(names)
            and sum(name in LISTING_FILTERS for name in names) <= 1):
        return None
    for name, value in chosen:
        if name not in LISTING_FILTERS and name not in COUNTED_FACETS["documents"]:
            return None
        if not value or (name == "year" and not (
                value.isascii() and value.isdigit() and str(int(value)) == value)):
            return None
    return chosen


# A date range's parameters (plugins/date_range.py): without "_", Datasette takes columns.
DATE_RANGE = ("_date_from", "_date_to")
ROLE_HEADINGS = {"author": "Authors", "recipient": "Recipients",
                 "participant": "Participants", "mentioned": "Mentioned"}


def months_chart(rows):
    """An event's documents per month as bars: every month from its first to its last, none
    left out (a month of no documents is a gap a reader should see), and the count dated only
    to a year."""
    counts = {row["month"]: row["documents"] for row in rows}
    by_year_only = counts.pop(None, 0)
    if not counts:
        return {"months": [], "by_year_only": by_year_only, "most": 0}
    first, last = min(counts), max(counts)
    year, month, months = int(first[:4]), int(first[5:]), []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        months.append({"month": key, "documents": counts.get(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {"months": months, "by_year_only": by_year_only, "most": max(counts.values())}


def in_role_order(roles):
    """'author, recipient': the roles among `roles`, in the order of ROLES."""
    return ", ".join(role for role in ROLES if role in roles)


def group_by_role(rows):
    """[(heading, rows)] in the order of ROLES; empty roles left out."""
    grouped = {role: [row for row in rows if row["role"] == role] for role in ROLES}
    return [(ROLE_HEADINGS[role], found) for role, found in grouped.items() if found]

-- The database's tables, view and full-text index, written by kwp_archive/schema.py (which
-- fills in the names in braces). Their names and columns are the public API that users' SQL
-- depends on: keep them.

-- The archives records come from (the Wilson Center Digital Archive, the CIA's reading
-- room, FRUS): each record's source_url is on its archive's host.
CREATE TABLE archives (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    host TEXT NOT NULL UNIQUE,
    citation TEXT NOT NULL,
    terms TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE document_types (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    sent INTEGER NOT NULL CHECK (sent IN (0, 1))
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('year', 'month', 'day')),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    type TEXT NOT NULL REFERENCES document_types(id),
    summary TEXT NOT NULL,
    source_url TEXT NOT NULL,
    source_kind TEXT NOT NULL CHECK (source_kind IN ('document', 'file', 'listing')),
    archive TEXT NOT NULL,
    archive_reference TEXT NOT NULL,
    translator TEXT NOT NULL,
    original_language TEXT NOT NULL,
    document_number TEXT NOT NULL DEFAULT '',
    volume TEXT NOT NULL DEFAULT '',
    page TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL DEFAULT '',
    release_date TEXT NOT NULL DEFAULT '',
    source_archive TEXT NOT NULL DEFAULT '',
    collections TEXT NOT NULL DEFAULT '[]',
    subjects TEXT NOT NULL DEFAULT '[]',
    events TEXT NOT NULL DEFAULT '[]',
    added_in TEXT NOT NULL DEFAULT '',
    changed_in TEXT NOT NULL DEFAULT ''
);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    position TEXT NOT NULL,
    born INTEGER,
    died INTEGER,
    sources TEXT NOT NULL DEFAULT '',
    document_count INTEGER NOT NULL DEFAULT 0,
    roles TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0,
    roles TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_url TEXT NOT NULL,
    name_source TEXT NOT NULL DEFAULT '',
    document_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE subjects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source_url TEXT NOT NULL,
    name_source TEXT NOT NULL DEFAULT '',
    document_count INTEGER NOT NULL DEFAULT 0
);
-- An episode (a plenum, a purge, a delegation), dated by the reference pages in sources.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end TEXT NOT NULL,
    description TEXT NOT NULL,
    sources TEXT NOT NULL,
    document_count INTEGER NOT NULL DEFAULT 0
);
-- Each link carries its document's date, so that a party's documents list in date order
-- straight from an index, however many there are.
CREATE TABLE document_people (
    document_id TEXT NOT NULL REFERENCES documents(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK (role IN ({roles})),
    date TEXT,
    PRIMARY KEY (document_id, person_id, role)
);
CREATE TABLE document_organisations (
    document_id TEXT NOT NULL REFERENCES documents(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (role IN ({roles})),
    date TEXT,
    PRIMARY KEY (document_id, organisation_id, role)
);
CREATE TABLE document_collections (
    document_id TEXT NOT NULL REFERENCES documents(id),
    collection_id TEXT NOT NULL REFERENCES collections(id),
    source_url TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, collection_id)
);
CREATE TABLE document_subjects (
    document_id TEXT NOT NULL REFERENCES documents(id),
    subject_id TEXT NOT NULL REFERENCES subjects(id),
    PRIMARY KEY (document_id, subject_id)
);
CREATE TABLE document_events (
    document_id TEXT NOT NULL REFERENCES documents(id),
    event_id TEXT NOT NULL REFERENCES events(id),
    basis TEXT NOT NULL CHECK (basis IN ({bases})),
    source_url TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (document_id, event_id)
);
-- Two records of one document (two translations, two copies), a draft and what it became, an
-- enclosure and the document it was sent with.
CREATE TABLE related_documents (
    document_id TEXT NOT NULL REFERENCES documents(id),
    related_id TEXT NOT NULL REFERENCES documents(id),
    relation TEXT NOT NULL CHECK (relation IN ({relations})),
    source_url TEXT NOT NULL,
    PRIMARY KEY (document_id, related_id)
);
-- The pages that may vouch for a person's names, position and dates: editorial policy.
CREATE TABLE reference_hosts (
    host TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    why TEXT NOT NULL
);
-- People a document's title or summary names whom the editors do not link to it, and why.
CREATE TABLE unlinked_mentions (
    document_id TEXT NOT NULL REFERENCES documents(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    why TEXT NOT NULL,
    PRIMARY KEY (document_id, person_id)
);
-- The collection's releases, oldest first; records withdrawn, and why; the release that
-- added and last changed each record, with the digest `make release` compares.
CREATE TABLE releases (
    version TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE withdrawn (
    id TEXT PRIMARY KEY,
    withdrawn_in TEXT NOT NULL REFERENCES releases(version),
    reason TEXT NOT NULL
);
CREATE TABLE record_releases (
    id TEXT PRIMARY KEY,
    added_in TEXT NOT NULL REFERENCES releases(version),
    changed_in TEXT NOT NULL REFERENCES releases(version),
    digest TEXT NOT NULL
);
CREATE TABLE correspondence (
    author TEXT NOT NULL,
    recipient TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (author, recipient)
);
-- Each document's authors and recipients by name (JSON arrays), people first, in the editors'
-- order: the timeline's and the citations'. SQLite 3.40 does not push a correlated document_id
-- into document_parties' UNION, so asking the view per document of a page reads every link.
CREATE TABLE document_correspondents (
    document_id TEXT PRIMARY KEY REFERENCES documents(id),
    authors TEXT NOT NULL,
    recipients TEXT NOT NULL
) WITHOUT ROWID;
-- Keyed by its rowid, not the name: Datasette links a key to the row's own page, where the
-- name should lead to the party's.
CREATE TABLE received (
    recipient TEXT NOT NULL UNIQUE,
    documents INTEGER NOT NULL
);
CREATE TABLE facet_counts (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, column_name, value)
);
CREATE TABLE facet_pairs (
    table_name TEXT NOT NULL,
    filter_column TEXT NOT NULL,
    filter_value,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, filter_column, filter_value, column_name, value)
);
CREATE TABLE facet_triples (
    table_name TEXT NOT NULL,
    first_filter_column TEXT NOT NULL,
    first_filter_value,
    second_filter_column TEXT NOT NULL,
    second_filter_value,
    column_name TEXT NOT NULL,
    value,
    count INTEGER NOT NULL,
    PRIMARY KEY (table_name, first_filter_column, first_filter_value, second_filter_column,
                 second_filter_value, column_name, value)
);
-- People and organisations are both parties to documents: one view serves both wherever a
-- document's parties are listed. `kind` puts people first, `place` keeps the editors'
-- order of the links (the order of a letter's signatures, say).
CREATE VIEW document_parties AS
SELECT document_people.document_id, 'people' AS party_table, people.id AS party_id,
    people.name, people.aliases, document_people.role, 0 AS kind,
    document_people.rowid AS place
FROM document_people JOIN people ON people.id = document_people.person_id
UNION ALL
SELECT document_organisations.document_id, 'organisations', organisations.id,
    organisations.name, organisations.aliases, document_organisations.role, 1,
    document_organisations.rowid
FROM document_organisations
JOIN organisations ON organisations.id = document_organisations.organisation_id;

-- @full-text
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, summary, people, organisations, {name_keys}, tokenize = '{tokenize}'
);
INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', {fts_hash_size});
-- The index's terms (stems), for a prefix to find the stems it was cut to (search.py).
CREATE VIRTUAL TABLE documents_fts_terms USING fts5vocab(documents_fts, 'row');
CREATE VIRTUAL TABLE people_fts USING fts5(
    name, aliases, {name_keys}, tokenize = '{tokenize}'
);

-- @indexes
-- Made once the rows are in: faster than row by row.
-- The table's order, then what a date range tests and counts: a year's facets, from it alone.
CREATE INDEX documents_date
    ON documents(date, id, date_start, date_end, type, year, date_precision);
CREATE INDEX documents_title ON documents(title, id);
CREATE INDEX people_document_count ON people(document_count, id);
-- Each faceted column, the table's order, the other facets: a page of one facet value lists
-- its first rows in date order and counts the others from the index alone.
CREATE INDEX documents_year ON documents(year, date, id, type, date_precision);
CREATE INDEX documents_type ON documents(type, date, id, year, date_precision);
CREATE INDEX documents_date_precision ON documents(date_precision, date, id, type, year);
-- With the role: a party's links list in date order, and count by role, from the index.
CREATE INDEX document_people_person ON document_people(person_id, date, document_id, role);
CREATE INDEX document_people_role ON document_people(role);
CREATE INDEX people_sort_name ON people(sort_name);
CREATE INDEX document_organisations_organisation
    ON document_organisations(organisation_id, date, document_id, role);
CREATE INDEX document_organisations_role ON document_organisations(role);
-- With the document: a listing's documents are read, and counted, from the index alone.
CREATE INDEX document_collections_collection ON document_collections(collection_id, document_id);
CREATE INDEX document_subjects_subject ON document_subjects(subject_id, document_id);
CREATE INDEX document_events_event ON document_events(event_id, document_id);
-- The feed lists each release's records, the latest dated first.
CREATE INDEX documents_added_in ON documents(added_in, date, id);
-- A document's page lists the records related to it either way.
CREATE INDEX related_documents_related ON related_documents(related_id);

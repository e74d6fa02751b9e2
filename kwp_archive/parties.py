"""The parties to a document (people and organisations, by role), as shown on row pages."""

from .sources import ROLES

# For a document's page: each person and organisation tied to it, with the table to link to;
# people first, then organisations, each in the editors' order (the order of a letter's
# signatures, say).
DOCUMENT_PARTIES = """
select 'people' as link_table, people.id, people.name as label, document_people.role,
    document_people.rowid as place
from document_people join people on people.id = document_people.person_id
where document_people.document_id = :id
union all
select 'organisations', organisations.id, organisations.name, document_organisations.role,
    document_organisations.rowid
from document_organisations
join organisations on organisations.id = document_organisations.organisation_id
where document_organisations.document_id = :id
order by link_table desc, place
"""

# For a person's or an organisation's page: their documents in chronological order.
_PARTY_DOCUMENTS = """
select 'documents' as link_table, documents.id, documents.title as label,
    documents.date, {links}.role
from {links} join documents on documents.id = {links}.document_id
where {links}.{party} = :id
order by documents.date, documents.id
"""

ROW_QUERIES = {
    "documents": DOCUMENT_PARTIES,
    "people": _PARTY_DOCUMENTS.format(links="document_people", party="person_id"),
    "organisations": _PARTY_DOCUMENTS.format(
        links="document_organisations", party="organisation_id"
    ),
}

# A document's page lists its parties under the first heading; a party's page lists its
# documents under the second.
HEADINGS = {
    "author": ("Authors", "Author of"),
    "recipient": ("Recipients", "Recipient of"),
    "mentioned": ("Mentioned", "Mentioned in"),
}


def group_by_role(table, rows):
    """[(heading, rows)] in the order author, recipient, mentioned; empty roles left out."""
    side = 0 if table == "documents" else 1
    return [
        (HEADINGS[role][side], [row for row in rows if row["role"] == role])
        for role in ROLES
        if any(row["role"] == role for row in rows)
    ]

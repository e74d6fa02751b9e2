"""The database page's SQL box opens with a query worth running: documents with the people
linked to them, where Datasette puts `select * from` its first table (collections). Set
before the box becomes an editor, which Datasette does once the page has loaded."""

import json

from datasette import hookimpl

EXAMPLE = """select documents.date, documents.title, people.name as person, document_people.role
from documents
  join document_people on document_people.document_id = documents.id
  join people on people.id = document_people.person_id
order by documents.date, documents.id
limit 100"""


@hookimpl
def extra_body_script(view_name):
    if view_name != "database":
        return ""
    return (f'var box = document.querySelector("textarea#sql-editor");\n'
            f"if (box && /^select \\* from /.test(box.value)) box.value = {json.dumps(EXAMPLE)};")

"""Every connection Datasette opens is prepared as kwp_archive/connection.py says: the SQL
functions of the site's queries and readers' own, and the limits on one step's cost."""

from datasette import hookimpl

from kwp_archive import connection


# trylast: Datasette registers its own escape_fts on every connection, and ours must win.
@hookimpl(trylast=True)
def prepare_connection(conn):
    connection.prepare(conn)

"""Datasette's debugging pages are for a maintainer at their own machine, not for the
public: they answer 404 here, as do the charts' source maps (6.6 MB each, of no use to a
reader). What readers and their tools use stays: /-/versions, /-/metadata, /-/databases.
Routes a plugin registers come before Datasette's own, so these are found first."""

from datasette import hookimpl
from datasette.utils.asgi import NotFound


async def not_public():
    raise NotFound("This page is not public")


@hookimpl
def register_routes():
    return [(r"^/-/(threads|messages|patterns|allow-debug)(\.json)?$", not_public),
            (r"^/-/.*\.map$", not_public)]

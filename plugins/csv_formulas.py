"""A CSV download of a reader's own SQL never carries a cell a spreadsheet would run as a
formula (=HYPERLINK(...) and the like, CSV injection): such a cell starts with an apostrophe,
which spreadsheets read as "text". The collection's own data cannot hold one (the build
refuses it, sources.formula_start), so only the answers to `sql=` are rewritten; a number,
negative ones too, is left as it is."""

import csv
import io
from urllib.parse import parse_qsl

from datasette import hookimpl

from kwp_archive.sources import formula_start


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def neutralised(body: bytes) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(body.decode("utf-8"), newline="")):
        writer.writerow(["'" + cell if formula_start(cell) and not _is_number(cell) else cell
                         for cell in row])
    return out.getvalue().encode("utf-8")


def _readers_csv(scope):
    query = scope.get("query_string", b"").decode("latin-1")
    return scope["path"].endswith(".csv") and "sql" in dict(parse_qsl(query))


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def safe_csv(scope, receive, send):
            if scope["type"] != "http" or not _readers_csv(scope):
                return await app(scope, receive, send)
            # A query's answer is at most 1,000 rows, within the result limit: kept whole.
            start, body = None, []

            async def sending(event):
                nonlocal start
                if event["type"] == "http.response.start":
                    start = event
                    return
                body.append(event.get("body", b""))
                if not event.get("more_body"):
                    whole = b"".join(body)
                    if start["status"] == 200:
                        whole = neutralised(whole)
                    headers = [pair for pair in start.get("headers", [])
                               if pair[0].lower() != b"content-length"]
                    await send(dict(start, headers=[
                        *headers, [b"content-length", str(len(whole)).encode()]]))
                    await send({"type": "http.response.body", "body": whole})

            await app(scope, receive, sending)
        return safe_csv
    return wrap

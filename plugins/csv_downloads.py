"""CSV downloads a spreadsheet opens safely and right.

- Every CSV comes as a file named after its table or query, not as text in the browser.
- `_bom=1` starts it with a UTF-8 byte-order mark, which Excel needs to read Füredi, Práth or
  김일성 as written; without it the CSV stays as tools that read UTF-8 expect it.
- A CSV of a reader's own SQL never carries a cell a spreadsheet would run as a formula
  (=HYPERLINK(...) and the like, CSV injection): such a cell starts with an apostrophe, which
  spreadsheets read as "text". The collection's own data cannot hold one (the build refuses
  it, sources.formula_start), so only the answers to `sql=` are rewritten; a number,
  negative ones too, is left as it is."""

import csv
import io
from urllib.parse import parse_qsl

from datasette import hookimpl

from kwp_archive.sources import formula_start

BOM = "\ufeff".encode()


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


def _as_file(start, path, added=0):
    """The response's start, as a file to save, its length grown by `added` bytes."""
    name = path.rstrip("/").rsplit("/", 1)[-1] or "data.csv"
    headers = []
    for key, value in start.get("headers", []):
        if key.lower() == b"content-disposition":
            continue
        if key.lower() == b"content-length":
            value = str(int(value) + added).encode()
        headers.append([key, value])
    headers.append([b"content-disposition", f'attachment; filename="{name}"'.encode()])
    return dict(start, headers=headers)


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def csv_download(scope, receive, send):
            if scope["type"] != "http" or not scope["path"].endswith(".csv"):
                return await app(scope, receive, send)
            args = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            bom = BOM if args.get("_bom") else b""
            start, body, first = None, [], True

            async def sending(event):
                nonlocal start, first
                if event["type"] == "http.response.start":
                    start = event
                    if start["status"] == 200 and "sql" not in args:
                        await send(_as_file(start, scope["path"], len(bom)))
                    elif start["status"] != 200:
                        await send(start)
                    return
                if start["status"] != 200:
                    return await send(event)
                if "sql" in args:
                    # A query's answer is at most 1,000 rows, within the result limit: whole.
                    body.append(event.get("body", b""))
                    if not event.get("more_body"):
                        whole = bom + neutralised(b"".join(body))
                        headers = [pair for pair in start.get("headers", [])
                                   if pair[0].lower() != b"content-length"]
                        await send(_as_file(dict(start, headers=[
                            *headers, [b"content-length", str(len(whole)).encode()]]),
                            scope["path"]))
                        await send({"type": "http.response.body", "body": whole})
                    return
                # Any other CSV streams on as Datasette sends it, the mark before its first byte.
                if first:
                    event, first = dict(event, body=bom + event.get("body", b"")), False
                await send(event)

            await app(scope, receive, sending)
        return csv_download
    return wrap


# A link beside Datasette's own "CSV" on every table page.
_EXCEL_LINK = """
document.querySelectorAll('.export-links a').forEach(function (link) {
  if (link.textContent !== 'CSV') return;
  var excel = document.createElement('a');
  excel.href = link.href + (link.href.indexOf('?') < 0 ? '?' : '&') + '_bom=1';
  excel.textContent = 'CSV for Excel';
  link.after(', ', excel);
});"""


@hookimpl
def extra_body_script(view_name):
    return _EXCEL_LINK if view_name in ("table", "query") else ""

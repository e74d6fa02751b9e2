"""Take the README's screenshots (docs/*.png) of the site as `make run` serves it.

    python docs/screenshots.py [--database archive.db] [--out docs]
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from kwp_archive import site

DOCS = Path(__file__).resolve().parent
# (file, path, what to wait for before the picture)
SHOTS = [
    ("home.png", "/", ".home"),
    ("document.png", "/archive/documents/1956-09-05-letter-to-ccp", ".record"),
    ("person.png", "/archive/people/mikoyan", ".record"),
    ("chart.png", "/archive/by_year#g.mark=bar&g.x_column=year&g.x_type=ordinal"
                  "&g.y_column=documents&g.y_type=quantitative", ".vega-embed canvas"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="archive.db")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    with site.Server(args.database) as server, sync_playwright() as playwright:
        browser = site.launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        for name, path, ready in SHOTS:
            page.goto(server.base + path)
            page.wait_for_selector(ready)
            page.screenshot(path=args.out / name, full_page=True)
            print(args.out / name)
        browser.close()


if __name__ == "__main__":
    main()

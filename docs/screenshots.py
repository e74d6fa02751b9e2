"""Take the README's screenshots (docs/*.png) of the site as `make run` serves it.

    python docs/screenshots.py [--database archive.db] [--out docs]
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import harness  # noqa: E402

DOCS = Path(__file__).resolve().parent
DESKTOP = {"width": 1100, "height": 800}
PHONE = {"width": 390, "height": 844}
# (file, path, what to wait for before the picture, screen)
SHOTS = [
    ("home.png", "/", ".home", DESKTOP),
    ("search.png", "/archive/search?q=%22August+plenum%22", ".result-count", DESKTOP),
    ("document.png", "/archive/documents/1956-09-21-mikoyan", ".record", DESKTOP),
    ("person.png", "/archive/people/mikoyan", ".record", DESKTOP),
    ("chart.png", "/archive/by_month#g.mark=bar&g.x_column=month&g.x_type=ordinal"
                  "&g.y_column=documents&g.y_type=quantitative", ".vega-embed canvas", DESKTOP),
    ("phone-home.png", "/", ".home", PHONE),
    ("phone-document.png", "/archive/documents/1956-09-21-mikoyan", ".record", PHONE),
]


def take(browser, base, out):
    """Each picture of SHOTS, of the site at `base`, into the folder `out`."""
    for name, path, ready, screen in SHOTS:
        page = browser.new_page(viewport=screen)
        page.goto(base + path)
        page.wait_for_selector(ready)
        # A phone's picture is its first screen, what a reader sees before scrolling.
        page.screenshot(path=out / name, full_page=screen is DESKTOP)
        page.close()
        print(out / name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="archive.db")
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    with harness.Server(args.database) as server, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        take(browser, server.base, args.out)
        browser.close()


if __name__ == "__main__":
    main()

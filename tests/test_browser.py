"""What a person sees, in Debian's chromium: the charts draw from their links."""

import pytest


@pytest.mark.parametrize("query", ["by_year", "by_type", "correspondence"])
def test_chart_draws_from_the_database_page_link(server, page, query):
    base, _ = server
    page.goto(f"{base}/archive")
    page.click(f'a[href^="/archive/{query}#g.mark=bar"]')
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    chart.wait_for(state="visible", timeout=10_000)
    box = chart.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    assert page.errors == []

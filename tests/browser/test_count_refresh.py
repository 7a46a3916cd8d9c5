"""A petition page kept by a cache shows an old count; its script brings it up to date
from the count endpoint, and never down. In Chromium, against the demo site."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser.test_journey import chromium, site  # noqa: F401

pytestmark = pytest.mark.browser


def _shown(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#count .count strong").inner_text()))


def test_the_page_raises_its_count_from_the_endpoint_and_never_lowers_it(site):  # noqa: F811
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page()
        page.goto(site + "/")
        href = page.locator(".card a").first.get_attribute("href")
        assert href
        # The real endpoint first: what the page shows is what it says.
        with page.expect_response(re.compile(r"/count\.json$")) as answered:
            page.goto(site + href)
        real = answered.value.json()
        assert answered.value.headers["cache-control"].startswith("public")
        assert _shown(page) == real["count"]

        # A newer count than the page was rendered with (as when a CDN kept it).
        newer = real["count"] + 1234
        goal = real["goal"]

        def answer(count: int):
            body = {
                "count": count,
                "goal": goal,
                "count_text": f"{count:,}",
                "label": "signatures",
                "percent": min(100, count * 100 // goal),
                "progress_label": f"{min(100, count * 100 // goal)}% of the goal",
            }
            return lambda route: route.fulfill(
                status=200, content_type="application/json", body=json.dumps(body)
            )

        page.route("**/count.json", answer(newer))
        page.reload()
        expect(page.locator("#count .count strong")).to_have_text(f"{newer:,}")
        assert page.locator("#count progress").evaluate("e => e.value") == min(newer, goal)

        # An older count (a cache behind the page): the page keeps what it shows.
        page.unroute("**/count.json")
        page.route("**/count.json", answer(real["count"] - 1))
        with page.expect_response(re.compile(r"/count\.json$")):
            page.reload()
        assert _shown(page) == real["count"]

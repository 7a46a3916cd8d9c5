"""A petition page on a phone (390 px wide), in Chromium: what comes first, and where a
refused submission leaves the signer."""

from __future__ import annotations

import pytest

from tests.browser.test_journey import ROOT, chromium, site  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _top(page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


def test_on_a_phone_the_count_and_form_come_first_and_a_refusal_lands_on_them(site):  # noqa: F811
    from playwright.sync_api import expect

    shots = ROOT / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
        page.goto(site + "/")
        page.locator(".card a").first.click()
        expect(page.locator(".charts")).to_be_visible()  # a demo petition with signatures
        # No sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        count, form = _top(page, "#count"), _top(page, "#sign form")
        charts, signers = _top(page, ".charts"), _top(page, "#signers-title")
        assert count < form < charts < signers
        page.screenshot(path=str(shots / "phone-petition.png"), full_page=True)

        # Sign with nothing filled in: the browser's own checks are off (novalidate),
        # so the server refuses it and the page comes back.
        page.get_by_role("button", name="Sign", exact=True).click()
        summary = page.locator("#sign-errors")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Full name")
        assert page.url.endswith("/sign/#sign-errors")
        assert page.evaluate("window.scrollY") > 0
        box = summary.bounding_box()
        assert box is not None and 0 <= box["y"] < PHONE["height"] - box["height"]
        page.screenshot(path=str(shots / "phone-refused.png"))
        # The summary's links lead to the fields.
        summary.get_by_role("link", name="Email").click()
        expect(page.get_by_label("Email", exact=True)).to_be_focused()

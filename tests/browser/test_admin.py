"""The admin in Chromium, on a laptop's screen: the held signatures fit 1,400 pixels."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.test_journey import ADMIN, ROOT, chromium, site  # noqa: F401

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1400, "height": 900}


def _sign_through_the_api(site: str, slug: str, name: str, email: str) -> None:  # noqa: F811
    request = urllib.request.Request(
        f"{site}/api/v1/petitions/{slug}/signatures",
        data=json.dumps({"full_name": name, "email": email, "country": "MX"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202


def test_held_signatures_fit_a_1400_pixel_screen_with_the_reason_in_view(site):  # noqa: F811
    from playwright.sync_api import expect

    with urllib.request.urlopen(f"{site}/api/v1/petitions?per_page=1", timeout=10) as response:
        slug = json.load(response)["results"][0]["slug"]
    # Throwaway-mailbox domains are held for review (the seeded disposable list); long
    # names and addresses are the widest rows a moderator meets.
    for n in range(3):
        _sign_through_the_api(
            site,
            slug,
            "Maximiliana Eugenia de los Santos Villavicencio y Montenegro",
            f"maximiliana.eugenia.villavicencio.montenegro.{n}@mailinator.com",
        )
    with chromium() as browser:
        page = browser.new_page(viewport=LAPTOP)
        page.goto(site + "/admin/login/")
        page.get_by_label("Username").fill(ADMIN["username"])
        page.get_by_label("Password").fill(ADMIN["password"])
        page.get_by_role("button", name="Log in").click()
        page.goto(site + "/admin/petitions/signature/?review=suspect")
        table = page.locator("#result_list")
        expect(table).to_contain_text("Disposable email domain")
        # Nothing scrolls sideways: not the page, not the table in its box.
        assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
        table_box = table.bounding_box()
        filters = page.locator("#changelist-filter").bounding_box()
        assert table_box is not None and filters is not None
        assert table_box["x"] + table_box["width"] <= filters["x"]
        assert page.evaluate(
            "(() => { const t = document.querySelector('#result_list');"
            " return t.scrollWidth <= t.parentElement.clientWidth; })()"
        )
        # The reason is on screen in the first rows, without scrolling anywhere.
        reason = table.get_by_text("Disposable email domain").first
        box = reason.bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= LAPTOP["width"] and box["y"] < LAPTOP["height"]
        shots = ROOT / "var" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "admin-held-1400.png"))

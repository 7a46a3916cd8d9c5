"""In a real browser, the Content-Security-Policy blocks nothing the site itself uses.

The policy allows no inline script; a page that relied on one would break silently
for visitors. Chromium reports every refused script, style or frame on the console,
so the test visits the public pages, the API docs and the admin login and expects
no such report.
"""

from __future__ import annotations

import pytest

from tests.browser.test_journey import chromium, site  # noqa: F401

pytestmark = pytest.mark.browser

PAGES = ["/", "/search/?q=water", "/categories/", "/countries/", "/news/", "/privacy/"]


def test_the_policy_blocks_nothing_the_site_uses(site):  # noqa: F811
    from playwright.sync_api import expect

    refused: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Refused" in message.text
                else None
            ),
        )
        response = page.goto(site + "/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        page.locator(".card a").first.click()  # a petition page, with its sign form
        expect(page.get_by_role("button", name="Sign", exact=True)).to_be_visible()
        for path in PAGES:
            page.goto(site + path)
        page.goto(site + "/news/")
        page.locator("main a[href*='/news/stories/']").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()

        page.goto(site + "/api/v1/docs")
        # Swagger UI is built by scripts; its title appears only if they ran.
        expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=15_000)

        page.goto(site + "/admin/login/")
        expect(page.get_by_label("Username")).to_be_visible()
    assert refused == []

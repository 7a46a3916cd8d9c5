"""A member of the public starts a petition and runs it, in Chromium, against the real
site and worker (as `make run` starts them): they write it (offered a similar petition
while typing the title, and giving a news article that the site reads), confirm by
email, gather their supporters through the private link, a moderator approves it in
the admin, it is on the home page and in search, they post an update to its signers
from their dashboard and download the signers who agreed to be contacted. Then the
rejection path: a moderator turns one down and its page shows only the title and the
published reason.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator

import pytest

from tests.browser.test_journey import (
    CHROMIUM,
    ROOT,
    _serve,
    _site_database,
    chromium,
)
from tests.conftest import FeedServer, require

pytestmark = pytest.mark.browser

PASSWORD = "browser-admin-pw-1"
CREATOR = "lucia.creator@example.org"
TITLE = "Keep the branch libraries open on Sundays"
ARTICLE = b"""<!doctype html><html><head><title>Libraries | Harbour Ledger</title>
<meta property="og:title" content="Council votes to shut branch libraries on Sundays">
<meta property="og:site_name" content="Harbour Ledger">
<meta property="article:published_time" content="2026-05-04T08:30:00+02:00">
</head><body><h1>Council votes to shut branch libraries on Sundays</h1></body></html>"""


@pytest.fixture(scope="module")
def article() -> Iterator[str]:
    # A news article on loopback: the site is told to let its fetcher reach it.
    server = FeedServer()
    url = server.add("/2026/05/libraries", body=ARTICLE, headers={"Content-Type": "text/html"})
    with server.running():
        yield url


@pytest.fixture(scope="module")
def site(tmp_path_factory, article) -> Iterator[str]:
    import os

    if not os.path.exists(CHROMIUM):
        require("CLARION_REQUIRE_BROWSER", "Chromium is not installed")
    var = tmp_path_factory.mktemp("start-site")
    env = {
        "CLARION_SPONSORS_NEEDED": "2",
        "CLARION_FETCH_ALLOW_PRIVATE": "1",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    admin = ["createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org"]
    with _site_database(var) as database_url:
        yield from _serve(var, database_url, extra_env=env, commands=(admin,))


def _open_mail(page, site: str, to: str, subject: str) -> None:
    """Open the newest email to ``to`` whose subject matches, in the dev outbox."""
    page.goto(site + "/dev/outbox/")
    row = page.locator("tr", has_text=to).filter(has_text=re.compile(subject)).first
    row.get_by_role("link").click()


def _follow_link_in_mail(page, site: str, to: str, subject: str, path: str) -> None:
    _open_mail(page, site, to, subject)
    page.locator(f".mail-body a[href*='{path}']").first.click()


def _reload_until(page, url: str, ready, timeout: float = 30.0) -> None:
    """Reload until ``ready(page)``: the worker acts within seconds, not at once."""
    deadline = time.monotonic() + timeout
    page.goto(url)
    while not ready(page) and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()


def _start(page, site: str, title: str, email: str, article_url: str = "") -> None:
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Start a petition").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Who can make it happen?").fill("Harbour City Council")
    page.get_by_label("What do you want?").fill(
        "We ask the council to keep every branch library open on Sundays."
    )
    page.get_by_label("Why?").fill(
        "Sunday is the only day many families, students and shift workers can visit."
    )
    page.get_by_label("Key demands (optional)").fill("Keep Sunday hours\nPublish visitor numbers")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Country", exact=True).select_option("GB")
    if article_url:
        page.get_by_label("News article it answers (optional)").fill(article_url)
    page.get_by_label("Your name").fill("Lucía Creator")
    page.get_by_label("Your email").fill(email)
    page.get_by_role("button", name="Start my petition").click()


def _support(browser, site: str, link: str, name: str, email: str, contact: bool) -> None:
    from playwright.sync_api import expect

    context = browser.new_context()  # another person: no cookies of the creator's
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Country").select_option("GB")
    if contact:
        page.get_by_label("Let the organisers of this petition email me").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    _follow_link_in_mail(page, site, email, "Please confirm your signature", "/confirm/")
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_text("Your signature is confirmed")).to_be_visible()
    context.close()


def _admin(browser, site: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return context, page


def _queue_action(page, site: str, title: str, action: str) -> None:
    page.goto(site + "/admin/campaigns/moderationqueue/")
    page.locator("tr", has_text=title).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_a_person_starts_a_petition_gathers_supporters_and_runs_it(site, article):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page()
        # While the title is typed, a similar open petition is offered (site.js).
        page.goto(site + "/start/")
        page.get_by_label("Title").press_sequentially("Keep our branch libraries", delay=20)
        expect(page.locator(".similar-list")).to_contain_text(
            "Keep our five branch libraries open six days a week"
        )

        page.screenshot(path=str(ROOT / "var" / "screenshots" / "start.png"), full_page=True)
        _start(page, site, TITLE, CREATOR, article_url=article)
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        _follow_link_in_mail(
            page, site, CREATOR, "Please confirm your new petition", "/start/confirm/"
        )
        page.get_by_role("button", name="Confirm and create my petition").click()
        expect(page.get_by_text("Your petition is created")).to_be_visible()
        expect(page.locator(".related-article")).to_contain_text(
            "Council votes to shut branch libraries on Sundays"
        )
        expect(page.locator(".related-article")).to_contain_text("Harbour Ledger")
        link = page.locator("#share-link").input_value()
        assert "/start/support/" in link

        # Not listed or searchable yet, and its page says so.
        page.goto(site + "/search/?q=Sundays")
        expect(page.locator("main")).not_to_contain_text(TITLE)

        _support(browser, site, link, "Ana Supporter", "ana.supporter@example.org", True)
        _support(browser, site, link, "Ben Supporter", "ben.supporter@example.org", False)

        # The worker sends it to moderation; a moderator approves it in the admin.
        admin_context, admin = _admin(browser, site)
        _reload_until(
            admin,
            site + "/admin/campaigns/moderationqueue/",
            lambda page: "Awaiting moderation" in page.locator("tr", has_text=TITLE).inner_text(),
        )
        expect(admin.locator("tr", has_text=TITLE)).to_contain_text("Awaiting moderation")
        _queue_action(admin, site, TITLE, "Approve and publish selected petitions")
        expect(admin.get_by_text("Published 1 petitions.")).to_be_visible()

        # Published: on the home page and in search.
        page.goto(site + "/")
        expect(page.get_by_role("link", name=TITLE).first).to_be_visible()
        page.get_by_role("search").get_by_label("Search petitions").fill("Sundays")
        page.get_by_role("search").get_by_role("button", name="Search").click()
        expect(page.get_by_role("link", name=TITLE)).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(CREATOR)

        # The organiser signs in by emailed link and posts an update to signers.
        page.goto(site + "/organise/")
        page.get_by_label("Email").fill(CREATOR)
        page.get_by_role("button", name="Email me a sign-in link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        _follow_link_in_mail(page, site, CREATOR, "Sign in to run", "/organise/signin/")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name=TITLE).click()
        expect(page.locator("#count .count strong")).to_have_text("2")
        updates = page.locator("#updates")
        updates.get_by_label("Title", exact=True).fill("We met the council")
        updates.get_by_label("Text", exact=True).fill("They will vote on Sunday hours next month.")
        updates.get_by_role("button", name="Post the update").click()
        expect(page.get_by_text("Your update is on the petition's page")).to_be_visible()
        page.goto(site + page.locator("a", has_text="See the public page").get_attribute("href"))
        expect(page.locator("body")).to_contain_text("We met the council")
        page.go_back()

        # Kept for people to look at; nothing asserts on them.
        shots = ROOT / "var" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

        # Only the supporter who agreed is in the organiser's CSV.
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the signers (CSV)").click()
        rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
        assert rows[0] == ["name", "email", "country", "signed"]
        assert [row[:3] for row in rows[1:]] == [
            ["Ana Supporter", "ana.supporter@example.org", "GB"]
        ]

        # The rejection path: its page shows the title and the published reason only.
        other = "Ban the bakery on Elm Street from selling bread"
        _start(page, site, other, "someone.else@example.org")
        _follow_link_in_mail(
            page,
            site,
            "someone.else@example.org",
            "Please confirm your new petition",
            "/start/confirm/",
        )
        page.get_by_role("button", name="Confirm and create my petition").click()
        _queue_action(admin, site, other, "Reject selected petitions, with a reason…")
        admin.get_by_label("Reason").select_option(label="Offensive or abusive content")
        admin.get_by_role("button", name="Reject").click()
        expect(admin.get_by_text("Rejected 1 petitions.")).to_be_visible()
        admin_context.close()

        public = browser.new_page()
        public.goto(site + "/search/?q=bakery")
        expect(public.locator("main")).not_to_contain_text(other)
        slug_page = site + "/p/" + re.sub(r"[^a-z0-9]+", "-", other.lower()).strip("-") + "/"
        public.goto(slug_page)
        expect(public.get_by_role("heading", level=1)).to_have_text(other)
        expect(public.locator(".rejection")).to_contain_text("Offensive or abusive content")
        expect(public.locator("body")).not_to_contain_text("Sunday is the only day")
        public.goto(site + "/es" + slug_page.removeprefix(site))
        expect(public.locator(".rejection")).to_contain_text("Contenido ofensivo o abusivo")

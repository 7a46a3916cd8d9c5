"""No signer's email on any public page, feed or API response of a populated site.

The crawl starts from the home page and the API's list endpoints, follows every link
and every item URL that stays on the site, and looks for any email address in what it
reads. The demo gives 9,000-odd signatures; a few more here carry names, comments and
addresses chosen to tempt a leak (an address in a comment, a name shown publicly).
"""

from __future__ import annotations

import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from clarion.letters.models import IndividualSignature, Letter, OrganisationSignature
from clarion.petitions.models import Petition, Signature

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
MAX_PAGES = 600
# Off-limits to the public or not pages at all.
SKIP = ("/admin/", "/dev/outbox/", "/static/", "/confirm/", "/my-data/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _local(base: str, link: str) -> str | None:
    url = urljoin(base, link)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIP) else path


def _json_links(data: object) -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            # "href" and "browser_url": the OSDI API's HAL links.
            if key in ("url", "next", "previous", "href", "browser_url") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_json_links(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_json_links(value))
    return found


@pytest.fixture
def populated(settings, petition, sign, endorse, sign_letter):
    settings.CLARION_BASE_URL = "http://testserver"
    call_command("demo", verbosity=0)
    sign(petition, "shown.signer@example.net", show_name=True, comment="Count me in!")
    sign(
        petition,
        "commenter@example.com",
        show_name=True,
        comment="Write to me at commenter@example.com",
    )
    sign(petition, "Pending.Person@Example.org", confirm=False, show_name=True)
    # Letters: organisations whose contact people and emails are private, approved or
    # waiting, and individuals, confirmed or not.
    letter = Letter.objects.get(slug="protect-community-water-monitors")
    endorse(
        letter, "Crawl Test Org", contact_name="Secret Contact", email="org.contact@crawl.example"
    )
    endorse(letter, "Waiting Crawl Org", status="confirmed", email="waiting@crawl.example")
    sign_letter(letter, "Crawl Person", email="crawl.person@example.net")
    sign_letter(letter, "Unconfirmed Person", email="unconfirmed@example.net", confirm=False)
    return petition


def test_no_signer_email_appears_anywhere_public(client, populated):
    signer_emails = {
        address.lower()
        for pair in Signature.objects.values_list("email", "email_normalised")
        for address in pair
    }
    for model in (OrganisationSignature, IndividualSignature):
        for pair in model.objects.values_list("email", "email_normalised"):
            signer_emails |= {address.lower() for address in pair}
    contact_names = set(OrganisationSignature.objects.values_list("contact_name", flat=True))
    assert len(signer_emails) > 9000
    assert "org.contact@crawl.example" in signer_emails and "Secret Contact" in contact_names
    start = ["/", "/api/v1/petitions?per_page=100", "/api/v1/articles?per_page=100"]
    start += ["/api/v1/stories?per_page=100", "/news/", "/api/v1/openapi.json"]
    start += ["/letters/", "/regions/", "/api/v1/letters?per_page=100"]
    start += [f"/api/v1/letters/{slug}" for slug in Letter.objects.values_list("slug", flat=True)]
    start += [p.get_absolute_url() for p in Petition.objects.all()]
    # Open data: feeds, the CSV, the sitemap, OSDI, counts by country, the sign widget.
    start += ["/feeds/petitions.atom", "/feeds/stories.atom", "/data/petitions.csv"]
    start += ["/sitemap.xml", "/robots.txt", "/api/osdi/v1/", "/api/v1/categories"]
    # The petition the tempting signatures are on, and a few of the demo's.
    public = Petition.objects.filter(status__in=["published", "closed"]).order_by("-pk")
    for p in [populated, *public[:4]]:
        start += [f"/api/v1/petitions/{p.slug}/countries", f"/p/{p.slug}/embed/"]
        start += [f"/api/osdi/v1/petitions/{p.pk}/signatures?per_page=100"]
        start += [f"/oembed?url=http://testserver{p.get_absolute_url()}"]
    queue, seen, leaks = deque(start), set(start), []
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302):
            links = [response["Location"]]
            body = ""
        else:
            assert response.status_code < 500, path
            raw = (
                b"".join(response.streaming_content)  # the CSV
                if response.streaming
                else response.content
            )
            body = raw.decode("utf-8", "replace")
            content_type = response["Content-Type"]
            if content_type.startswith(("application/json", "application/hal+json")):
                links = _json_links(json.loads(body))
            elif content_type.startswith(("application/xml", "application/atom+xml")):
                # Sitemaps name pages in <loc>; feeds link them with href.
                links = re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", body)
                links = [loc or href for loc, href in links]
            else:
                parser = _Links()
                parser.feed(body)
                links = parser.links
        leaks += [(path, m) for m in EMAIL.findall(body) if m.lower() in signer_emails]
        leaks += [(path, name) for name in contact_names if name in body]
        for link in links:
            local = _local(f"http://testserver{path}", link)
            if local and local not in seen:
                seen.add(local)
                queue.append(local)
    assert len(seen) > 60, "the crawl should reach the whole demo site"
    assert "/letters/protect-community-water-monitors/" in seen
    assert leaks == []
    # The crawl did read the open-data answers, and what they link to.
    assert {"/data/petitions.csv", "/sitemap-petitions.xml", "/feeds/stories.atom"} <= seen

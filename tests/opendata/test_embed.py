"""The embeddable sign widget (/p/<slug>/embed/) and oEmbed (/oembed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, Signature

pytestmark = pytest.mark.django_db

FORM = {
    "full_name": "Cai Framed",
    "email": "cai@example.org",
    "country": "GB",
    "show_name": "on",
}


def _token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the widget's form carries no token"
    return match.group(1)


def _policy(response) -> dict[str, str]:
    parts = [p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";")]
    return {name: value for name, value in parts}


def test_the_widget_may_be_framed_and_nothing_else_may(client, petition, settings):
    settings.CLARION_EMBED_ANCESTORS = "https://news.example.com"
    widget = client.get(f"/p/{petition.slug}/embed/")
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    policy = _policy(widget)
    assert policy["frame-ancestors"] == "https://news.example.com"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in widget["Content-Security-Policy"]
    for path in (f"/p/{petition.slug}/", f"/p/{petition.slug}/thanks/", "/"):
        page = client.get(path)
        assert page["X-Frame-Options"] == "DENY"
        assert _policy(page)["frame-ancestors"] == "'none'"


def test_a_visitor_signs_inside_the_frame_without_any_cookie(petition):
    # A browser that blocks third-party cookies: nothing is sent back, ever.
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(f"/p/{petition.slug}/embed/").content.decode()
    browser.cookies.clear()
    response = browser.post(f"/p/{petition.slug}/embed/", {**FORM, "form_token": _token(html)})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert "X-Frame-Options" not in response
    signature = Signature.objects.get(petition=petition)
    assert signature.full_name == "Cai Framed" and signature.confirmed_at is None
    assert OutboxMessage.objects.filter(to="cai@example.org").exists()
    assert "cai@example.org" not in response.content.decode()


def test_the_widget_refuses_posts_it_did_not_serve_and_bad_input(client, make_petition):
    petition = make_petition()
    other = make_petition()
    url = f"/p/{petition.slug}/embed/"
    assert client.post(url, FORM).status_code == 400
    foreign = _token(client.get(f"/p/{other.slug}/embed/").content.decode())
    assert client.post(url, {**FORM, "form_token": foreign}).status_code == 400
    token = _token(client.get(url).content.decode())
    bad = client.post(url, {**FORM, "email": "not-an-address", "form_token": token})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode()
    assert not Signature.objects.exists()


def test_the_widget_limits_signing_per_address(client, petition, settings):
    settings.CLARION_SIGN_API_PER_HOUR = 1
    url = f"/p/{petition.slug}/embed/"
    token = _token(client.get(url).content.decode())
    assert client.post(url, {**FORM, "form_token": token}).status_code == 200
    again = client.post(url, {**FORM, "email": "dee@example.org", "form_token": token})
    assert again.status_code == 429
    assert int(again["Retry-After"]) >= 1
    assert Signature.objects.count() == 1


def test_a_closed_petition_widget_takes_no_signature(client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED)
    html = client.get(f"/p/{closed.slug}/embed/").content.decode()
    assert "no longer takes signatures" in html
    assert "<form" not in html
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert client.get(f"/p/{draft.slug}/embed/").status_code == 404


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        # hreflang alternates (the page in other languages) carry no type.
        if tag == "link" and attrs.get("rel") == "alternate" and "type" in attrs:
            self.alternates[attrs["type"]] = attrs["href"]


def test_oembed_is_discovered_from_the_petition_page_and_gives_the_widget(
    client, petition, settings
):
    settings.CLARION_BASE_URL = "http://testserver"
    parser = _Links()
    parser.feed(client.get(petition.get_absolute_url()).content.decode())
    discovery = parser.alternates["application/json+oembed"]
    response = client.get(discovery.removeprefix("http://testserver"))
    assert response.status_code == 200
    data = response.json()
    assert (data["version"], data["type"], data["title"]) == ("1.0", "rich", petition.title)
    assert data["provider_name"] == "Clarion"
    assert f'src="http://testserver/p/{petition.slug}/embed/"' in data["html"]
    assert data["html"].startswith("<iframe") and data["html"].endswith("</iframe>")
    assert (data["width"], data["height"]) == (400, 620)
    small = client.get(
        "/oembed", {"url": f"http://testserver/p/{petition.slug}/", "maxwidth": "300"}
    ).json()
    assert small["width"] == 300 and 'width="300"' in small["html"]


def test_oembed_refuses_what_is_not_a_public_petition_here(client, make_petition, settings):
    settings.CLARION_BASE_URL = "http://testserver"
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    assert client.get("/oembed", {"url": "http://elsewhere.example/p/x/"}).status_code == 404
    assert client.get("/oembed", {"url": f"http://testserver/p/{draft.slug}/"}).status_code == 404
    assert client.get("/oembed", {"url": "http://testserver/about/"}).status_code == 404
    assert client.get("/oembed").status_code == 400
    assert client.get("/oembed", {"url": "x", "format": "xml"}).status_code == 501
    assert client.get("/oembed", {"url": "x", "maxwidth": "wide"}).status_code == 400


def _translated(petition: Petition) -> Petition:
    petition.translations.create(
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos al Ministerio del Agua que detenga los vertidos.",
        narrative="El río está contaminado.",
        demands="Financiar el plan.\nPublicar los datos.\nInformar cada año.",
    )
    return petition


@pytest.mark.parametrize(
    "path",
    [
        "/es/p/clean-the-thames/",
        "/es/p/clean-the-thames",
        "/p/clean-the-thames",
        "/es/p/clean-the-thames/embed/",
    ],
)
def test_oembed_takes_the_page_in_every_language_with_or_without_its_slash(
    client, petition, settings, path
):
    settings.CLARION_BASE_URL = "http://testserver"
    _translated(petition)
    response = client.get("/oembed", {"url": f"http://testserver{path}", "format": "json"})
    assert response.status_code == 200, response.content
    data = response.json()
    if path.startswith("/es/"):
        # The answer speaks the page's language: its title, and the widget in Spanish.
        assert data["title"] == "Limpien el Támesis"
        assert 'src="http://testserver/es/p/clean-the-thames/embed/"' in data["html"]
        widget = client.get("/es/p/clean-the-thames/embed/")
        assert widget.status_code == 200
        assert "Limpien el Támesis" in widget.content.decode()
    else:
        assert data["title"] == "Clean the Thames"


def test_spanish_pages_announce_an_oembed_address_that_answers(client, petition, settings):
    settings.CLARION_BASE_URL = "http://testserver"
    _translated(petition)
    parser = _Links()
    parser.feed(client.get("/es/p/clean-the-thames/").content.decode())
    discovery = parser.alternates["application/json+oembed"]
    response = client.get(discovery.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response.json()["title"] == "Limpien el Támesis"


def test_oembed_never_exceeds_maxwidth_or_maxheight(client, petition, settings):
    settings.CLARION_BASE_URL = "http://testserver"
    url = f"http://testserver/p/{petition.slug}/"
    for max_width, max_height in ((120, 90), (300, 1000), (1000, 300), (1, 1)):
        data = client.get(
            "/oembed", {"url": url, "maxwidth": max_width, "maxheight": max_height}
        ).json()
        assert data["width"] <= max_width and data["height"] <= max_height, data
        assert f'width="{data["width"]}"' in data["html"]
        assert f'height="{data["height"]}"' in data["html"]
    # No larger than the widget's own size when more room is offered.
    roomy = client.get("/oembed", {"url": url, "maxwidth": 5000}).json()
    assert (roomy["width"], roomy["height"]) == (400, 620)
    zero = client.get("/oembed", {"url": url, "maxwidth": "0"})
    assert zero.status_code == 400
    assert "maxwidth" in zero.json()["detail"]

"""Open Graph and Twitter card metadata on petition, letter, story, article and home
pages, and the share cards they point at."""

from __future__ import annotations

import io
import struct
from html.parser import HTMLParser

import pytest
from PIL import Image

from clarion.news.models import Article, Story
from tests.news.factories import ingest, item

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.all: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            name = attrs.get("property") or attrs["name"]
            self.meta[name] = attrs.get("content", "")
            self.all.setdefault(name, []).append(attrs.get("content", ""))


def _parsed(client, path: str) -> _Meta:
    response = client.get(path)
    assert response.status_code == 200
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser


def _meta(client, path: str) -> dict[str, str]:
    return _parsed(client, path).meta


def test_a_petition_page_describes_itself_to_social_sites(client, settings, petition):
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    meta = _meta(client, petition.get_absolute_url())
    assert meta["og:title"] == meta["twitter:title"] == "Clean the Thames"
    assert meta["og:description"].startswith("We call on the Ministry of Water")
    assert meta["og:url"] == "https://petitions.example.org/p/clean-the-thames/"
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == "Clarion"
    assert meta["twitter:card"] == "summary_large_image"


def test_story_and_article_pages_describe_themselves(client):
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    story = Story.objects.get()
    article = Article.objects.get()
    story_meta = _meta(client, story.get_absolute_url())
    assert story_meta["og:title"] == story.title
    assert story_meta["og:url"].endswith(story.get_absolute_url())
    assert "1 outlet" in story_meta["og:description"]
    article_meta = _meta(client, article.get_absolute_url())
    assert article_meta["og:title"] == article.headline
    assert "Portsmouth" in article_meta["og:description"]


def _fetch_card(client, address: str, base: str) -> bytes:
    assert address.startswith(base), address
    response = client.get(address.removeprefix(base))
    assert response.status_code == 200, address
    assert response["Content-Type"] == "image/png"
    return response.content


def _png_size(data: bytes) -> tuple[int, int]:
    # The IHDR chunk follows the signature: width and height, big-endian.
    assert data[:8] == PNG_SIGNATURE
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def shareable(petition, make_letter, settings):
    """A petition with a Spanish version, a letter with one, and a story."""
    settings.CLARION_BASE_URL = "https://petitions.example.org"
    petition.translations.create(
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos al Ministerio del Agua que detenga los vertidos.",
        narrative="El río está contaminado.",
        demands="Financiar el plan.\nPublicar los datos.\nInformar cada año.",
    )
    letter = make_letter()
    ingest(item("Harbour dredging halted after silt report", "Portsmouth halted dredging."))
    return {
        "petition": (petition.get_absolute_url(), "Clean the Thames", "Limpien el Támesis"),
        "letter": (letter.get_absolute_url(), letter.title, letter.translations.get().title),
        "story": (Story.objects.get().get_absolute_url(), None, None),
        "home": ("/", "Clarion", "Clarion"),
    }


@pytest.mark.parametrize("kind", ["petition", "letter", "story", "home"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_shareable_page_has_a_share_card_in_its_language(client, shareable, kind, language):
    base = "https://petitions.example.org"
    path, english_title, spanish_title = shareable[kind]
    if language == "es":
        path = f"/es{path}"
    page = _parsed(client, path)
    meta = page.meta
    locale, alternate = ("en_GB", "es_LA") if language == "en" else ("es_LA", "en_GB")
    assert meta["og:locale"] == locale
    assert page.all["og:locale:alternate"] == [alternate]
    assert meta["twitter:card"] == "summary_large_image"
    image = meta["og:image"]
    assert meta["twitter:image"] == image
    assert image == f"{base}{path}card.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:type"] == "image/png"
    assert meta["og:image:alt"] == meta["og:title"]
    title = english_title if language == "en" else spanish_title
    if title:
        assert meta["og:title"] == title
    data = _fetch_card(client, image, base)
    assert _png_size(data) == (1200, 630)
    assert Image.open(io.BytesIO(data)).size == (1200, 630)


def test_each_language_has_its_own_card(client, shareable):
    english = client.get("/p/clean-the-thames/card.png")
    spanish = client.get("/es/p/clean-the-thames/card.png")
    assert english.content != spanish.content
    assert english["ETag"] != spanish["ETag"]

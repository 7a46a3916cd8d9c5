"""Share cards drawn with Pillow (clarion/core/cards.py)."""

from __future__ import annotations

import io

from PIL import Image

from clarion.core import cards
from clarion.core.cards import Card


def _image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data))


def test_a_card_is_a_1200_by_630_png():
    image = _image(cards.draw(Card("Clean the Thames", "Petition", "Clarion", "en")))
    assert image.size == (1200, 630)
    assert image.format == "PNG"


def test_any_title_fits_even_one_far_too_long():
    for title in ("", "x", "Río " * 200, "https://example.org/" + "a" * 500):
        image = _image(cards.draw(Card(title, "Petición", "Clarion", "es")))
        assert image.size == (1200, 630)


def test_the_key_holds_everything_drawn_and_the_language():
    card = Card("Clean the Thames", "Petition", "Clarion", "en")
    assert card.key() == Card("Clean the Thames", "Petition", "Clarion", "en").key()
    others = [
        Card("Clean the Severn", "Petition", "Clarion", "en"),
        Card("Clean the Thames", "Petición", "Clarion", "en"),
        Card("Clean the Thames", "Petition", "Another site", "en"),
        Card("Clean the Thames", "Petition", "Clarion", "es"),
    ]
    assert len({card.key(), *(other.key() for other in others)}) == 5


def test_a_card_is_drawn_once_then_served_from_the_cache(monkeypatch):
    drawn = []
    real_draw = cards.draw

    def counting_draw(card: Card) -> bytes:
        drawn.append(card)
        return real_draw(card)

    monkeypatch.setattr(cards, "draw", counting_draw)
    card = Card("Clean the Thames", "Petition", "Clarion", "en")
    first, key = cards.png(card)
    second, again = cards.png(card)
    assert first == second and key == again == card.key()
    assert len(drawn) == 1
    cards.png(Card("Clean the Thames", "Petition", "Clarion", "es"))
    assert len(drawn) == 2

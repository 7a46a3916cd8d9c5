"""Share cards: the picture a social site or chat app shows beside a shared link
(Open Graph's ``og:image``, Twitter's ``summary_large_image``).

A card is drawn on the server with Pillow: 1200 × 630 pixels (the size Facebook, X,
LinkedIn and Mastodon all crop least), a small label ("Petition"), the title in the
page's language, and the site's name. Drawing one takes tens of milliseconds, and
crawlers fetch a card each time a link is shared, so each card is cached under a key
made of everything drawn on it (``Card.key``): a new title or another language is a new
key, and nothing has to be forgotten when a petition changes.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# Raise when the drawing changes, so that cached cards are drawn again.
DESIGN = 1
CACHE_SECONDS = 24 * 3600

_INK = (27, 31, 36)  # the site's --ink
_ACCENT = (179, 38, 30)  # --accent
_LABEL = (255, 150, 140)  # the accent, lightened to read on ink
_LIGHT = (255, 255, 255)
_SOFT = (213, 217, 224)  # --line

_MARGIN = 80
_BAR = 24
_TEXT_WIDTH = WIDTH - 2 * _MARGIN
# Title sizes tried from the largest down, until the title fits between the label and
# the rule above the site's name.
_TITLE_SIZES = (72, 64, 56, 50, 44)
_TITLE_TOP = _MARGIN + 60
_TITLE_BOTTOM = HEIGHT - 140
_LEADING = 1.22

# DejaVu covers Latin (every accent Spanish and Portuguese need), Greek and Cyrillic;
# Debian's fonts-dejavu-core comes with Pango (scripts/ensure-pango). Elsewhere Pillow's
# own font stands in.
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)


@dataclass(frozen=True)
class Card:
    title: str
    label: str
    site_name: str
    language: str

    def key(self) -> str:
        """A digest of everything drawn, and the design: the cache key and the ETag."""
        text = json.dumps([DESIGN, *astuple(self)], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size)


def _wrap(text: str, font: Font, width: int) -> list[str]:
    """Words in lines no wider than ``width``; a word wider than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while font.getlength(word) > width:  # a very long word (a URL): break it
            cut = len(word)
            while cut > 1 and font.getlength(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _lines_that_fit(size: int) -> int:
    return int((_TITLE_BOTTOM - _TITLE_TOP - size) / (size * _LEADING)) + 1


def _fit_title(title: str) -> tuple[Font, int, list[str]]:
    for size in _TITLE_SIZES:
        font = _font(size, True)
        lines = _wrap(title, font, _TEXT_WIDTH)
        if len(lines) <= _lines_that_fit(size):
            return font, size, lines
    # Still too long at the smallest size: keep what fits and end with an ellipsis.
    lines = lines[: _lines_that_fit(size)]
    last = lines[-1]
    while last and font.getlength(last + " …") > _TEXT_WIDTH:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    lines[-1] = f"{last} …"
    return font, size, lines


def draw(card: Card) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), _INK)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, _BAR, HEIGHT), fill=_ACCENT)

    label_font = _font(34, True)
    pen.text((_MARGIN, _MARGIN - 10), card.label.upper(), font=label_font, fill=_LABEL)

    title_font, size, lines = _fit_title(" ".join(card.title.split()) or card.site_name)
    line_height = int(size * _LEADING)
    for number, line in enumerate(lines):
        pen.text((_MARGIN, _TITLE_TOP + number * line_height), line, font=title_font, fill=_LIGHT)

    site_font = _font(40, True)
    pen.line((_MARGIN, HEIGHT - 130, WIDTH - _MARGIN, HEIGHT - 130), fill=_SOFT, width=2)
    pen.text((_MARGIN, HEIGHT - 105), card.site_name, font=site_font, fill=_SOFT)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png(card: Card) -> tuple[bytes, str]:
    """(PNG bytes, key) for ``card``, drawn once per key and then served from the cache."""
    key = card.key()
    cache_key = f"share-card:{key}"
    data = cache.get(cache_key)
    if data is None:
        data = draw(card)
        cache.set(cache_key, data, CACHE_SECONDS)
    return data, key

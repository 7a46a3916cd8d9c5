from __future__ import annotations

import pytest

from clarion.core.text import markdown_to_text, render_markdown, truncate_at_word


@pytest.mark.parametrize("limit", range(5, 60))
def test_truncation_never_cuts_a_word(limit):
    text = "We call on the ministry to publish every inspection report promptly."
    short = truncate_at_word(text, limit)
    assert len(short) <= limit
    if short != text:
        assert short.endswith("…")
        kept = short[:-1].split()
        assert kept == text.split()[: len(kept)] or len(kept) == 1


def test_short_text_is_left_alone():
    assert truncate_at_word("Short goal.", 50) == "Short goal."


def test_one_giant_word_is_cut_rather_than_dropped():
    assert truncate_at_word("x" * 100, 10) == "x" * 9 + "…"


def test_markdown_keeps_structure_and_drops_danger():
    html = render_markdown(
        "**Bold** and [link](https://example.org)\n\n- one\n- two\n\n<script>x()</script>"
        "<a href='javascript:evil()'>bad</a><iframe src=x></iframe>"
    )
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html
    assert "<script" not in html and "x()" not in html
    assert "javascript:" not in html and "<iframe" not in html


def test_markdown_to_text_is_plain():
    assert markdown_to_text("# Title\n\nSome *words* &amp; more.") == "Title Some words & more."

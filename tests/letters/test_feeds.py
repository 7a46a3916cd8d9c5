"""Letters in the open data: /feeds/letters.atom and the sitemap."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_letters_feed_lists_open_letters_and_not_drafts(client, make_letter):
    make_letter(title="Stop the dam on the Usumacinta", slug="stop-the-dam")
    make_letter(
        title="Unfinished draft letter", slug="unfinished", status="draft", published_at=None
    )

    response = client.get("/feeds/letters.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Stop the dam on the Usumacinta" in body
    assert "/letters/stop-the-dam/" in body
    assert "Unfinished draft letter" not in body


def test_the_sitemap_has_a_letters_section_with_public_letters(client, make_letter):
    make_letter(slug="stop-the-dam")

    index = client.get("/sitemap.xml").content.decode()
    assert "letters" in index
    section = client.get("/sitemap-letters.xml")
    assert section.status_code == 200
    assert "/letters/stop-the-dam/" in section.content.decode()

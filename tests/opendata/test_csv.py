"""The public petitions CSV at /data/petitions.csv."""

from __future__ import annotations

import csv
import io

import pytest

from clarion.petitions.models import Petition
from clarion.taxonomy.models import Target

pytestmark = pytest.mark.django_db


def _rows(client) -> list[dict[str, str]]:
    response = client.get("/data/petitions.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    # Decoded as a spreadsheet program does: the byte-order mark says "UTF-8".
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_downloads_as_a_file_that_spreadsheets_read_as_utf8(client, make_petition):
    make_petition(title="Agua para Oaxaca: año 2026")
    response = client.get("/data/petitions.csv")
    assert response["Content-Disposition"] == 'attachment; filename="petitions.csv"'
    body = b"".join(response.streaming_content)
    # Without the mark, Excel reads UTF-8 as the local code page: "aÃ±o" for "año".
    assert body.startswith(b"\xef\xbb\xbfid,slug,title,")
    assert body.count(b"\xef\xbb\xbf") == 1
    assert "año 2026".encode() in body


def test_it_lists_public_petitions_with_their_public_fields(client, make_petition, category, sign):
    petition = make_petition(title="Clean air", categories=[category], countries=["MX", "GB"])
    sign(petition, "ana@example.org")
    make_petition(title="Secret draft", status=Petition.Status.DRAFT, published_at=None)
    closed = make_petition(title="Done", status=Petition.Status.CLOSED)
    rows = _rows(client)
    assert [r["title"] for r in rows] == ["Clean air", "Done"]
    row = rows[0]
    assert row["id"] == str(petition.pk)
    assert row["status"] == "published"
    assert row["categories"] == "climate"
    assert set(row["countries"].split()) == {"MX", "GB"}
    assert row["targets"] == "Ministry of Water"
    assert (row["signature_count"], row["signature_goal"]) == ("1", "100")
    assert row["url"].endswith(f"/p/{petition.slug}/")
    assert row["published_at"].startswith(str(petition.published_at.year))
    assert rows[1]["id"] == str(closed.pk)
    assert "ana@example.org" not in str(rows)


def test_it_keeps_cells_from_running_as_spreadsheet_formulas(client, make_petition):
    target = Target.objects.create(name="@ministry")
    make_petition(title='=HYPERLINK("http://evil")', targets=[target])
    make_petition(title="-1 for sewage")
    rows = _rows(client)
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["targets"] == "'@ministry"
    assert rows[1]["title"] == "'-1 for sewage"

"""Bad input across every form and endpoint: a 4xx that says what is wrong, nothing
stored, nothing echoed unescaped, never a 5xx.

Each row is one request. Forms are sent as a browser would (with the CSRF cookie and
token unless the row is about CSRF); the API is sent as a client would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.test import Client

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Signature

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert('x')</script>"
SIGN = {
    "full_name": "Ana Example",
    "email": "ana@example.org",
    "country": "GB",
    "postcode": "",
    "comment": "",
}


@dataclass
class Row:
    name: str
    method: str
    path: str
    status: int
    message: str = ""
    data: dict | bytes | None = None
    content_type: str = "application/x-www-form-urlencoded"
    csrf: bool = True
    extra: dict = field(default_factory=dict)


def _sign(**fields) -> dict:
    return {**SIGN, **fields}


def _form(data: dict) -> bytes:
    from urllib.parse import urlencode

    return urlencode(data).encode()


S = "/p/clean-the-thames/sign/"
ROWS = [
    # Over-long fields.
    Row("long name", "POST", S, 400, "at most 120", _form(_sign(full_name="A" * 121))),
    Row("long email", "POST", S, 400, "at most 254", _form(_sign(email="a" * 250 + "@x.org"))),
    Row("long postcode", "POST", S, 400, "at most 16", _form(_sign(postcode="9" * 17))),
    Row("long comment", "POST", S, 400, "at most 500", _form(_sign(comment="c" * 501))),
    Row("long search", "GET", "/search/?q=" + "q" * 201, 400, "at most 200"),
    # Control, invisible and direction-changing characters.
    Row("bell in name", "POST", S, 400, "control characters", _form(_sign(full_name="Ana\x07"))),
    Row("null in comment", "POST", S, 400, "NUL character", _form(_sign(comment="a\x00b"))),
    Row(
        "zero-width in name",
        "POST",
        S,
        400,
        "invisible",
        _form(_sign(full_name="An\u200ba")),
    ),
    Row(
        "right-to-left override in name",
        "POST",
        S,
        400,
        "invisible",
        _form(_sign(full_name="Ana \u202egnp.exe")),
    ),
    Row("control in search", "GET", "/search/?q=rive%07r", 400, "control characters"),
    # Bytes that are not UTF-8.
    Row(
        "latin-1 bytes in a form",
        "POST",
        S,
        400,
        "not valid UTF-8",
        b"full_name=Ana%E9&email=ana%40example.org&country=GB",
    ),
    Row("broken bytes in a query", "GET", "/search/?q=r%FFo", 400, "not valid UTF-8"),
    Row("nul in an api slug", "GET", "/api/v1/petitions/a%00b", 400, "NUL character"),
    Row("nul in a page slug", "GET", "/p/a%00b/", 400, "NUL character"),
    Row("nul in an api filter", "GET", "/api/v1/petitions?category=%00x", 400, "NUL character"),
    Row("broken bytes to the API", "GET", "/api/v1/petitions?q=%C3", 400, "not valid UTF-8"),
    # Markup and script.
    Row("script as a name", "POST", S, 400, "A name can", _form(_sign(full_name=PAYLOAD + "A"))),
    Row("tags in a comment", "POST", S, 400, "plain text", _form(_sign(comment="hi " + PAYLOAD))),
    Row("address in a comment", "POST", S, 400, "leave email", _form(_sign(comment="x@y.org"))),
    # Malformed and internationalised addresses.
    Row("no domain", "POST", S, 400, "valid email", _form(_sign(email="ana@"))),
    Row("two ats", "POST", S, 400, "valid email", _form(_sign(email="ana@@example.org"))),
    Row("space", "POST", S, 400, "valid email", _form(_sign(email="a na@example.org"))),
    Row(
        "domain label too long",
        "POST",
        S,
        400,
        "valid email",
        _form(_sign(email="ana@" + "x" * 64 + ".org")),
    ),
    Row("bad idn", "POST", S, 400, "valid email", _form(_sign(email="ana@xn--.org"))),
    # CSRF: every state change needs the token.
    # The sign forms sit on pages any cache serves: a signed form token, not the cookie.
    Row("sign without form token", "POST", S, 400, "open too long", _form(_sign()), csrf=False),
    Row(
        "confirm without csrf",
        "POST",
        "/confirm/some-token/",
        403,
        "form has expired",
        b"",
        csrf=False,
    ),
    Row(
        "my data without csrf",
        "POST",
        "/my-data/",
        403,
        "form has expired",
        _form({"email": "ana@example.org"}),
        csrf=False,
    ),
    # Wrong methods.
    Row("get the sign url", "GET", S, 405),
    Row("put a petition", "PUT", "/p/clean-the-thames/", 405, data=b""),
    Row("delete the home page", "DELETE", "/", 405),
    Row("post to search", "POST", "/search/", 405, data=b"q=x"),
    Row(
        "post to the api",
        "POST",
        "/api/v1/petitions",
        405,
        data=b"{}",
        content_type="application/json",
    ),
    # Oversized bodies (Django's limit: 2.5 MB).
    Row(
        "huge form",
        "POST",
        S,
        400,
        "too large",
        _form(_sign(comment="c" * 3_000_000)),
    ),
    Row(
        "invalid json",
        "POST",
        "/api/v1/petitions",
        400,
        "not valid UTF-8",
        b'{"a": "\xff"}',
        content_type="application/json",
    ),
    # Unknown slugs and ids.
    Row("unknown petition", "GET", "/p/no-such-petition/", 404),
    Row("sign an unknown petition", "POST", "/p/no-such-petition/sign/", 404, data=_form(_sign())),
    Row("unknown category", "GET", "/categories/no-such-thing/", 404),
    Row("unknown country", "GET", "/countries/QQ/", 404),
    Row("not a country", "GET", "/countries/Atlantis/", 404),
    Row("unknown story", "GET", "/news/stories/999999/", 404),
    Row("unknown article", "GET", "/news/articles/999999/x/", 404),
    Row("unknown confirmation", "GET", "/confirm/" + "z" * 43 + "/", 404),
    Row("unknown petition in the api", "GET", "/api/v1/petitions/no-such", 404, "no-such"),
    Row("unknown article in the api", "GET", "/api/v1/articles/999999", 404, "999999"),
    Row("api item id not a number", "GET", "/api/v1/stories/abc", 422),
    # Numbers too large for any database column.
    Row("huge article id in the api", "GET", "/api/v1/articles/" + "9" * 25, 422),
    Row("huge negative story id in the api", "GET", "/api/v1/stories/-" + "9" * 25, 422),
    Row("huge story filter in the api", "GET", "/api/v1/articles?story=-" + "9" * 25, 422),
    Row("huge article id", "GET", "/news/articles/" + "9" * 25 + "/x/", 404),
    Row("huge story id", "GET", "/news/stories/" + "9" * 25 + "/", 404),
    Row("huge search page", "GET", "/search/?q=river&page=" + "9" * 25, 400),
    # Share cards, oEmbed and feeds: what is not there is a 404, a bad size a 400.
    Row("huge story id's card", "GET", "/news/stories/" + "9" * 25 + "/card.png", 404),
    Row("unknown petition's card", "GET", "/es/p/no-such/card.png", 404),
    Row("oembed maxwidth 0", "GET", "/oembed?url=x&maxwidth=0", 400, "maxwidth"),
    Row("oembed maxheight -5", "GET", "/oembed?url=x&maxheight=-5", 400, "maxheight"),
    Row("oembed url elsewhere", "GET", "/oembed?url=http://elsewhere.example/p/x", 404),
    Row("unknown spanish feed", "GET", "/es/feeds/nothing.atom", 404),
]


def _send(row: Row) -> object:
    client = Client(enforce_csrf_checks=True)
    headers = dict(row.extra)
    body = row.data if row.data is not None else b""
    if row.csrf and row.method != "GET" and not row.path.startswith("/api/"):
        client.get("/my-data/")  # the CSRF cookie, as a browser gets it
        token = client.cookies["csrftoken"].value
        headers["HTTP_X_CSRFTOKEN"] = token
        # A sign form's own token, from the page that carries the form.
        page = {S: "/p/clean-the-thames/", LS: "/letters/clean-water/"}.get(row.path)
        if page and isinstance(body, bytes):
            html = client.get(page).content.decode()
            form_token = re.search(r'name="form_token" value="([^"]+)"', html)[1]
            body += b"&form_token=" + form_token.encode()
    return client.generic(row.method, row.path, body, content_type=row.content_type, **headers)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(petition, row):
    before = (Signature.objects.count(), OutboxMessage.objects.count())
    response = _send(row)
    assert response.status_code == row.status, response.content[:500]
    body = response.content.decode("utf-8", "replace")
    if row.message:
        assert row.message in body
    assert PAYLOAD not in body
    assert (Signature.objects.count(), OutboxMessage.objects.count()) == before


def test_sql_and_search_syntax_are_only_text(client, petition):
    for query in ['" OR 1=1 --', "NEAR(river", "river*", "'; DROP TABLE x; --", "AND OR NOT"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        api = client.get("/api/v1/petitions", {"q": query})
        assert api.status_code == 200, query
    # A name with an apostrophe and SQL in it is a name: stored as typed, shown escaped.
    name = "Ana O'Brien'); DROP TABLE petitions_signature;--"
    response = client.post("/p/clean-the-thames/sign/", _sign(full_name=name))
    assert response.status_code == 302
    assert Signature.objects.get().full_name == name


def test_names_in_right_to_left_scripts_and_idn_addresses_are_welcome(client, petition):
    response = client.post(
        "/p/clean-the-thames/sign/", _sign(full_name="ليلى أحمد", email="ana@bücher.example")
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.full_name == "ليلى أحمد"
    assert signature.email_normalised == "ana@xn--bcher-kva.example"


def test_a_comment_on_two_lines_from_a_browser_is_taken(client, petition):
    # A textarea's line ends arrive as \r\n: not control characters to refuse.
    response = client.post("/p/clean-the-thames/sign/", _sign(comment="First line.\r\nSecond."))
    assert response.status_code == 302
    assert Signature.objects.get().comment == "First line.\nSecond."


# The same table for the letters, the signing API, the widget and the update links.
ORG = {
    "name": "Agua Viva",
    "acronym": "",
    "name_other_language": "",
    "country": "MX",
    "website": "",
    "contact_name": "Lucía Contact",
    "email": "lucia@agua.example.org",
    "authorised": "on",
}
E = "/letters/clean-water/endorse/"
LS = "/letters/clean-water/sign/"
API_SIGN = "/api/v1/petitions/clean-the-thames/signatures"


def _json(data: dict) -> bytes:
    import json

    return json.dumps(data).encode()


MORE_ROWS = [
    Row("org: long name", "POST", E, 400, "at most", _form({**ORG, "name": "N" * 301})),
    Row("org: invisible", "POST", E, 400, "invisible", _form({**ORG, "name": "Agua\u200bViva"})),
    Row("org: markup", "POST", E, 400, "", _form({**ORG, "name": PAYLOAD})),
    Row("org: bad email", "POST", E, 400, "valid email", _form({**ORG, "email": "lucia@"})),
    Row("org: bad website", "POST", E, 400, "", _form({**ORG, "website": "javascript:x"})),
    Row("org: no csrf", "POST", E, 403, "form has expired", _form(ORG), csrf=False),
    Row("org: unknown letter", "POST", "/letters/no-such/endorse/", 404, "", _form(ORG)),
    Row("org: latin-1", "POST", E, 400, "not valid UTF-8", b"name=Agua%E9&country=MX"),
    Row(
        "person: long name",
        "POST",
        LS,
        400,
        "at most",
        _form({"full_name": "P" * 121, "email": "p@example.org", "country": "MX"}),
    ),
    Row(
        "person: no form token",
        "POST",
        LS,
        400,
        "open too long",
        _form({"full_name": "Pat", "email": "p@example.org", "country": "MX"}),
        csrf=False,
    ),
    Row("letter confirm: get does nothing", "GET", "/letters/confirm/org/bogus/", 404, ""),
    Row(
        "api sign: invalid json",
        "POST",
        API_SIGN,
        400,
        "",
        b"{not json",
        content_type="application/json",
    ),
    Row(
        "api sign: long name",
        "POST",
        API_SIGN,
        422,
        "",
        _json({**SIGN, "full_name": "A" * 121}),
        content_type="application/json",
    ),
    Row(
        "api sign: bad email",
        "POST",
        API_SIGN,
        400,
        "email",
        _json({**SIGN, "email": "ana@"}),
        content_type="application/json",
    ),
    Row(
        "api sign: markup in a comment",
        "POST",
        API_SIGN,
        400,
        "HTML",
        _json({**SIGN, "comment": PAYLOAD}),
        content_type="application/json",
    ),
    Row(
        "api sign: unknown petition",
        "POST",
        "/api/v1/petitions/no-such/signatures",
        404,
        "",
        _json(SIGN),
        content_type="application/json",
    ),
    Row(
        "widget: no token",
        "POST",
        "/p/clean-the-thames/embed/",
        400,
        "",
        _form(SIGN),
    ),
    Row("unsubscribe: forged", "POST", "/updates/unsubscribe/forged/", 404, "not valid", b""),
]


@pytest.mark.parametrize("row", MORE_ROWS, ids=[row.name for row in MORE_ROWS])
def test_bad_input_to_letters_api_and_widget_gets_a_4xx_and_changes_nothing(petition, letter, row):
    from clarion.letters.models import IndividualSignature, OrganisationSignature

    def counts() -> tuple[int, ...]:
        return (
            Signature.objects.count(),
            OutboxMessage.objects.count(),
            OrganisationSignature.objects.count(),
            IndividualSignature.objects.count(),
        )

    before = counts()
    response = _send(row)
    assert response.status_code == row.status, response.content[:500]
    body = response.content.decode("utf-8", "replace")
    if row.message:
        assert row.message in body
    assert PAYLOAD not in body
    assert counts() == before


# The same table for starting a petition, its supporters' link and the organiser
# dashboard (signed in as the petition's creator).
def _start(**fields) -> dict:
    base = {
        "title": "Keep the night buses running",
        "targets": "Leeds City Council",
        "goal": "We ask the council to keep the night buses.",
        "narrative": "Night workers rely on these buses to get home safely.",
        "demands": "",
        "country": "GB",
        "content_language": "en",
        "related_url": "",
        "full_name": "María Creator",
        "email": "maria@example.org",
    }
    return {**base, **fields}


ST = "/start/"
D = "/organise/p/started-petition/"
START_ROWS = [
    Row("start: long title", "POST", ST, 400, "at most 150", _form(_start(title="T" * 151))),
    Row("start: long goal", "POST", ST, 400, "at most 500", _form(_start(goal="g" * 501))),
    Row(
        "start: long narrative",
        "POST",
        ST,
        400,
        "at most 6000",
        _form(_start(narrative="n" * 6001)),
    ),
    Row("start: invisible title", "POST", ST, 400, "invisible", _form(_start(title="Bus\u200bes"))),
    Row(
        "start: markup in narrative",
        "POST",
        ST,
        400,
        "Plain text",
        _form(_start(narrative=PAYLOAD * 3)),
    ),
    Row(
        "start: email in goal",
        "POST",
        ST,
        400,
        "leave email addresses out",
        _form(_start(goal="Write to maria@example.org to help")),
    ),
    Row(
        "start: too many demands",
        "POST",
        ST,
        400,
        "At most 8 demands",
        _form(_start(demands="\n".join(f"Demand {n}" for n in range(9)))),
    ),
    Row(
        "start: long demand",
        "POST",
        ST,
        400,
        "at most 300 characters",
        _form(_start(demands="d" * 301)),
    ),
    Row(
        "start: no target",
        "POST",
        ST,
        400,
        "This field is required",
        _form(_start(targets=" ")),
    ),
    Row("start: bad email", "POST", ST, 400, "valid email", _form(_start(email="maria@"))),
    Row(
        "start: script url", "POST", ST, 400, "valid URL", _form(_start(related_url="javascript:x"))
    ),
    Row("start: unknown category", "POST", ST, 400, "valid choice", _form(_start(category="999"))),
    Row("start: no csrf", "POST", ST, 403, "form has expired", _form(_start()), csrf=False),
    Row("start: latin-1", "POST", ST, 400, "not valid UTF-8", b"title=Bus%E9&email=a%40b.org"),
    Row(
        "similar: control characters", "GET", "/start/similar/?q=bus%07", 400, "control characters"
    ),
    Row("support: unknown link", "POST", "/start/support/nope/sign/", 404, "", _form(SIGN)),
    Row("support: unknown page", "GET", "/start/support/nope/", 404),
    Row("start confirm: unknown", "GET", "/start/confirm/" + "z" * 43 + "/", 404),
    Row("organise: bad email", "POST", "/organise/", 400, "valid email", _form({"email": "x@"})),
    Row(
        "organise: no csrf",
        "POST",
        "/organise/",
        403,
        "form has expired",
        _form({"email": "a@b.org"}),
        csrf=False,
    ),
    Row("organise: forged sign-in", "POST", "/organise/signin/forged/", 404, "not valid", b""),
    Row(
        "dashboard: long update",
        "POST",
        D + "update/",
        400,
        "at most 200",
        _form({"title": "u" * 201, "body": "b"}),
    ),
    Row(
        "dashboard: markup update",
        "POST",
        D + "update/",
        400,
        "Plain text",
        _form({"title": "News", "body": PAYLOAD}),
    ),
    Row("dashboard: close unticked", "POST", D + "close/", 400, "required", _form({})),
    Row(
        "dashboard: long delivery note",
        "POST",
        D + "delivery/",
        400,
        "at most 2000",
        _form({"note": "n" * 2001}),
    ),
    Row(
        "dashboard: text too short",
        "POST",
        D + "text/",
        400,
        "at least 30",
        _form(_start(narrative="short")),
    ),
    Row("dashboard: bad tag", "GET", D + "?tag=%3Cb%3E", 200, "lower-case letters"),
    Row(
        "dashboard: unknown petition",
        "POST",
        "/organise/p/nope/close/",
        404,
        "",
        _form({"confirm": "on"}),
    ),
]


@pytest.fixture
def creator_client(category, settings):
    """A client signed in as the creator of a published started petition."""
    from clarion.campaigns.services import moderation_approve
    from clarion.petitions.models import Petition
    from tests.campaigns.helpers import sign_in, start_and_confirm

    client = Client(enforce_csrf_checks=True)
    helper = Client()
    petition = start_and_confirm(helper, category, title="Started petition")
    Petition.objects.filter(pk=petition.pk).update(slug="started-petition")
    petition.refresh_from_db()
    moderation_approve(petition)
    sign_in(helper)
    client.cookies = helper.cookies
    return client


@pytest.mark.parametrize("row", START_ROWS, ids=[row.name for row in START_ROWS])
def test_bad_input_to_starting_and_organising_gets_a_4xx_and_changes_nothing(
    petition, creator_client, category, row
):
    from clarion.campaigns.models import Correction, DeliveryRequest, PetitionStart
    from clarion.petitions.models import Petition, Update

    def counts() -> tuple[int, ...]:
        return (
            Signature.objects.count(),
            OutboxMessage.objects.count(),
            PetitionStart.objects.count(),
            Petition.objects.count(),
            Update.objects.count(),
            Correction.objects.count(),
            DeliveryRequest.objects.count(),
            Petition.objects.filter(status=Petition.Status.CLOSED).count(),
        )

    if row.path == ST and row.data and b"category=" not in row.data and b"%E9" not in row.data:
        # The form's category is a row of the test database: named here, not in the table.
        row = Row(**{**row.__dict__, "data": row.data + f"&category={category.pk}".encode()})
    before = counts()
    # The dashboard's rows come from its signed-in creator; the rest from a stranger.
    signed_in = row.path.startswith("/organise/p/")
    client = creator_client if signed_in else Client(enforce_csrf_checks=True)
    headers = dict(row.extra)
    if row.csrf and row.method != "GET":
        client.get("/start/")  # the CSRF cookie, as a browser gets it
        headers["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    response = client.generic(
        row.method, row.path, row.data or b"", content_type=row.content_type, **headers
    )
    assert response.status_code == row.status, response.content[:800]
    body = response.content.decode("utf-8", "replace")
    if row.message:
        assert row.message in body
    assert PAYLOAD not in body
    assert counts() == before

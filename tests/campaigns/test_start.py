"""Anyone can start a petition: the form, the emailed confirmation, the related article,
the limits and the similar petitions offered while the title is typed."""

from __future__ import annotations

import pytest
from django.test import Client

from clarion.campaigns.models import PetitionStart
from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition
from tests.campaigns.helpers import (
    CREATOR,
    link_in,
    mail_to,
    start_and_confirm,
    start_form,
)

pytestmark = pytest.mark.django_db


def test_every_page_invites_people_to_start_a_petition(client, petition):
    for path in ("/", petition.get_absolute_url(), "/letters/", "/es/"):
        html = client.get(path).content.decode()
        assert 'href="/start/"' in html or 'href="/es/start/"' in html, path


def test_sending_the_form_stores_only_a_pending_start_and_emails_a_link(client, category):
    response = client.post("/start/", start_form(category))
    assert response.status_code == 302
    assert response["Location"] == "/start/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()
    start = PetitionStart.objects.get()
    assert start.confirmed_at is None and start.petition is None
    assert not Petition.objects.exists()  # nothing exists until the address is confirmed
    message = mail_to(CREATOR, "confirm")
    assert "Keep the night buses running in Leeds" in message.subject


def test_the_link_shows_a_button_and_the_post_creates_the_petition_collecting(client, category):
    client.post("/start/", start_form(category))
    path = link_in(mail_to(CREATOR, "confirm").body, r"/start/confirm/[\w-]+/")
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm and create my petition" in page.content.decode()
    assert not Petition.objects.exists()  # opening the link changes nothing

    response = client.post(path)
    petition = Petition.objects.get()
    assert petition.status == Petition.Status.COLLECTING
    assert response["Location"].startswith("/start/support/")
    assert petition.title == "Keep the night buses running in Leeds"
    assert [d.text for d in petition.demands.all()] == [
        "Keep all night routes",
        "Publish the usage figures",
    ]
    assert sorted(t.name for t in petition.targets.all()) == [
        "Leeds City Council",
        "West Yorkshire Combined Authority",
    ]
    assert list(petition.countries) == ["GB"]
    # The creator gets the private link to share.
    created = mail_to(CREATOR, "created")
    assert "/start/support/" in created.body
    assert "/organise/signin/" in created.body


def test_a_collecting_petition_is_not_listed_searchable_or_in_the_api(client, category):
    petition = start_and_confirm(client, category)
    visitor = Client()
    assert petition.title not in visitor.get("/").content.decode()
    assert petition.title not in visitor.get("/search/", {"q": "night buses"}).content.decode()
    assert petition.slug not in visitor.get("/api/v1/petitions").content.decode()
    assert visitor.get(f"/api/v1/petitions/{petition.slug}").status_code == 404
    assert petition.slug not in visitor.get("/feeds/petitions.atom").content.decode()
    # Its page says so, takes no signature and is not indexed.
    page = visitor.get(petition.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "not published yet" in html
    assert "not listed or searchable" in html
    assert 'action="/p/' not in html
    assert page["X-Robots-Tag"].startswith("noindex")
    assert visitor.post(f"/p/{petition.slug}/sign/", {}).status_code == 404


def test_the_same_title_from_the_same_address_is_one_start(client, category, settings):
    settings.CLARION_CONFIRM_RESEND_MINUTES = 0
    client.post("/start/", start_form(category))
    client.post("/start/", start_form(category, goal="We ask for the night buses, again."))
    start = PetitionStart.objects.get()
    assert start.goal == "We ask for the night buses, again."  # the newer request wins
    assert OutboxMessage.objects.filter(key__startswith="start-confirm:").count() == 2


def test_starting_the_same_petition_again_after_confirming_sends_a_note(client, category):
    start_and_confirm(client, category)
    client.post("/start/", start_form(category))
    assert Petition.objects.count() == 1
    assert "exists already" in mail_to(CREATOR, "exists already").subject


def test_the_honeypot_looks_like_success_and_stores_nothing(client, category):
    response = client.post("/start/", start_form(category, homepage="http://spam.example"))
    assert response.status_code == 302
    assert not PetitionStart.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_one_address_starts_a_few_petitions_a_day(client, category, settings):
    settings.CLARION_START_PER_ADDRESS_PER_DAY = 2
    for n in range(2):
        assert client.post("/start/", start_form(category, title=f"Petition {n} about buses"))[
            "Location"
        ]
    response = client.post("/start/", start_form(category, title="Petition three about buses"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "try again tomorrow" in response.content.decode()
    assert PetitionStart.objects.count() == 2


def test_one_ip_address_starts_a_few_petitions_a_day(client, category, settings):
    settings.CLARION_START_PER_IP_PER_DAY = 1
    client.post("/start/", start_form(category))
    response = client.post("/start/", start_form(category, email="other@example.org"))
    assert response.status_code == 429
    assert PetitionStart.objects.count() == 1


ARTICLE = b"""<!doctype html><html><head>
<title>Night buses cut | Yorkshire Ledger</title>
<meta property="og:title" content="Combined Authority to cut night buses from May">
<meta property="og:site_name" content="Yorkshire Ledger">
<meta property="article:published_time" content="2026-03-02T21:15:00+00:00">
</head><body><h1>Combined Authority to cut night buses</h1><p>Text.</p></body></html>"""

SPANISH_ARTICLE = b"""<!doctype html><html><head><title>x</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "NewsArticle", "headline": "Recortan los autobuses nocturnos",
  "datePublished": "2026-03-02T18:15:00-06:00", "publisher": {"name": "El Faro del Sur"}}]}
</script></head><body></body></html>"""


def test_a_given_article_becomes_the_related_article_line(client, category, feed_server):
    url = feed_server.add(
        "/2026/03/night-buses", body=ARTICLE, headers={"Content-Type": "text/html"}
    )
    petition = start_and_confirm(client, category, related_url=url + "?utm_source=x")
    assert petition.related_headline == "Combined Authority to cut night buses from May"
    assert petition.related_outlet == "Yorkshire Ledger"
    assert petition.related_url == url  # tracking parameters dropped
    assert petition.related_time_zone == "+00:00"
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Combined Authority to cut night buses from May" in page
    assert "Yorkshire Ledger" in page


def test_the_articles_own_zone_is_kept(client, category, feed_server):
    url = feed_server.add("/nota", body=SPANISH_ARTICLE, headers={"Content-Type": "text/html"})
    petition = start_and_confirm(client, category, related_url=url)
    assert petition.related_headline == "Recortan los autobuses nocturnos"
    assert petition.related_outlet == "El Faro del Sur"
    assert petition.related_time_zone == "-06:00"
    assert petition.related_published_local.hour == 18


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/gone", 404, "answered with an error (404)"),
        ("/image", 200, "not a web page"),
        ("/blank", 200, "no headline"),
    ],
)
def test_an_article_that_cant_be_read_gets_a_clear_message_and_nothing_is_stored(
    client, category, feed_server, path, status, says
):
    headers = {"Content-Type": "image/png" if path == "/image" else "text/html"}
    url = feed_server.add(path, body=b"<html><body></body></html>", status=status, headers=headers)
    response = client.post("/start/", start_form(category, related_url=url))
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not PetitionStart.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_address_inside_the_network_is_refused_without_fetching(client, category, settings):
    settings.CLARION_FETCH_ALLOW_PRIVATE = False
    response = client.post("/start/", start_form(category, related_url="http://127.0.0.1:9/admin"))
    assert response.status_code == 400
    assert "only public web pages" in response.content.decode()
    assert not PetitionStart.objects.exists()


def test_similar_open_petitions_are_offered_as_json(client, make_petition):
    make_petition(title="Save the night buses of Leeds", slug="night-buses")
    make_petition(title="Night buses for Bristol", slug="bristol", status=Petition.Status.CLOSED)
    make_petition(title="Plant trees in Leeds", slug="trees")
    data = client.get("/start/similar/", {"q": "night buses"}).json()
    assert [r["url"] for r in data["results"]] == ["/p/night-buses/"]  # open ones only
    assert data["results"][0]["signatures_label"] == "0 signatures"
    spanish = client.get("/es/start/similar/", {"q": "night buses"}).json()
    assert spanish["results"][0]["signatures_label"] == "0 firmas"
    assert client.get("/start/similar/", {"q": "ni"}).json() == {"results": []}


def test_without_script_similar_petitions_show_after_sending(client, make_petition, category):
    make_petition(title="Save the night buses of Leeds", slug="night-buses")
    response = client.post("/start/", start_form(category, goal=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Similar open petitions" in html
    assert 'href="/p/night-buses/"' in html


def test_the_similar_lookup_is_limited_per_address(client, settings):
    from clarion.campaigns import views

    for _n in range(views.SIMILAR_PER_MINUTE):
        client.get("/start/similar/", {"q": "buses"})
    response = client.get("/start/similar/", {"q": "buses"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_form_and_its_messages_are_in_spanish(client, category):
    page = client.get("/es/start/").content.decode()
    assert "Inicia una petición" in page
    response = client.post("/es/start/", start_form(category, narrative="corto"))
    assert response.status_code == 400
    assert "al menos 30 caracteres" in response.content.decode()
    client.post("/es/start/", start_form(category))
    message = mail_to(CREATOR, "Confirma")
    assert "Confirmar y crear mi petición" in message.body


def test_text_typed_on_several_lines_in_a_browser_is_taken(client, category):
    # Browsers send a textarea's line ends as \r\n; a line end is not a control character.
    narrative = "Night workers rely on these buses.\r\n\r\n- nurses\r\n- cleaners"
    petition = start_and_confirm(client, category, narrative=narrative, demands="One\r\nTwo")
    assert petition.narrative == "Night workers rely on these buses.\n\n- nurses\n- cleaners"
    assert [d.text for d in petition.demands.all()] == ["One", "Two"]

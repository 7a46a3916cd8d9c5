"""Two interface languages: English at /..., Spanish at /es/..., chosen by the URL alone."""

from __future__ import annotations

import gettext
import re
import shutil
from datetime import UTC, datetime

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from clarion.core.models import OutboxMessage
from clarion.petitions.models import Petition, PetitionTranslation, Signature
from clarion.petitions.services import petition_reindex
from tests.conftest import fold, issued_token, require, written

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def translated(petition) -> Petition:
    PetitionTranslation.objects.create(
        petition=petition,
        language="es",
        title="Limpien el Támesis",
        goal="Pedimos al Ministerio del Agua que detenga las descargas de aguas negras al río.",
        narrative="El río está **contaminado**.",
        demands="Financiar el plan.\nPublicar los datos.\n\nInformar cada año.",
    )
    petition_reindex(petition)  # as the admin does after saving the inlines
    return petition


def test_it_serves_the_spanish_interface_under_es(client, petition):
    english = client.get("/")
    spanish = client.get("/es/")
    assert '<html lang="en">' in _html(english)
    assert "Newest petitions" in _html(english)
    assert '<html lang="es">' in _html(spanish)
    assert "Peticiones más recientes" in _html(spanish)
    assert "Newest petitions" not in _html(spanish)
    assert spanish["Content-Language"] == "es"
    # Links on a Spanish page stay in Spanish.
    assert 'href="/es/search/"' in _html(spanish)


def test_the_url_alone_decides_the_language(client, petition):
    # Accept-Language doesn't turn an English URL into a Spanish page: one URL is one
    # page, so no cache needs to vary on the header.
    response = client.get(petition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert '<html lang="en">' in _html(response)
    assert "Accept-Language" not in response.get("Vary", "")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert '<html lang="en">' in _html(client.get("/"))


def test_every_page_names_its_other_language_versions(client, petition):
    base = settings.CLARION_BASE_URL
    path = petition.get_absolute_url()
    for url in (path, f"/es{path}", "/", "/es/news/", "/about/"):
        html = _html(client.get(url))
        neutral = url.removeprefix("/es")
        assert f'<link rel="alternate" hreflang="en" href="{base}{neutral}">' in html, url
        assert f'<link rel="alternate" hreflang="es" href="{base}/es{neutral}">' in html, url
        assert f'<link rel="alternate" hreflang="x-default" href="{base}{neutral}">' in html, url


def test_the_switcher_is_a_plain_link_to_the_same_page(client, petition):
    path = petition.get_absolute_url()
    english = _html(client.get(f"{path}?utm_source=x"))
    switch = re.search(r'class="language-switcher".*?</nav>', english, re.S)[0]
    assert f'<a href="/es{path}" hreflang="es" lang="es">Español</a>' in switch
    assert '<span aria-current="true" lang="en">English</span>' in switch
    spanish = _html(client.get(f"/es{path}"))
    assert f'<a href="{path}" hreflang="en" lang="en">English</a>' in spanish
    assert "Firma esta petición" in spanish


def test_pages_in_one_language_have_no_alternates(client, moderator):
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert "hreflang" not in html
    assert "language-switcher" not in html


def test_health_checks_skip_language_handling(client):
    response = client.get("/healthz")
    assert response.content == b"ok"
    assert "Content-Language" not in response


def test_a_request_leaves_no_language_behind(client, petition):
    client.get(f"/es{petition.get_absolute_url()}")
    # The next thing this thread does (here: the test) is in the default language.
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert petition.get_absolute_url() == "/p/clean-the-thames/"


def test_spanish_dates_and_numbers(client, make_petition):
    petition = make_petition(title="Salvar el río", slug="salvar-el-rio", signature_goal=25000)
    Petition.objects.filter(pk=petition.pk).update(
        signature_count=1234,
        updated_at=datetime(2026, 11, 25, 10, 30, tzinfo=UTC),
    )
    spanish = _html(client.get(f"/es{petition.get_absolute_url()}"))
    assert "<strong>1\xa0234</strong> firmas" in spanish
    assert "de una meta de 25\xa0000" in spanish
    english = _html(client.get(petition.get_absolute_url()))
    assert "<strong>1,234</strong> signatures" in english
    home = _html(client.get("/es/"))
    assert "miércoles 25 de noviembre de 2026, 10:30 UTC" in home
    assert "Wednesday, 25 November 2026, 10:30 UTC" in _html(client.get("/"))


def test_spanish_search_results_count_in_spanish(client, make_petition):
    petition = make_petition(title="Agua limpia para Oaxaca", slug="agua-oaxaca")
    Petition.objects.filter(pk=petition.pk).update(signature_count=1_000_000)
    html = _html(client.get("/es/search/", {"q": "oaxaca"}))
    assert "1 petición coincide con «oaxaca»." in html
    assert "1\xa0000\xa0000 de firmas" in html


def test_form_errors_are_in_spanish(client, petition):
    response = client.post(f"/es{petition.get_absolute_url()}sign/", {"email": "no"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Corrige los campos marcados abajo." in html
    assert "Este campo es obligatorio." in html
    assert not Signature.objects.exists()


def test_error_pages_are_in_spanish(client):
    response = client.get("/es/p/no-such-petition/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()
    bad = client.get("/es/search/", QUERY_STRING="q=%ff")
    assert bad.status_code == 400
    assert "no es texto UTF-8 válido" in bad.content.decode()


def test_it_shows_the_translation_for_the_visitor_language(client, translated):
    path = translated.get_absolute_url()
    spanish = _html(client.get(f"/es{path}"))
    assert "<h1>Limpien el Támesis</h1>" in spanish
    assert '<article class="petition" lang="es">' in spanish
    assert "Pedimos al Ministerio del Agua" in spanish
    assert '<meta name="description" content="Pedimos al Ministerio del Agua' in spanish
    assert "<title>Limpien el Támesis · Clarion</title>" in spanish
    assert "<strong>contaminado</strong>" in spanish
    demands = re.search(r'<ol class="demands">(.*?)</ol>', spanish)[1]
    assert demands == (
        "<li>Financiar el plan.</li><li>Publicar los datos.</li><li>Informar cada año.</li>"
    )
    english = _html(client.get(path))
    assert "<h1>Clean the Thames</h1>" in english
    assert "Limpien" not in english


def test_cards_show_the_translation_and_fall_back_to_the_original(
    client, translated, make_petition
):
    untranslated = make_petition(title="Save the Wye", slug="save-the-wye")
    home = _html(client.get("/es/"))
    assert "Limpien el Támesis" in home
    assert untranslated.title in home  # no Spanish version: the original
    assert '<article class="card" lang="en">' in home
    results = _html(client.get("/es/search/", {"q": "Támesis"}))
    assert "Limpien el Támesis" in results


def test_the_petition_page_cache_keeps_each_language(client, translated):
    path = translated.get_absolute_url()
    for _ in range(2):
        assert "<h1>Clean the Thames</h1>" in _html(client.get(path))
        assert "<h1>Limpien el Támesis</h1>" in _html(client.get(f"/es{path}"))


def test_a_signature_counts_once_whichever_language_it_came_from(client, translated, settings):
    settings.CLARION_CONFIRM_RESEND_MINUTES = 0  # each form sends its link at once
    path = translated.get_absolute_url()
    data = {"full_name": "Ana López", "email": "ana@example.org", "country": "MX"}
    assert client.post(f"{path}sign/", data).status_code == 302
    spanish = {**data, "email": "ANA@Example.org"}
    assert client.post(f"/es{path}sign/", spanish).status_code == 302
    signature = Signature.objects.get()
    # The Spanish form sent a fresh link, in Spanish, to the Spanish page.
    latest = written(OutboxMessage.objects.order_by("-id").first())
    assert latest.subject == "Confirma tu firma: Limpien el Támesis"
    assert "/es/confirm/" in latest.body
    assert "Gracias por firmar «Limpien el Támesis»." in latest.body
    token = issued_token(signature)
    confirmed = client.post(f"/es/confirm/{token}/")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/es{path}?confirmed=1#count"
    fold()
    assert client.post(f"/es{path}sign/", spanish).status_code == 302
    assert client.post(f"{path}sign/", data).status_code == 302
    translated.refresh_from_db()
    assert translated.signature_count == 1
    assert Signature.objects.count() == 1


def test_the_english_mail_stays_english(client, petition):
    data = {"full_name": "Ana", "email": "ana@example.org", "country": "GB"}
    client.post(f"{petition.get_absolute_url()}sign/", data)
    message = written(OutboxMessage.objects.get())
    assert message.subject == "Please confirm your signature: Clean the Thames"
    assert "/es/" not in message.body
    assert not mail.outbox  # queued, not sent by the request


def test_the_my_data_mail_is_in_the_language_it_was_asked_in(client, petition, sign):
    sign(petition, "ana@example.org")
    response = client.post("/es/my-data/", {"email": "ana@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/es/my-data/sent/"
    message = OutboxMessage.objects.filter(key__startswith="my-data:").get()
    assert message.subject == "Tus firmas en Clarion"
    assert "Abre este enlace para verlas" in message.body
    assert "/es/my-data/" in message.body


# --- the catalogues ---------------------------------------------------------------------

LOCALE_DIR = settings.BASE_DIR / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_has_a_translation(language):
    catalogue = _po(language)
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    obsolete = [e.msgid for e in catalogue.obsolete_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy (to check, then unmark) in {language}: {fuzzy}"
    assert not obsolete, f"obsolete in {language}: run make messages"
    for entry in catalogue:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_up_to_date(language):
    """The committed .mo holds exactly what the .po says (run make messages after editing)."""
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict = {}
    for entry in _po(language).translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for n, text in entry.msgstr_plural.items():
                expected[(key, int(n))] = text
        else:
            expected[key] = entry.msgstr
    compiled = {k: v for k, v in compiled.items() if k != ""}  # the header
    assert compiled == expected, "the .mo is stale: run make messages"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_every_string_in_the_code(language, tmp_path, settings, monkeypatch):
    """What `make messages` would extract now is what the catalogue has, no more, no less."""
    if shutil.which("xgettext") is None:
        require("CLARION_REQUIRE_GETTEXT", "needs GNU gettext (make test installs it)")
    source = tmp_path / "clarion"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "static", "*.json", "*.xml"),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    # The options of `make messages`.
    call_command(
        "makemessages", locale=[language], add_location="file", no_obsolete=True, verbosity=0
    )
    extracted = polib.pofile(str(source / "locale" / language / "LC_MESSAGES" / "django.po"))
    in_code = {(e.msgctxt, e.msgid, e.msgid_plural) for e in extracted}
    in_catalogue = {(e.msgctxt, e.msgid, e.msgid_plural) for e in _po(language)}
    assert not in_code - in_catalogue, (
        f"not in the catalogue yet (make messages): {in_code - in_catalogue}"
    )
    assert not in_catalogue - in_code, (
        f"no longer in the code (make messages): {in_catalogue - in_code}"
    )


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_header_links_stay_in_the_page_language_and_mark_the_current_page(
    client, petition, prefix
):
    expected = {
        "/": "/",
        "/categories/": "/categories/",
        "/countries/": "/countries/",
        "/letters/": "/letters/",
        "/news/": "/news/",
        "/search/": "/search/",
        "/about/": "/about/",
    }
    for page, marked in expected.items():
        body = client.get(f"{prefix}{page}").content.decode()
        nav = body.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
        links = re.findall(r'<a (?:class="[^"]*" )?href="([^"]+)"', nav)
        assert links == [f"{prefix}{path}" for path in (*expected.values(), "/start/")], page
        # Exactly one link says it is this page, and it is the right one.
        assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [f"{prefix}{marked}"]
        footer = body.split('<footer class="site-footer">', 1)[1]
        assert f'href="{prefix}/privacy/"' in footer and f'href="{prefix}/organise/"' in footer
    # A petition's page is none of the header's, nor is the organisers' own home page.
    for page in (petition.get_absolute_url(), "/organise/"):
        response = client.get(f"{prefix}{page}")
        assert response.status_code == 200, page
        nav = response.content.decode().split('<ul class="nav">', 1)[1].split("</ul>")[0]
        assert 'aria-current="page"' not in nav, page

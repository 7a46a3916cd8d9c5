"""Moderation through the Django admin: lists, actions, exports and the petition form."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from clarion.petitions import search
from clarion.petitions.admin import CSV_COLUMNS
from clarion.petitions.models import Petition, Signature
from clarion.taxonomy.models import Category, Target

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
PETITIONS = "/admin/petitions/petition/"
SIGNATURES = "/admin/petitions/signature/"
CATEGORIES = "/admin/taxonomy/category/"
TARGETS = "/admin/taxonomy/target/"
CHANGELISTS = [PETITIONS, SIGNATURES, CATEGORIES, TARGETS]


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def editor(db):
    """Staff who may edit petitions but not see signatures."""
    user = get_user_model().objects.create_user("editor", "editor@example.org", "pw-editor-1")
    user.is_staff = True
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="petitions",
            codename__in=["view_petition", "change_petition"],
        )
    )
    return user


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.csv"')
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def _by_email(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {row[header.index("email")]: dict(zip(header, row, strict=True)) for row in body}


def _action(client: Client, url: str, action: str, *objects, follow: bool = False):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=follow
    )


def _messages(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in response.context["messages"]]


def _listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def _assert_sent_to_login(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not response.get("Content-Type", "").startswith("text/csv")


def _petition_form(**overrides) -> dict:
    """What the admin's add/change form posts, with the inlines' management forms."""
    demands = overrides.pop("demands", [])
    translations = overrides.pop("translations", [])
    data = {
        "title": "Lower bus fares for apprentices",
        "slug": "lower-bus-fares",
        "status": "published",
        "language": "en",
        "goal": "We call on the transport authority to halve fares for apprentices.",
        "narrative": "Apprentices earn **little** and travel far.",
        "countries": ["GB"],
        "signature_goal": "500",
        "demands-TOTAL_FORMS": str(len(demands)),
        "demands-INITIAL_FORMS": str(sum(1 for d in demands if "id" in d)),
        "demands-MIN_NUM_FORMS": "0",
        "demands-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": str(len(translations)),
        "translations-INITIAL_FORMS": str(sum(1 for t in translations if "id" in t)),
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        "grow_goal": "on",
        "responses-TOTAL_FORMS": "0",
        "responses-INITIAL_FORMS": "0",
        "responses-MIN_NUM_FORMS": "0",
        "responses-MAX_NUM_FORMS": "1000",
    }
    for index, demand in enumerate(demands):
        for key, value in demand.items():
            data[f"demands-{index}-{key}"] = value
    for index, translation in enumerate(translations):
        for key, value in translation.items():
            data[f"translations-{index}-{key}"] = value
    data.update(overrides)
    return data


def _existing_demands(petition: Petition) -> list[dict]:
    return [
        {"id": d.pk, "petition": petition.pk, "position": d.position, "text": d.text}
        for d in petition.demands.all()
    ]


# --- who gets in ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [*CHANGELISTS, f"{PETITIONS}add/"])
def test_it_loads_the_changelists_for_moderators(staff_client, petition, sign, url):
    sign(petition, "ana@example.org")
    assert staff_client.get(url).status_code == 200


def test_it_loads_the_change_pages_for_moderators(staff_client, petition, sign):
    signature = sign(petition, "ana@example.org")
    assert staff_client.get(f"{PETITIONS}{petition.pk}/change/").status_code == 200
    page = staff_client.get(f"{SIGNATURES}{signature.pk}/change/")
    assert page.status_code == 200
    # The stored token hash and IP hash are not for anyone's eyes, moderators included.
    assert signature.token_hash not in page.content.decode()
    assert signature.ip_hash not in page.content.decode()


def test_it_offers_no_way_to_add_a_signature(staff_client, db):
    assert staff_client.get(f"{SIGNATURES}add/").status_code == 403


@pytest.mark.parametrize("url", [ADMIN, *CHANGELISTS])
def test_it_sends_outsiders_to_the_login_page(client, outsider, petition, url):
    client.force_login(outsider)
    _assert_sent_to_login(client.get(url))


@pytest.mark.parametrize("url", CHANGELISTS)
def test_it_sends_anonymous_visitors_to_the_login_page(client, petition, url):
    _assert_sent_to_login(client.get(url))


def test_it_keeps_outsiders_away_from_the_csv_exports(client, outsider, petition, sign):
    signature = sign(petition, "ana@example.org")
    client.force_login(outsider)
    _assert_sent_to_login(_action(client, PETITIONS, "export_confirmed", petition))
    _assert_sent_to_login(_action(client, SIGNATURES, "export_confirmed", signature))
    client.logout()
    _assert_sent_to_login(_action(client, PETITIONS, "export_confirmed", petition))


def test_it_keeps_staff_who_cannot_see_signatures_from_exporting_them(
    client, editor, petition, sign
):
    sign(petition, "ana@example.org")
    client.force_login(editor)
    assert client.get(PETITIONS).status_code == 200
    assert client.get(SIGNATURES).status_code == 403
    response = _action(client, PETITIONS, "export_confirmed", petition)
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert b"ana@example.org" not in response.content


# --- finding signatures --------------------------------------------------------------


def test_it_finds_signatures_by_email(staff_client, petition, sign):
    ana = sign(petition, "ana.lopez@example.org", full_name="Ana López")
    sign(petition, "bo@other.example", full_name="Bo Other")
    for query in ("ana.lopez@example.org", "ana.lopez", "ANA.LOPEZ@EXAMPLE.ORG"):
        assert _listed(staff_client.get(SIGNATURES, {"q": query})) == [ana], query
    assert len(_listed(staff_client.get(SIGNATURES, {"q": "example"}))) == 2


def test_it_finds_signatures_by_name(staff_client, petition, sign):
    sign(petition, "ana@example.org", full_name="Ana López")
    bo = sign(petition, "bo@example.org", full_name="Bo Other")
    assert _listed(staff_client.get(SIGNATURES, {"q": "Other"})) == [bo]
    assert _listed(staff_client.get(SIGNATURES, {"q": "bo other"})) == [bo]
    assert _listed(staff_client.get(SIGNATURES, {"q": "Nobody"})) == []


def test_it_finds_pending_signatures_too(staff_client, petition, sign):
    pending = sign(petition, "pending@example.org", full_name="Pat Pending", confirm=False)
    assert _listed(staff_client.get(SIGNATURES, {"q": "pending@example.org"})) == [pending]


def test_it_filters_signatures_by_confirmation(staff_client, petition, sign):
    confirmed = sign(petition, "a@example.org")
    pending = sign(petition, "b@example.org", confirm=False)
    assert _listed(staff_client.get(SIGNATURES, {"confirmed": "yes"})) == [confirmed]
    assert _listed(staff_client.get(SIGNATURES, {"confirmed": "no"})) == [pending]


# --- publish and close ---------------------------------------------------------------


def test_it_publishes_drafts(staff_client, make_petition):
    drafts = [make_petition(status=Petition.Status.DRAFT, published_at=None) for _ in range(2)]
    before = timezone.now()
    response = _action(staff_client, PETITIONS, "publish", *drafts, follow=True)
    assert (messages.INFO, "Published 2 petitions.") in _messages(response)
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == Petition.Status.PUBLISHED
        assert draft.published_at >= before
        assert draft.closed_at is None


def test_it_closes_published_petitions(staff_client, petition):
    published_at = petition.published_at
    before = timezone.now()
    _action(staff_client, PETITIONS, "close", petition)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert petition.closed_at >= before
    assert petition.published_at == published_at


def test_it_reopens_a_closed_petition(staff_client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED, closed_at=timezone.now())
    published_at = closed.published_at
    _action(staff_client, PETITIONS, "publish", closed)
    closed.refresh_from_db()
    assert closed.status == Petition.Status.PUBLISHED
    assert closed.closed_at is None
    assert closed.published_at == published_at


def test_it_warns_and_leaves_a_draft_when_asked_to_close_it(staff_client, make_petition, petition):
    draft = make_petition(title="Half-written", status=Petition.Status.DRAFT, published_at=None)
    response = _action(staff_client, PETITIONS, "close", draft, petition, follow=True)
    shown = _messages(response)
    assert any(
        level == messages.WARNING and "Half-written" in text and "can't be closed" in text
        for level, text in shown
    ), shown
    assert (messages.INFO, "Closed 1 petitions.") in shown
    draft.refresh_from_db()
    assert (draft.status, draft.published_at, draft.closed_at) == ("draft", None, None)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED


# --- CSV exports ---------------------------------------------------------------------


def test_it_exports_only_confirmed_signatures_of_the_chosen_petitions(
    staff_client, make_petition, petition, sign
):
    other = make_petition(title="Another petition")
    sign(petition, "ana@example.org", full_name="Ana Example", postcode="SW1A 1AA")
    sign(petition, "bo@example.org", full_name="Bo Example")
    sign(petition, "pending@example.org", full_name="Pat Pending", confirm=False)
    sign(other, "elsewhere@example.org")
    rows = _csv_rows(_action(staff_client, PETITIONS, "export_confirmed", petition))
    assert rows[0] == CSV_COLUMNS
    by_email = _by_email(rows)
    assert set(by_email) == {"ana@example.org", "bo@example.org"}
    ana = by_email["ana@example.org"]
    assert (ana["petition"], ana["full_name"], ana["country"]) == (
        petition.slug,
        "Ana Example",
        "GB",
    )
    assert ana["postcode"] == "SW1A 1AA"
    assert ana["confirmed_at"]
    assert "Pat Pending" not in str(rows)


def test_it_exports_several_petitions_at_once(staff_client, make_petition, sign):
    first, second = make_petition(), make_petition()
    sign(first, "a@example.org")
    sign(second, "b@example.org")
    rows = _csv_rows(_action(staff_client, PETITIONS, "export_confirmed", first, second))
    assert {(r["petition"], e) for e, r in _by_email(rows).items()} == {
        (first.slug, "a@example.org"),
        (second.slug, "b@example.org"),
    }


def test_it_exports_just_a_header_when_nothing_is_confirmed(staff_client, petition, sign):
    sign(petition, "pending@example.org", confirm=False)
    assert _csv_rows(_action(staff_client, PETITIONS, "export_confirmed", petition)) == [
        CSV_COLUMNS
    ]


def test_it_defuses_spreadsheet_formulas(staff_client, petition, sign):
    sign(
        petition,
        "ana@example.org",
        full_name='=HYPERLINK("http://evil.example","Click")',
        comment="+1 from me",
        postcode="-42",
    )
    sign(petition, "bo@example.org", full_name="@SUM(A1:A9)", comment="Plain words.")
    by_email = _by_email(_csv_rows(_action(staff_client, PETITIONS, "export_confirmed", petition)))
    ana, bo = by_email["ana@example.org"], by_email["bo@example.org"]
    assert ana["full_name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert ana["comment"] == "'+1 from me"
    assert ana["postcode"] == "'-42"
    assert bo["full_name"] == "'@SUM(A1:A9)"
    assert bo["comment"] == "Plain words."


def test_it_exports_only_the_selected_confirmed_signatures(
    staff_client, make_petition, petition, sign
):
    chosen = sign(petition, "chosen@example.org")
    sign(petition, "not-chosen@example.org")
    pending = sign(petition, "pending@example.org", confirm=False)
    elsewhere = sign(make_petition(), "elsewhere@example.org")
    response = _action(staff_client, SIGNATURES, "export_confirmed", chosen, pending, elsewhere)
    rows = _csv_rows(response)
    assert rows[0] == CSV_COLUMNS
    assert set(_by_email(rows)) == {"chosen@example.org", "elsewhere@example.org"}


# --- the petition form ---------------------------------------------------------------


def test_it_shows_the_fields_the_add_form_posts(staff_client, db):
    page = staff_client.get(f"{PETITIONS}add/").content.decode()
    for name in [*_petition_form(), "demands-0-position", "demands-0-text", "targets"]:
        assert f'name="{name}"' in page, name
    # Derived and stamped fields aren't typed in.
    for name in ("signature_count", "published_at", "closed_at"):
        assert f'name="{name}"' not in page, name


def test_it_creates_a_published_searchable_petition(staff_client, category):
    target = Target.objects.create(name="Transport for Borsetshire", kind="body", country="GB")
    before = timezone.now()
    response = staff_client.post(
        f"{PETITIONS}add/",
        _petition_form(
            targets=[target.pk],
            categories=[category.pk],
            demands=[
                {"position": "2", "text": "Publish what it costs."},
                {"position": "1", "text": "Halve fares for apprentices."},
            ],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    petition = Petition.objects.get(slug="lower-bus-fares")
    assert petition.status == Petition.Status.PUBLISHED
    assert petition.published_at >= before
    assert petition.closed_at is None
    assert [d.text for d in petition.demands.order_by("position")] == [
        "Halve fares for apprentices.",
        "Publish what it costs.",
    ]
    # Anyone can find it, by a word of its title, its demands or its target.
    visitor = Client()
    for word in ("apprentices", "costs", "Borsetshire"):
        found = visitor.get("/search/", {"q": word})
        assert found.status_code == 200
        assert [hit.petition.pk for hit in found.context["results"].hits] == [petition.pk], word
    assert visitor.get(petition.get_absolute_url()).status_code == 200


def test_it_keeps_a_draft_from_the_form_out_of_search(staff_client, db):
    response = staff_client.post(f"{PETITIONS}add/", _petition_form(status="draft"))
    assert response.status_code == 302
    petition = Petition.objects.get(slug="lower-bus-fares")
    assert petition.published_at is None
    assert Client().get("/search/", {"q": "apprentices"}).context["results"].total == 0


def test_it_reindexes_a_petition_edited_in_the_form(staff_client, petition):
    form = _petition_form(
        title="Clean the Severn",
        slug=petition.slug,
        demands=_existing_demands(petition),
        targets=[t.pk for t in petition.targets.all()],
    )
    response = staff_client.post(f"{PETITIONS}{petition.pk}/change/", form)
    assert response.status_code == 302
    visitor = Client()
    assert visitor.get("/search/", {"q": "Severn"}).context["results"].total == 1
    assert visitor.get("/search/", {"q": "Thames"}).context["results"].total == 0


def test_it_clears_the_closing_time_when_the_form_reopens_a_petition(staff_client, make_petition):
    closed = make_petition(status=Petition.Status.CLOSED, closed_at=timezone.now())
    form = _petition_form(slug=closed.slug, status="published", demands=_existing_demands(closed))
    response = staff_client.post(f"{PETITIONS}{closed.pk}/change/", form)
    assert response.status_code == 302
    closed.refresh_from_db()
    assert closed.status == Petition.Status.PUBLISHED
    assert closed.closed_at is None


def test_it_refuses_to_close_a_draft_in_the_form(staff_client, make_petition):
    draft = make_petition(status=Petition.Status.DRAFT, published_at=None)
    form = _petition_form(slug=draft.slug, status="closed", demands=_existing_demands(draft))
    response = staff_client.post(f"{PETITIONS}{draft.pk}/change/", form)
    assert response.status_code == 200
    assert "can&#x27;t be closed" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Petition.Status.DRAFT
    # Nor can a petition be born closed, never having been published.
    response = staff_client.post(f"{PETITIONS}add/", _petition_form(status="closed"))
    assert response.status_code == 200
    assert not Petition.objects.filter(slug="lower-bus-fares").exists()


def test_it_closes_a_published_petition_in_the_form(staff_client, petition):
    form = _petition_form(slug=petition.slug, status="closed", demands=_existing_demands(petition))
    response = staff_client.post(f"{PETITIONS}{petition.pk}/change/", form)
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED
    assert petition.closed_at is not None


def test_it_creates_a_category_with_its_slug(staff_client, db):
    response = staff_client.post(
        f"{CATEGORIES}add/", {"name": "Night buses", "slug": "night-buses", "description": ""}
    )
    assert response.status_code == 302
    assert Category.objects.filter(slug="night-buses").exists()


# --- deleting ------------------------------------------------------------------------


def test_it_corrects_the_count_when_signatures_are_deleted_in_bulk(staff_client, petition, sign):
    a = sign(petition, "a@example.org")
    b = sign(petition, "b@example.org")
    sign(petition, "c@example.org")
    petition.refresh_from_db()
    assert petition.signature_count == 3
    response = staff_client.post(
        SIGNATURES,
        {"action": "delete_selected", "_selected_action": [a.pk, b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Signature.objects.filter(pk__in=[a.pk, b.pk]).exists()
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_corrects_the_count_when_one_signature_is_deleted(staff_client, petition, sign):
    a = sign(petition, "a@example.org")
    sign(petition, "b@example.org")
    response = staff_client.post(f"{SIGNATURES}{a.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.signature_count == 1


def test_it_keeps_the_count_when_a_pending_signature_is_deleted(
    staff_client, make_petition, petition, sign
):
    sign(petition, "a@example.org")
    pending = sign(petition, "b@example.org", confirm=False)
    other = make_petition()
    gone = sign(other, "c@example.org")
    staff_client.post(
        SIGNATURES,
        {"action": "delete_selected", "_selected_action": [pending.pk, gone.pk], "post": "yes"},
    )
    petition.refresh_from_db()
    other.refresh_from_db()
    assert (petition.signature_count, other.signature_count) == (1, 0)


def test_it_removes_a_deleted_petition_from_search(staff_client, petition):
    staff_client.post(f"{PETITIONS}{petition.pk}/delete/", {"post": "yes"})
    assert not Petition.objects.exists()
    assert Client().get("/search/", {"q": "Thames"}).context["results"].total == 0


def test_it_removes_bulk_deleted_petitions_from_search(staff_client, make_petition):
    petitions = [make_petition(title=f"Drought plan {n}") for n in range(2)]
    staff_client.post(
        PETITIONS,
        {"action": "delete_selected", "_selected_action": [p.pk for p in petitions], "post": "yes"},
    )
    assert not Petition.objects.exists()
    assert Client().get("/search/", {"q": "drought"}).context["results"].total == 0


def test_it_lists_signatures_newest_first(staff_client, petition, sign):
    old = sign(petition, "old@example.org")
    Signature.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    new = sign(petition, "new@example.org")
    assert _listed(staff_client.get(SIGNATURES)) == [new, old]


# --- translations ----------------------------------------------------------------------


def test_it_adds_a_spanish_version_inline(staff_client, client, db):
    spanish = {
        "language": "es",
        "title": "Bajen las tarifas del autobús para aprendices",
        "goal": "Pedimos a la autoridad de transporte que reduzca a la mitad las tarifas.",
        "narrative": "Los aprendices ganan **poco**.",
        "demands": "Reducir las tarifas a la mitad.\nPublicar los costos.",
    }
    response = staff_client.post(f"{PETITIONS}add/", _petition_form(translations=[spanish]))
    assert response.status_code == 302
    petition = Petition.objects.get(slug="lower-bus-fares")
    assert petition.translations.get().title == spanish["title"]
    html = client.get(f"/es{petition.get_absolute_url()}").content.decode()
    assert "<h1>Bajen las tarifas del autobús para aprendices</h1>" in html
    assert "<li>Publicar los costos.</li>" in html
    # Saved through the admin, so search knows the Spanish words at once.
    hits = search.search("tarifas", Petition.objects.all(), offset=0, limit=5).hits
    assert [hit.petition for hit in hits] == [petition]


def test_a_translation_in_the_original_language_is_refused(staff_client, db):
    english = {"language": "en", "title": "Lower fares", "goal": "Halve the fares."}
    response = staff_client.post(f"{PETITIONS}add/", _petition_form(translations=[english]))
    assert response.status_code == 200
    assert "This is the petition&#x27;s own language" in response.content.decode()
    assert not Petition.objects.exists()


def test_a_petition_has_one_translation_per_language(staff_client, db):
    spanish = {"language": "es", "title": "Tarifas", "goal": "Bajen las tarifas."}
    response = staff_client.post(
        f"{PETITIONS}add/", _petition_form(translations=[spanish, {**spanish, "title": "Otra"}])
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()

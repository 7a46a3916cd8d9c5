"""The search index itself, on whichever database the suite runs on."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from clarion.petitions import search
from clarion.petitions.models import Petition, PetitionTranslation
from clarion.petitions.services import petition_delete, petition_reindex

pytestmark = pytest.mark.django_db


def _found(query: str) -> list[int]:
    page = search.search(query, Petition.objects.all(), offset=0, limit=50)
    return [hit.petition.pk for hit in page.hits]


def test_search_rebuild_brings_back_every_petition(make_petition):
    first = make_petition(title="Restore the wetlands")
    second = make_petition(title="Wetlands need water")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search.TABLE}")  # noqa: S608
    assert _found("wetlands") == []
    out = io.StringIO()
    call_command("search_rebuild", stdout=out)
    assert "Indexed 2 petitions." in out.getvalue()
    assert sorted(_found("wetlands")) == sorted([first.pk, second.pk])


def test_a_deleted_petition_leaves_the_index(make_petition):
    petition = make_petition(title="Save the orchard")
    petition_delete(petition)
    assert _found("orchard") == []
    with connection.cursor() as cursor:
        # Nothing of its words is left (PostgreSQL keeps the emptied row, stamped, for the
        # local copies of the index to learn of the deletion: clarion.petitions.replica).
        cursor.execute(f"SELECT count(*) FROM {search.TABLE} WHERE title <> ''")  # noqa: S608
        assert cursor.fetchone()[0] == 0


def test_a_petition_deleted_behind_the_index_is_never_a_hit(make_petition):
    # Bulk deletes in the admin skip petition_delete; the search still joins on the
    # petitions that exist, so the stale row finds nothing and counts for nothing.
    kept = make_petition(title="Orchard grants")
    Petition.objects.filter(pk=make_petition(title="Orchard taxes").pk).delete()
    page = search.search("orchard", Petition.objects.all(), offset=0, limit=10)
    assert [hit.petition.pk for hit in page.hits] == [kept.pk]
    assert page.total == 1


def test_snippet_markers_typed_into_a_petition_are_not_highlights(make_petition):
    make_petition(title="Stop \x02the\x03 flood", narrative="Rivers rise.")
    [hit] = search.search("flood", Petition.objects.all(), offset=0, limit=10).hits
    assert hit.snippet.count("<mark>") == 1
    assert "<mark>flood</mark>" in hit.snippet


def test_every_word_must_match(make_petition):
    both = make_petition(title="Trees for schools")
    make_petition(title="Trees for parks")
    assert _found("trees schools") == [both.pk]
    assert _found("tre scho") == [both.pk]


def _public_hits(word: str) -> list[str]:
    from clarion.petitions import selectors

    page = search.search(word, selectors.public_petitions(), offset=0, limit=10, public=True)
    return [hit.petition.slug for hit in page.hits]


def test_a_public_search_finds_a_petition_once_it_is_published(make_petition):
    from clarion.petitions.services import petition_publish

    draft = make_petition(title="Lamps for the towpath", status=Petition.Status.DRAFT)
    make_petition(title="Lamps for the market", slug="lamps-market")
    assert _public_hits("lamps") == ["lamps-market"]
    petition_publish(draft)
    assert sorted(_public_hits("lamps")) == sorted(["lamps-market", draft.slug])


def test_a_public_search_and_a_scoped_search_agree(make_petition, category):
    from clarion.petitions import selectors

    make_petition(title="Ferry timetable cut", categories=[category])
    make_petition(title="Ferry fares doubled")
    make_petition(title="Ferry crew draft", status=Petition.Status.DRAFT)
    scoped = search.search("ferry", selectors.public_petitions(), offset=0, limit=10)
    assert sorted(_public_hits("ferry")) == sorted(hit.petition.slug for hit in scoped.hits)
    assert len(scoped.hits) == 2


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(
    make_petition, client, monkeypatch
):
    from clarion.petitions import selectors

    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    made = [make_petition(title=f"Harbour wall repair number {n}") for n in range(5)]
    page = search.search("harbour", selectors.public_petitions(), offset=0, limit=10, public=True)
    assert page.capped and page.total == 3
    assert {hit.petition.pk for hit in page.hits} == {p.pk for p in made[-3:]}
    html = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "More than 3 petitions match" in html
    assert "Add words to narrow the search" in html


def _translate(petition: Petition, **fields) -> None:
    PetitionTranslation.objects.create(petition=petition, language="es", **fields)
    petition_reindex(petition)


def test_it_finds_a_petition_by_either_language(make_petition):
    petition = make_petition(title="Clean water for Oaxaca", slug="clean-water-oaxaca")
    _translate(
        petition,
        title="Agua limpia para Oaxaca",
        goal="Pedimos a la Comisión del Agua que repare la red.",
        demands="Reparar las tuberías de la sierra.",
    )
    make_petition(title="Protect the moorland", slug="moorland")
    for query in ("limpia", "comisión", "tuberías", "clean water", "agua oaxaca"):
        hits = search.search(query, Petition.objects.all(), offset=0, limit=10, public=True).hits
        assert [hit.petition.pk for hit in hits] == [petition.pk], query


def test_a_deleted_translation_is_no_longer_found(make_petition):
    petition = make_petition(title="Clean water", slug="clean-water")
    _translate(petition, title="Agua potable", goal="Pedimos agua.")
    PetitionTranslation.objects.filter(petition=petition).delete()
    petition_reindex(petition)
    assert not search.search("potable", Petition.objects.all(), offset=0, limit=10).hits


# --- stems, suggestions and one-language snippets (both databases) -------------------------


def _page(query: str) -> search.SearchPage:
    return search.search(query, Petition.objects.all(), offset=0, limit=50)


def test_renters_finds_the_rent_petitions(make_petition):
    freeze = make_petition(title="Freeze rents for a year", goal="A fair rent law.")
    control = make_petition(title="Rent control now", goal="Cap the rises.")
    make_petition(title="Library hours")
    page = _page("renters")
    assert sorted(hit.petition.pk for hit in page.hits) == sorted([freeze.pk, control.pk])
    assert page.relaxed == "rent"
    assert all("<mark>rent" in str(hit.snippet).lower() for hit in page.hits)
    # Plural and Spanish endings alike, each word searched as a prefix.
    assert [h.petition.pk for h in _page("controls").hits] == [control.pk]
    ciudades = make_petition(title="Agua para la ciudad", language="es")
    assert [h.petition.pk for h in _page("ciudades").hits] == [ciudades.pk]


def test_a_word_found_as_typed_is_not_stemmed(make_petition):
    make_petition(title="Freeze rents for a year")
    union = make_petition(title="A union for renters")
    page = _page("renters")
    assert [hit.petition.pk for hit in page.hits] == [union.pk]
    assert page.relaxed == ""


def test_stems_keep_short_words_whole():
    assert search.stem("renters") == "rent"
    assert search.stem("libraries") == "library"
    assert search.stem("ciudades") == "ciudad"
    assert search.stem("buses") == "bus"
    assert search.stem("water") == "water"  # "wat" would be too short to mean anything
    assert search.stem("bus") == "bus"
    assert search.stemmed_query("rent law") == ""


def test_a_misspelt_word_gets_the_likely_one(make_petition):
    make_petition(title="Freeze rents for a year", goal="A fair rent law.")
    make_petition(title="Rents up again", goal="Cap the rents.")
    make_petition(title="Agua para Valparaíso", language="es")
    assert _page("rnets").hits == []
    assert search.suggest("rnets") == "rents"
    assert search.suggest("freeze rnets") == "freeze rents"
    assert search.suggest("valparaiso agau") == "valparaiso agua"
    assert search.suggest("rents") == ""  # nothing better to offer
    assert search.suggest("qzxwv") == ""


def test_a_suggestion_never_reveals_a_draft(make_petition):
    make_petition(title="Zeppelin mooring tower", status=Petition.Status.DRAFT, published_at=None)
    assert search.suggest("zepelin") == ""


def test_a_snippet_is_in_the_page_language_only(make_petition):
    from django.utils import translation

    petition = make_petition(title="Clean water for Oaxaca", goal="Fix the pipes.")
    _translate(petition, title="Agua limpia para Oaxaca", goal="Reparar las tuberías.")
    with translation.override("en"):
        [hit] = _page("oaxaca").hits
        assert str(hit.snippet) == "Clean water for <mark>Oaxaca</mark>"
    with translation.override("es"):
        [hit] = _page("oaxaca").hits
        assert str(hit.snippet) == "Agua limpia para <mark>Oaxaca</mark>"
        [later] = _page("oaxaca").hits
    # A snippet is cut when first read, but always in the language of its search.
    assert str(later.snippet) == "Agua limpia para <mark>Oaxaca</mark>"
    # Found by its Spanish words, shown on an English page: the English words, unmarked.
    with translation.override("en"):
        [hit] = _page("limpia").hits
        assert str(hit.snippet) == "Fix the pipes."


def test_a_long_text_gets_a_window_around_the_match_with_ellipses(make_petition):
    words = " ".join(f"word{n}" for n in range(80))
    make_petition(title="Library hours", narrative=f"{words} extend the opening hours {words}")
    [hit] = _page("opening").hits
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert "<mark>opening</mark>" in hit.snippet
    assert len(hit.snippet.split()) <= search.SNIPPET_WORDS + 2
    [short] = _page("library").hits
    assert str(short.snippet) == "<mark>Library</mark> hours"


@pytest.mark.django_db(transaction=True)
def test_the_longer_prefixes_migration_keeps_every_petition_findable(make_petition):
    """Migration 0021 makes the SQLite index again (with prefix indexes up to ten
    letters) and copies its rows; on PostgreSQL it starts every local copy afresh."""
    petition = make_petition(title="Renationalise the railways")

    def state() -> str:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT generation::text FROM petitions_search_state")
            else:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.TABLE])
            return cursor.fetchone()[0]

    before = state()
    try:
        call_command("migrate", "petitions", "0020", verbosity=0)
        narrowed = state()
        assert _found("renationalis") == [petition.pk]
    finally:
        call_command("migrate", "petitions", verbosity=0)
    widened = state()
    assert _found("renationalis") == [petition.pk]
    assert _found("railway") == [petition.pk]
    assert len({before, narrowed, widened}) == (3 if connection.vendor == "postgresql" else 2)
    if connection.vendor == "sqlite":
        assert "prefix = '2 3 4 5 6'" in narrowed
        assert widened == before
        assert "prefix = '2 3 4 5 6 7 8 9 10'" in widened

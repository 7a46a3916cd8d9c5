from __future__ import annotations

import pytest

from clarion.petitions import search
from clarion.petitions.models import Petition
from tests.conftest import require

pytestmark = pytest.mark.django_db


def test_it_ranks_title_matches_first_and_highlights(client, make_petition):
    body_only = make_petition(title="Open the pools", narrative="Because of the drought, again.")
    in_title = make_petition(title="Drought relief for farmers")
    response = client.get("/search/", {"q": "drought"})
    assert response.status_code == 200
    hits = [hit.petition.pk for hit in response.context["results"].hits]
    assert hits == [in_title.pk, body_only.pk]
    assert "<mark>Drought</mark>" in response.content.decode()
    assert "2 petitions match" in response.content.decode()


def test_it_matches_prefixes_and_ignores_accents(client, make_petition):
    petition = make_petition(title="Protección del río", narrative="Agua limpia para todos.")
    for query in ("protec", "AGUA", "rio"):
        if query == "rio" and not search.ignores_accents():
            require("CLARION_REQUIRE_POSTGRES", "this PostgreSQL has no unaccent extension")
        hits = client.get("/search/", {"q": query}).context["results"].hits
        assert [h.petition.pk for h in hits] == [petition.pk], query


def test_it_never_shows_drafts(client, make_petition):
    make_petition(title="Hidden drought plan", status=Petition.Status.DRAFT, published_at=None)
    response = client.get("/search/", {"q": "drought"})
    assert response.context["results"].total == 0


def test_it_survives_query_syntax_and_injection(client, make_petition):
    make_petition(title="Safe streets")
    for query in (
        '"',
        "AND OR NOT",
        "safe*) OR (",
        "'; DROP TABLE petitions_petition; --",
        "NEAR(a b)",
        "title:x",
        "<script>alert(1)</script>",
    ):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get("/search/", {"q": "safe"}).context["results"].total == 1


def test_it_escapes_matched_text(client, make_petition):
    make_petition(title="Stop <b>pollution</b> now")
    body = client.get("/search/", {"q": "pollution"}).content.decode()
    assert "&lt;b&gt;<mark>pollution</mark>&lt;/b&gt;" in body


def test_it_paginates(client, make_petition):
    for n in range(23):
        make_petition(title=f"Water meter {n}")
    first = client.get("/search/", {"q": "water"})
    assert first.context["results"].total == 23
    assert len(first.context["results"].hits) == 10
    assert "Page 1 of 3" in first.content.decode()
    third = client.get("/search/", {"q": "water", "page": 3})
    assert len(third.context["results"].hits) == 3
    assert 'start="21"' in third.content.decode()


def test_it_rejects_a_bad_page_or_an_overlong_query(client, db):
    assert client.get("/search/", {"q": "x", "page": "zero"}).status_code == 400
    assert client.get("/search/", {"q": "x", "page": "0"}).status_code == 400
    assert client.get("/search/", {"q": "x" * 201}).status_code == 400


def test_an_empty_query_shows_the_form(client, db):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_it_reindexes_when_the_words_change(client, make_petition):
    from clarion.petitions.services import petition_reindex

    petition = make_petition(title="Plant trees")
    petition.title = "Plant hedges"
    petition.save()
    petition_reindex(petition)
    assert client.get("/search/", {"q": "trees"}).context["results"].total == 0
    assert client.get("/search/", {"q": "hedges"}).context["results"].total == 1


def test_an_empty_search_suggests_categories_and_what_people_sign(
    client, make_petition, category, sign
):
    signed = make_petition(title="Shade for bus stops", categories=[category])
    sign(signed, "a@example.org")
    body = client.get("/search/").content.decode()
    assert "Browse by category" in body
    assert f'href="{category.get_absolute_url()}"' in body
    assert "People are signing" in body and "Shade for bus stops" in body
    # Only categories that hold a public petition are offered.
    assert "/categories/health/" not in body


def test_a_search_that_finds_nothing_offers_the_likely_word_and_ways_on(
    client, make_petition, category
):
    make_petition(title="Freeze rents for a year", categories=[category])
    response = client.get("/search/", {"q": "rnets"})
    body = response.content.decode()
    assert response.context["results"].total == 0
    assert 'Did you mean <a href="?q=rents">rents</a>?' in body
    assert "Browse by category" in body and "People are signing" in body
    # Results, when there are some, are not pushed down by suggestions.
    found = client.get("/search/", {"q": "rents"}).content.decode()
    assert "Did you mean" not in found and "Browse by category" not in found


def test_renters_finds_the_rent_petitions_and_says_how(client, make_petition):
    rents = make_petition(title="Freeze rents for a year")
    response = client.get("/search/", {"q": "renters"})
    assert [hit.petition.pk for hit in response.context["results"].hits] == [rents.pk]
    assert "No petition has “renters” as written; 1 petition matches “rent”." in (
        response.content.decode()
    )


def test_the_spanish_search_page_shows_spanish_snippets(client, make_petition):
    from clarion.petitions.models import PetitionTranslation

    petition = make_petition(title="Clean water for Oaxaca", slug="agua")
    PetitionTranslation.objects.create(
        petition=petition, language="es", title="Agua limpia para Oaxaca", goal="Reparar la red."
    )
    from clarion.petitions.services import petition_reindex

    petition_reindex(petition)
    spanish = client.get("/es/search/", {"q": "oaxaca"}).content.decode()
    assert "Agua limpia para <mark>Oaxaca</mark>" in spanish
    assert "Clean water" not in spanish
    english = client.get("/search/", {"q": "oaxaca"}).content.decode()
    assert "Clean water for <mark>Oaxaca</mark>" in english
    assert "Agua limpia" not in english


def test_each_result_reads_as_the_petition_itself_in_the_page_language(make_petition):
    """The results page reads plain rows (selectors.search_results), not model instances
    with their relations: the words, demands, names and link must come out the same."""
    from django.db.models import Prefetch
    from django.utils import translation

    from clarion.petitions import selectors
    from clarion.petitions.models import Demand, PetitionTranslation
    from clarion.taxonomy.models import Category, Target

    ministry = Target.objects.create(name="Ministry of Health", name_es="Ministerio de Salud")
    council = Target.objects.create(name="City council")  # no Spanish name: the original's
    clinics = Category.objects.create(name="Clinics", slug="clinics", name_es="Clínicas")
    translated = make_petition(
        title="Reopen the clinic",
        targets=[ministry, council],
        categories=[clinics],
        demands=["Hire nurses.", "Open at night."],
        related_headline="Clinic shut after cuts",
        related_outlet="The Courier",
    )
    PetitionTranslation.objects.create(
        petition=translated,
        language="es",
        title="Reabran la clínica",
        goal="Que vuelva a abrir.",
        narrative="La **clínica** cerró.",
        demands="Contraten enfermeras.\n\nAbran de noche.",
    )
    spanish_original = make_petition(title="Agua para el barrio", language="es", targets=[])
    draft = make_petition(title="Not yet", status=Petition.Status.DRAFT, published_at=None)
    ids = [translated.pk, spanish_original.pk, draft.pk]
    for language in ("en", "es"):
        with translation.override(language):
            read = selectors.search_results(ids)
            models = (
                selectors.with_card_data(selectors.public_petitions())
                .prefetch_related(Prefetch("demands", queryset=Demand.objects.order_by("position")))
                .in_bulk(ids)
            )
            assert set(read) == {translated.pk, spanish_original.pk}, language
            for pk, result in read.items():
                petition = models[pk]
                assert result.shown.title == petition.shown.title
                assert result.shown.goal == petition.shown.goal
                assert result.shown.narrative == petition.shown.narrative
                assert result.shown.demands == petition.shown.demands
                assert search._snippet_fields(result) == search._snippet_fields(petition)
                assert result.get_absolute_url() == petition.get_absolute_url()
                assert (result.status, result.signature_count) == (
                    petition.status,
                    petition.signature_count,
                )
    with translation.override("es"):
        result = selectors.search_results([translated.pk])[translated.pk]
    assert result.shown.title == "Reabran la clínica"
    assert result.shown.demands == ["Contraten enfermeras.", "Abran de noche."]
    assert result.names == (
        "City council",
        "Ministerio de Salud",
        "Clínicas",
        "Clinic shut after cuts",
        "The Courier",
    )


def test_a_match_in_the_names_is_quoted_in_the_page_language(client, make_petition):
    from clarion.taxonomy.models import Target

    target = Target.objects.create(name="Harbour authority", name_es="Autoridad portuaria")
    make_petition(title="Dredge the channel", targets=[target])
    english = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "<mark>Harbour</mark> authority" in english
    spanish = client.get("/es/search/", {"q": "portuaria"}).content.decode()
    assert "Autoridad <mark>portuaria</mark>" in spanish

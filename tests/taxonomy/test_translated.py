"""Categories, targets and letters' addressees in Spanish on the Spanish site.

Each carries optional Spanish columns (name_es, description_es, title_es), edited in
admin beside the original; /es/ pages and PDFs show them, English pages the original,
and a label without a Spanish version falls back to the original.
"""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from clarion.taxonomy.models import Category, Target
from clarion.taxonomy.translated import in_language, translations

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing(db) -> Category:
    category, _created = Category.objects.update_or_create(
        slug="housing",
        defaults={
            "name": "Housing",
            "description": "Rents, homes and the people who live in them.",
            "name_es": "Vivienda",
            "description_es": "Alquileres, hogares y quienes viven en ellos.",
        },
    )
    return category


@pytest.fixture
def ministry(db) -> Target:
    return Target.objects.create(
        name="Ministry of Housing", name_es="Ministerio de Vivienda", country="ES"
    )


@pytest.fixture
def rents(make_petition, housing, ministry):
    return make_petition(title="Freeze rents", categories=[housing], targets=[ministry])


def _pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_a_label_in_the_active_language_falls_back_to_the_original(housing):
    plain = Category(name="Water", slug="water")
    with translation.override("es"):
        assert (housing.shown_name, housing.shown_description) == (
            "Vivienda",
            "Alquileres, hogares y quienes viven en ellos.",
        )
        assert plain.shown_name == "Water"
    with translation.override("en"):
        assert housing.shown_name == "Housing"
    assert in_language(housing, "name", "es-mx") == "Vivienda"
    assert in_language(housing, "name", "fr") == "Housing"  # no French column: the original
    assert translations(plain, "name", "description") == []


def test_the_spanish_petition_page_and_pdf_name_category_and_target_in_spanish(client, rents):
    spanish = client.get(f"/es{rents.get_absolute_url()}").content.decode()
    assert "Ministerio de Vivienda" in spanish and ">Vivienda</a>" in spanish
    assert "Ministry of Housing" not in spanish and ">Housing</a>" not in spanish
    english = client.get(rents.get_absolute_url()).content.decode()
    assert "Ministry of Housing" in english and ">Housing</a>" in english
    assert "Ministerio de Vivienda" not in english

    pdf = _pdf_text(client.get(f"/es/p/{rents.slug}.pdf"))
    assert "Ministerio de Vivienda" in pdf and "Ministry of Housing" not in pdf
    assert "Ministry of Housing" in _pdf_text(client.get(f"/p/{rents.slug}.pdf"))

    home = client.get("/es/").content.decode()
    assert "Ministerio de Vivienda" in home and "Ministry of Housing" not in home


def test_the_spanish_category_pages_are_in_spanish(client, rents, housing):
    index = client.get("/es/categories/").content.decode()
    assert ">Vivienda</a>" in index and "Alquileres, hogares" in index
    assert ">Housing</a>" not in index
    page = client.get(f"/es{housing.get_absolute_url()}").content.decode()
    assert "<h1>Vivienda</h1>" in page and "Alquileres, hogares" in page
    assert "<title>Vivienda" in page
    assert "<h1>Housing</h1>" in client.get(housing.get_absolute_url()).content.decode()


def test_a_letter_names_its_addressees_in_the_language_of_the_version_shown(client, make_letter):
    letter = make_letter(
        addressees=[
            {
                "title": "Minister of Water",
                "title_es": "Ministra del Agua",
                "name": "Rosa Quintero",
                "country": "MX",
            },
            {"title": "Secretary of the Interior", "name": "", "country": "US"},
        ]
    )
    spanish = client.get(f"/es{letter.get_absolute_url()}").content.decode()
    assert "Ministra del Agua" in spanish and "Minister of Water" not in spanish
    # Not translated: the original, rather than nothing.
    assert "Secretary of the Interior" in spanish
    # The version follows ?lang=, and the addressees with it.
    english_text = client.get(f"/es{letter.get_absolute_url()}?lang=en").content.decode()
    assert "Minister of Water" in english_text
    assert (
        "Ministra del Agua" in client.get(f"{letter.get_absolute_url()}?lang=es").content.decode()
    )
    pdf = _pdf_text(client.get(f"/es/letters/{letter.slug}.pdf"))
    assert "Ministra del Agua" in pdf
    cards = client.get("/es/letters/").content.decode()
    assert "Ministra del Agua Rosa Quintero" in cards


def test_moderators_edit_the_spanish_versions_in_admin(client, moderator, housing, make_letter):
    client.force_login(moderator)
    category = client.get(f"/admin/taxonomy/category/{housing.pk}/change/").content.decode()
    assert 'name="name_es"' in category and 'name="description_es"' in category
    assert 'name="name_es"' in client.get("/admin/taxonomy/target/add/").content.decode()
    letter = make_letter()
    page = client.get(f"/admin/letters/letter/{letter.pk}/change/").content.decode()
    assert 'name="addressees-0-title_es"' in page


def test_the_api_gives_each_label_with_its_spanish_version(client, rents, housing, make_letter):
    [category] = [
        c for c in client.get("/api/v1/categories").json()["results"] if c["slug"] == "housing"
    ]
    assert category["name"] == "Housing"
    assert category["translations"] == [
        {
            "language": "es",
            "name": "Vivienda",
            "description": "Alquileres, hogares y quienes viven en ellos.",
        }
    ]
    petition = client.get(f"/api/v1/petitions/{rents.slug}").json()
    assert petition["targets"][0]["translations"] == [
        {"language": "es", "name": "Ministerio de Vivienda"}
    ]
    letter = make_letter(
        addressees=[{"title": "Minister of Water", "title_es": "Ministra del Agua", "name": "R"}]
    )
    data = client.get(f"/api/v1/letters/{letter.slug}").json()
    assert data["addressees"][0]["translations"] == [
        {"language": "es", "title": "Ministra del Agua"}
    ]


def test_the_default_categories_come_with_spanish_names(db):
    # Filled by migration 0003 for the categories the news desk's migration made.
    names = dict(
        Category.objects.filter(slug__in=["water", "justice"]).values_list("slug", "name_es")
    )
    assert names == {"water": "Agua y saneamiento", "justice": "Justicia y policía"}
    assert not Category.objects.filter(name_es="").exclude(slug__startswith="test").exists()


def test_a_renamed_target_makes_a_new_pdf(client, rents, ministry):
    assert "Ministerio de Vivienda" in _pdf_text(client.get(f"/es/p/{rents.slug}.pdf"))
    Target.objects.filter(pk=ministry.pk).update(name_es="Consejería de Vivienda")
    assert "Consejería de Vivienda" in _pdf_text(client.get(f"/es/p/{rents.slug}.pdf"))

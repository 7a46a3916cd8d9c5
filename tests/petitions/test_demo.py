from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from clarion.news.models import Article, Story
from clarion.petitions.models import Petition, Signature
from clarion.petitions.selectors import trending

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "clarion/petitions/demo/petitions.json"


def test_demo_fills_every_page_with_something(client):
    call_command("demo")
    data = json.loads(CONTENT.read_text())
    written = Petition.objects.exclude(drafter="offline")
    assert written.count() == len(data["petitions"]) >= 10
    assert Petition.objects.filter(status="published").count() >= 8
    assert Petition.objects.filter(status="closed").exists()
    # Counts equal the confirmed signatures they summarise.
    for petition in Petition.objects.all():
        confirmed = Signature.objects.filter(petition=petition, confirmed_at__isnull=False).count()
        assert petition.signature_count == confirmed
    assert trending(), "the last-24-hours list is empty"
    assert len({c for p in Petition.objects.all() for c in p.countries}) >= 8
    home = client.get("/").content.decode()
    assert home.count('class="card"') >= 10
    assert client.get("/search/", {"q": "water"}).context["results"].total >= 1
    assert client.get("/categories/housing/").context["page"].object_list


def test_demo_news_shows_articles_stories_and_drafts(client):
    call_command("demo")
    assert Article.objects.count() >= 10
    covered = Story.objects.filter(outlet_count__gte=2)
    assert covered.count() >= 3, "coverage from several outlets joins one story"
    assert (
        Petition.objects.filter(drafter="offline", status="draft").count() == Story.objects.count()
    )
    story = covered.first()
    page = client.get(story.get_absolute_url()).content.decode()
    assert all(a.headline in page for a in story.articles.all())
    assert client.get("/news/").status_code == 200
    assert client.get(story.articles.first().get_absolute_url()).status_code == 200


def test_demo_loads_once(client):
    call_command("demo")
    before = Signature.objects.count()
    call_command("demo", if_empty=True)
    call_command("demo")
    assert Signature.objects.count() == before


def test_demo_text_is_never_cut_mid_sentence():
    data = json.loads(CONTENT.read_text())
    for petition in data["petitions"]:
        assert petition["goal"].rstrip().endswith("."), petition["slug"]
        for demand in petition["demands"]:
            assert demand.rstrip().endswith("."), demand


def test_demo_petitions_read_in_both_languages(client):
    call_command("demo")
    translated = Petition.objects.filter(translations__isnull=False).distinct()
    assert translated.count() >= 2
    assert {p.language for p in translated} == {"en", "es"}  # each way round
    heat = Petition.objects.get(slug="shade-and-water-for-outdoor-workers")
    spanish = client.get(f"/es{heat.get_absolute_url()}").content.decode()
    assert "Sombra, agua y descansos garantizados" in spanish
    missing = Petition.objects.get(slug="busqueda-de-personas-desaparecidas")
    english = client.get(missing.get_absolute_url()).content.decode()
    assert "An immediate search unit in every state prosecutor" in english
    # Found by the words of either version.
    assert client.get("/search/", {"q": "garrafón"}).context["results"].total == 1


def test_demo_translations_are_whole():
    data = json.loads(CONTENT.read_text())
    for petition in data["petitions"]:
        for translation in petition.get("translations", []):
            assert translation["language"] != petition["language"], petition["slug"]
            assert len(translation["demands"]) == len(petition["demands"]), petition["slug"]
            assert translation["goal"].rstrip().endswith("."), petition["slug"]


def test_the_demo_reads_in_spanish_on_the_spanish_site(client):
    call_command("demo")
    heat = Petition.objects.get(slug="shade-and-water-for-outdoor-workers")
    spanish = client.get(f"/es{heat.get_absolute_url()}").content.decode()
    # Targets and categories too, not only the petition's own words.
    assert "Departamento de Trabajo de EE. UU." in spanish
    assert "U.S. Department of Labor" not in spanish
    english = client.get(heat.get_absolute_url()).content.decode()
    assert "U.S. Department of Labor" in english
    data = json.loads(CONTENT.read_text())
    assert all(c["name_es"] and c["description_es"] for c in data["categories"])
    # Every English target name has a Spanish one (names already in Spanish need none).
    for petition in data["petitions"]:
        for target in petition["targets"]:
            if petition["language"] == "en" and target["country"] not in ("ES", "MX"):
                assert target.get("name_es"), target["name"]

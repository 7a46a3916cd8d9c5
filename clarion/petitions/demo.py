"""The demo petitions, categories and signatures (written for Clarion; safe to show).

``clarion demo`` (clarion/demo) loads them with the demo letters and news."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from clarion.core.http import hash_ip
from clarion.petitions import search
from clarion.petitions.counts import refresh_counts
from clarion.petitions.models import Demand, Petition, PetitionTranslation, Signature
from clarion.taxonomy.models import Category, Target

CONTENT = Path(__file__).resolve().parent / "demo" / "petitions.json"


def load_demo_petitions(seed: int = 2026) -> tuple[int, int]:
    """Load the demo petitions: (petitions created, signatures). Raises OSError or
    ValueError when the bundled content can't be read."""
    content = json.loads(CONTENT.read_text(encoding="utf-8"))
    return load(content, random.Random(seed))


@transaction.atomic
def load(content: dict, rng: random.Random) -> tuple[int, int]:
    now = timezone.now()
    categories = {}
    for item in content["categories"]:
        fields = ("name", "description", "name_es", "description_es")
        categories[item["slug"]], _ = Category.objects.update_or_create(
            slug=item["slug"], defaults={field: item.get(field, "") for field in fields}
        )
    created = total_signatures = 0
    for item in content["petitions"]:
        if Petition.objects.filter(slug=item["slug"]).exists():
            continue
        petition = _petition(item, categories, now)
        total_signatures += _signatures(petition, item, content, rng, now)
        created += 1
    refresh_counts(list(Petition.objects.values_list("pk", flat=True)))
    search.rebuild_index()
    return created, total_signatures


def _petition(item: dict, categories: dict, now: datetime) -> Petition:
    published_at = now - timedelta(days=item["days_ago"], hours=item["days_ago"] % 5)
    status = item["status"]
    related = item.get("related_article") or {}
    petition = Petition.objects.create(
        title=item["title"],
        slug=item["slug"],
        goal=item["goal"],
        narrative=item["narrative"],
        countries=item["countries"],
        language=item["language"],
        signature_goal=item["signature_goal"],
        status=status,
        created_at=published_at - timedelta(hours=2),
        published_at=None if status == Petition.Status.DRAFT else published_at,
        closed_at=now - timedelta(days=1) if status == Petition.Status.CLOSED else None,
        updated_at=published_at,
        related_headline=related.get("headline", ""),
        related_outlet=related.get("outlet", ""),
        related_url=related.get("url", ""),
        related_published_at=(datetime.fromisoformat(related["published_at"]) if related else None),
        related_time_zone=related.get("tz", ""),
    )
    for position, text in enumerate(item["demands"], start=1):
        Demand.objects.create(petition=petition, position=position, text=text)
    for target in item["targets"]:
        obj, _ = Target.objects.get_or_create(
            name=target["name"], country=target["country"], defaults={"kind": target["kind"]}
        )
        # The Spanish site names the target in Spanish (an existing one keeps its own).
        if target.get("name_es") and not obj.name_es:
            obj.name_es = target["name_es"]
            obj.save(update_fields=["name_es"])
        petition.targets.add(obj)
    petition.categories.set([categories[slug] for slug in item["categories"]])
    # The same petition in another language: visitors at /es/ read the Spanish version,
    # and a signature counts once whichever version it was given on.
    for translation in item.get("translations", []):
        PetitionTranslation.objects.create(
            petition=petition,
            language=translation["language"],
            title=translation["title"],
            goal=translation["goal"],
            narrative=translation["narrative"],
            demands="\n".join(translation["demands"]),
        )
    return petition


def _signatures(
    petition: Petition, item: dict, content: dict, rng: random.Random, now: datetime
) -> int:
    if petition.status == Petition.Status.DRAFT:
        return 0
    countries = item["countries"] or ["GB"]
    first_names, last_names = content["first_names"], content["last_names"]
    start = petition.published_at or now
    span = max(60.0, (now - start).total_seconds())
    comments = content["comments"].get(petition.language) or content["comments"]["en"]
    rows = []
    for n in range(item["signatures"]):
        # Most signers are from the petition's own countries, some from elsewhere.
        country = rng.choice(countries) if rng.random() < 0.8 else rng.choice(list(first_names))
        pool = country if country in first_names else rng.choice(list(first_names))
        first, last = rng.choice(first_names[pool]), rng.choice(last_names[pool])
        # Skew towards recent times so the "last 24 hours" list has something to show.
        confirmed = start + timedelta(seconds=span * (rng.random() ** 0.5))
        if petition.closed_at and confirmed > petition.closed_at:
            confirmed = petition.closed_at - timedelta(minutes=rng.randint(1, 600))
        show = rng.random() < 0.65
        email = f"{first}.{last}.{petition.pk}.{n}@example.org".lower().replace(" ", "")
        rows.append(
            Signature(
                petition=petition,
                full_name=f"{first} {last}",
                email=email,
                email_normalised=email,
                country=country,
                comment=rng.choice(comments) if show and rng.random() < 0.25 else "",
                show_name=show,
                wants_updates=rng.random() < 0.4,
                ip_hash=hash_ip(f"198.51.100.{rng.randint(1, 254)}"),
                created_at=confirmed - timedelta(minutes=rng.randint(1, 90)),
                confirmed_at=confirmed,
                token_hash=f"demo-{petition.pk}-{n}",
                token_expires_at=confirmed,
            )
        )
    Signature.objects.bulk_create(rows, batch_size=500)
    return len(rows)

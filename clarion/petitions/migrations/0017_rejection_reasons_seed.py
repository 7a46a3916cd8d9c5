"""The starting list of reasons moderators reject a started petition with, in English
and Spanish. Operators edit, add and retire reasons in admin (Rejection reasons)."""

from django.db import migrations

REASONS = [
    (
        "duplicate",
        False,
        "Duplicate of another petition",
        "There is already a petition asking for this. Petitions count most when people "
        "sign one together, so please sign and share that one.",
        "Repite otra petición",
        "Ya hay una petición que pide esto. Las peticiones pesan más cuando la gente firma "
        "una sola entre todos, así que firma y comparte esa.",
    ),
    (
        "not-target",
        False,
        "Not something the target can do",
        "It asks for something that those it is addressed to have no power to do. A "
        "petition needs to ask someone who can act on it.",
        "No está en manos de su destinatario",
        "Pide algo que aquellos a quienes se dirige no tienen poder para hacer. Una "
        "petición debe dirigirse a quien puede actuar.",
    ),
    (
        "unclear",
        False,
        "Unclear what it asks",
        "We could not tell what the petition asks for, or of whom.",
        "No queda claro qué pide",
        "No pudimos entender qué pide la petición, ni a quién.",
    ),
    (
        "offensive",
        True,
        "Offensive or abusive content",
        "It contains language that is offensive or abusive, or that attacks people for "
        "who they are. Its text is not shown.",
        "Contenido ofensivo o abusivo",
        "Contiene lenguaje ofensivo o abusivo, o ataca a personas por quiénes son. Su "
        "texto no se muestra.",
    ),
    (
        "personal-data",
        True,
        "Personal data",
        "It names or identifies private individuals, or gives their personal details. "
        "Its text is not shown.",
        "Datos personales",
        "Nombra o identifica a personas particulares, o da sus datos personales. Su texto "
        "no se muestra.",
    ),
    (
        "advertising",
        False,
        "Advertising or spam",
        "It promotes a product, service or business, or is spam.",
        "Publicidad o spam",
        "Promociona un producto, un servicio o un negocio, o es spam.",
    ),
]


def seed(apps, schema_editor):
    Reason = apps.get_model("petitions", "RejectionReason")
    Translation = apps.get_model("petitions", "RejectionReasonTranslation")
    for position, (slug, hides, label, explanation, label_es, explanation_es) in enumerate(
        REASONS, start=1
    ):
        reason, created = Reason.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "explanation": explanation,
                "hides_text": hides,
                "position": position * 10,
            },
        )
        if created:
            Translation.objects.create(
                reason=reason, language="es", label=label_es, explanation=explanation_es
            )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0016_started_petitions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

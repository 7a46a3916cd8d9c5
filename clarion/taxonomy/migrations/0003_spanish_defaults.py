"""Spanish names for the default categories (news/taxonomy.json), so the Spanish site
is Spanish from the first visit. Only empty Spanish columns are filled: a category the
operator already translated, renamed or made keeps what it has."""

from django.db import migrations

SPANISH = {
    "climate": (
        "Clima y medio ambiente",
        "El calor, el aire, la contaminación y los lugares donde vivimos en un mundo que se "
        "calienta.",
    ),
    "water": ("Agua y saneamiento", "Agua potable, sequías, racionamientos, ríos y saneamiento."),
    "health": ("Salud", "Hospitales, clínicas, medicamentos y salud pública."),
    "housing": (
        "Vivienda",
        "Alquileres, desalojos, personas sin hogar y el derecho a una vivienda segura.",
    ),
    "transport": ("Transporte", "Autobuses, trenes, bicicleta y calles seguras."),
    "human-rights": ("Derechos humanos", "Dignidad, justicia y protección para todas las personas."),
    "education": (
        "Educación",
        "Escuelas, universidades, bibliotecas y aprendizaje a cualquier edad.",
    ),
    "labour": ("Trabajo", "Salarios justos, lugares de trabajo seguros y el derecho a organizarse."),
    "digital-rights": (
        "Derechos digitales",
        "Privacidad, protección de datos, software libre y una internet al servicio de las "
        "personas.",
    ),
    "democracy": (
        "Democracia",
        "Transparencia, rendición de cuentas, elecciones y el derecho a participar.",
    ),
    "food": (
        "Alimentación y agricultura",
        "Precios de los alimentos, agricultores, pesca y lo que llega al plato.",
    ),
    "migration": ("Migración", "Personas refugiadas, asilo y los derechos de quienes migran."),
    "justice": ("Justicia y policía", "Tribunales, policía, cárceles e igualdad ante la ley."),
}


def add_spanish(apps, schema_editor):
    Category = apps.get_model("taxonomy", "Category")
    for category in Category.objects.filter(slug__in=SPANISH):
        name, description = SPANISH[category.slug]
        changed = []
        if not category.name_es:
            category.name_es = name
            changed.append("name_es")
        if not category.description_es:
            category.description_es = description
            changed.append("description_es")
        if changed:
            category.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0002_spanish_names"),
        # The default categories are made by the news desk's migration.
        ("news", "0003_default_taxonomy"),
    ]

    operations = [migrations.RunPython(add_spanish, migrations.RunPython.noop)]

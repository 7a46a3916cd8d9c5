"""Countries as petitions, letters and stories store them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q


def any_of(codes: Iterable[str], field: str = "countries") -> Q:
    """Rows whose multiple-country ``field`` holds any of ``codes``.

    CountryField(multiple=True) stores "MX,US": a two-letter code matches one code
    only. No codes match nothing.
    """
    match = Q(pk__in=[])
    for code in codes:
        match |= Q(**{f"{field}__contains": code.upper()})
    return match

"""Values that are valid but unlikely, which an analyst confirms before they are saved or
accepted: a signature after the article reporting it was published, a signature before
1945 (before the first twinnings of decentralised cooperation), an agreement of more than
30 years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pipeline.records import duration_months

EARLIEST_PLAUSIBLE_YEAR = 1945
LONGEST_PLAUSIBLE_YEARS = 30


def plausibility_warnings(document: Mapping[str, Any], published: Iterable[dt.date | None]) -> dict[str, str]:
    """Field -> why its value is unlikely (none when all are plausible)."""
    warnings: dict[str, str] = {}
    signed_on = document.get("signed_on")
    latest = max((day for day in published if day is not None), default=None)
    if signed_on:
        if latest is not None and signed_on > latest.isoformat()[: len(signed_on)]:
            warnings["signed_on"] = (
                f"La date de signature ({signed_on}) est postérieure à la publication de l'article ({latest.isoformat()}) : "
                "l'accord était-il seulement annoncé ?"
            )
        elif int(signed_on[:4]) < EARLIEST_PLAUSIBLE_YEAR:
            warnings["signed_on"] = f"La date de signature ({signed_on}) est antérieure à {EARLIEST_PLAUSIBLE_YEAR}."
    duration = document.get("duration")
    months = duration_months(duration) if duration else None
    if months is not None and months > LONGEST_PLAUSIBLE_YEARS * 12:
        warnings["duration"] = f"La durée ({duration}) dépasse {LONGEST_PLAUSIBLE_YEARS} ans."
    return warnings

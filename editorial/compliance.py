"""Compliance numbers: every publication's own reference, e.g. "IMP-2026-000123".

A reference names one publication for good, for inspectors and for the audit bundle;
the version label is what readers see. The serial is site-wide and increasing (it does
not start again each year: the year is there to read, not to count by), assigned by the
database (`ComplianceNumber.number`, the table's identity column) inside the publish,
under the publishing lock. A publish that rolls back after its insert leaves a gap on
PostgreSQL, whose sequences never hand a number out twice; docs/audit.md says why a gap
is harmless. The pure helpers here also serve the migration that numbered the older
publications and the integrity check.
"""

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

PREFIX = "IMP"
REFERENCE = re.compile(r"\A\s*IMP-(\d{4})-(\d{6,})\s*\Z", re.IGNORECASE)


def compliance_reference(year: int, number: int) -> str:
    """“IMP-2026-000123”: the prefix, the year of publishing, the serial in six digits or more."""
    return f"{PREFIX}-{year:04d}-{number:06d}"


def reference_parts(text: str) -> tuple[int, int] | None:
    """(year, number) of a reference as someone typed it, or None if it is not one."""
    match = REFERENCE.match(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def compliance_year(published_at: datetime.datetime) -> int:
    """The year a publication's reference carries: its publishing year in the site's time zone."""
    return timezone.localtime(published_at).year


def compliance_numbers_write(publications: Sequence[Any]) -> None:
    """Number newly inserted publications: one insert for all of them.

    Called inside the publish, under the publishing lock, so no other publish numbers
    in between; rows go in by publication id, so within one publish the numbers follow
    the ids as across publishes they follow the order of publishing.
    """
    from .models import ComplianceNumber  # models import nothing from here; migrations do

    ComplianceNumber.objects.bulk_create(
        [
            ComplianceNumber(
                publication=publication, year=compliance_year(publication.published_at)
            )
            for publication in sorted(publications, key=lambda publication: publication.pk)
        ]
    )

"""Date rules for what the public reads: they move only when the content justifies it."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def last_revised(
    *,
    new_hash: str,
    base_hash: str | None,
    base_last_revised: datetime.date | None,
    today: datetime.date,
) -> datetime.date:
    """Last Revised moves to today when what the public reads changed, and only then."""
    if base_hash is not None and base_last_revised is not None and new_hash == base_hash:
        return base_last_revised
    return today


def next_review_due(
    *, last_reviewed: datetime.date | None, interval_months: int
) -> datetime.date | None:
    """A full medical review is due an interval after the last one attested.

    A page with no attested review on record has no such date: it is due now, and
    nothing else (an edit, a republish) stands in for the review it never had.
    """
    if last_reviewed is None:
        return None
    return add_months(last_reviewed, interval_months)

"""The order of a record's rows (side effects, sections, links, references) as saved.

Writers order rows by dragging them or with "Move up" / "Move down"; either way the
form sends each row's place in the list it showed, and nobody types a position.
"""

from collections.abc import Hashable, Sequence

from django.db.models import Max, QuerySet


def positions_within_groups(
    rows: Sequence[tuple[Hashable, int | None]],
) -> list[int]:
    """Each row's position, counted from 1 within its group, in the order shown.

    `rows` are (group, place) in the order the form listed them, where place is the
    position the form sent (None for a row it did not number, such as a new one). Rows
    are ordered by place within their group, rows without one last, ties in the listed
    order; rows with a single group (a page's references) are simply numbered 1, 2, 3….
    """
    order = sorted(
        range(len(rows)),
        key=lambda index: (rows[index][1] is None, rows[index][1] or 0, index),
    )
    counts: dict[Hashable, int] = {}
    positions = [0] * len(rows)
    for index in order:
        group = rows[index][0]
        counts[group] = counts.get(group, 0) + 1
        positions[index] = counts[group]
    return positions


def position_after_last(rows: QuerySet) -> int:
    """The position of a row added after `rows` (a drug's group, a page's references)."""
    return (rows.aggregate(last=Max("position"))["last"] or 0) + 1

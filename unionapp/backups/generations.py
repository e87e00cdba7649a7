"""Which backups to keep: generations, like Anki's.

Kept: the newest :data:`KEEP_LAST` of any kind; then, going back in time, the newest backup
of each of the last :data:`KEEP_DAYS` days, of each of the last :data:`KEEP_WEEKS` weeks
(Monday to Sunday) and of each of the last :data:`KEEP_MONTHS` months. Everything else is
deleted, only ever after a new backup has been made and checked. Days are the computer's
local days, as the clerk sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime, timedelta

KEEP_LAST = 10
KEEP_DAYS = 14
KEEP_WEEKS = 8
KEEP_MONTHS = 24


def to_keep(backups: Iterable[tuple[str, datetime]], now: datetime) -> set[str]:
    """The names to keep among ``(name, created_at)`` pairs (aware datetimes)."""
    newest_first = sorted(backups, key=lambda b: b[1], reverse=True)
    keep = {name for name, _at in newest_first[:KEEP_LAST]}
    today = now.astimezone().date()
    monday = today - timedelta(days=today.weekday())
    month = today.year * 12 + today.month - 1
    periods: list[tuple[Callable[[date], Hashable], Callable[[date], bool]]] = [
        (lambda d: d, lambda d: today - timedelta(days=KEEP_DAYS) < d <= today),
        (lambda d: d - timedelta(days=d.weekday()),
         lambda d: monday - timedelta(weeks=KEEP_WEEKS) < d - timedelta(days=d.weekday())
         and d <= today),
        (lambda d: (d.year, d.month),
         lambda d: month - KEEP_MONTHS < d.year * 12 + d.month - 1 and d <= today),
    ]
    for key, recent in periods:
        seen: set[Hashable] = set()
        for name, at in newest_first:
            day = at.astimezone().date()
            if recent(day) and key(day) not in seen:
                seen.add(key(day))
                keep.add(name)
    return keep

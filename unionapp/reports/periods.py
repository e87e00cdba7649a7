"""Which days a report covers: what a clerk leaves out is filled in from the reporting rules.

- No end: today, or for the statistics form the last reporting date (31/5, 30/11 or 31/12).
- No start: the start of the reporting period ending on that day (1 December of the year
  before for 31/5 and 30/11, 1 January for 31/12), else 1 January of the end's year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import UserError
from ..i18n import _
from ..text import format_date
from .definitions import Definition, Period, common

EARLIEST = date(1900, 1, 1)


def reporting_dates(year: int) -> list[date]:
    """The days of ``year`` on which a reporting period ends, in order."""
    return sorted({rule.ending_in(year).end for rule in common().periods})


def last_reporting_date(today: date) -> date:
    """The most recent reporting date on or before ``today``."""
    days = [d for y in (today.year - 1, today.year) for d in reporting_dates(y) if d <= today]
    return max(days)


def start_for(end: date) -> date:
    rule = next((r for r in common().periods if r.ends_on(end)), None)
    return rule.ending_in(end.year).start if rule else date(end.year, 1, 1)


def resolve_period(definition: Definition, start: date | None, end: date | None,
                   today: date | None = None) -> Period:
    today = today or date.today()
    if end is None:
        end = today if definition.default_to == "today" else last_reporting_date(today)
    if start is None:
        start = start_for(end)
    if start > end:
        raise UserError(_("The period starts ({start}) after it ends ({end}).").format(
            start=format_date(start), end=format_date(end)))
    if start < EARLIEST:
        raise UserError(_("The period can't start before {date}.").format(
            date=format_date(EARLIEST)))
    return Period(start, end)


@dataclass(frozen=True)
class Preset:
    """A period offered in a list: "Báo cáo 6 tháng 2025 (01/12/2024 – 31/05/2025)"."""

    title: str
    period: Period

    @property
    def label(self) -> str:
        return (f"{self.title} ({format_date(self.period.start)} – "
                f"{format_date(self.period.end)})")


def presets(today: date | None = None) -> list[Preset]:
    """The reporting periods of this year and the last that have begun, newest end first,
    then the year so far."""
    today = today or date.today()
    found = []
    for year in (today.year, today.year - 1):
        for rule in common().periods:
            period = rule.ending_in(year)
            if period.start <= today:
                found.append(Preset(f"{rule.title} {year}", period))
    found.sort(key=lambda p: p.period.end, reverse=True)
    found.append(Preset(_("This year so far"), Period(date(today.year, 1, 1), today)))
    return found

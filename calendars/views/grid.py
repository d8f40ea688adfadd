"""Periods of the agenda pages: the month grid, the week, the list of coming days."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from calendars.services.events import Occurrence, occurrences_by_day

LIST_DAYS = 30


@dataclass(frozen=True)
class Day:
    day: date
    in_period: bool
    is_today: bool
    occurrences: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    """The days a page shows: [first, end) and where the arrows lead."""

    kind: str  # "month", "week" or "list"
    anchor: date
    first: date
    end: date
    previous: date
    next: date

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


def parse_day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


def month_period(anchor: date) -> Period:
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
    month_start = anchor.replace(day=1)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    following = (month_start + timedelta(days=32)).replace(day=1)
    return Period(
        "month", month_start, weeks[0][0], weeks[-1][-1] + timedelta(days=1), previous, following
    )


def week_period(anchor: date) -> Period:
    monday = anchor - timedelta(days=anchor.weekday())
    return Period(
        "week",
        monday,
        monday,
        monday + timedelta(days=7),
        monday - timedelta(days=7),
        monday + timedelta(days=7),
    )


def list_period(anchor: date) -> Period:
    return Period(
        "list",
        anchor,
        anchor,
        anchor + timedelta(days=LIST_DAYS),
        anchor - timedelta(days=LIST_DAYS),
        anchor + timedelta(days=LIST_DAYS),
    )


def days_of(
    period: Period, occurrences: list[Occurrence], today: date, *, only_busy: bool = False
) -> list[Day]:
    last = period.end - timedelta(days=1)
    by_day = occurrences_by_day(occurrences, period.first, last)
    days = []
    day = period.first
    while day < period.end:
        in_period = period.kind != "month" or day.month == period.anchor.month
        if not only_busy or by_day.get(day):
            days.append(Day(day, in_period, day == today, by_day.get(day, [])))
        day += timedelta(days=1)
    return days


def weeks_of(days: list[Day]) -> list[list[Day]]:
    return [days[i : i + 7] for i in range(0, len(days), 7)]

"""The working-day calendar that case deadlines are counted on."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAY = "holiday"
WORKDAY = "workday"
DAY_KINDS = (HOLIDAY, WORKDAY)


class Calendar:
    """Chinese working days: the package's data where it has it, weekends plus a list elsewhere."""

    def __init__(self, overrides=None):
        self.overrides = dict(overrides or {})
        for day, kind in self.overrides.items():
            if kind not in DAY_KINDS:
                raise ValueError(f"{day}: kind must be one of {DAY_KINDS}, not {kind!r}")
        self._known_years = {}

    def knows(self, year):
        """Whether the holiday package has data for `year`."""
        if year not in self._known_years:
            # Probe rather than hard-code the range, so a package upgrade extends it by itself.
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except NotImplementedError:
                self._known_years[year] = False
            else:
                self._known_years[year] = True
        return self._known_years[year]

    def is_working_day(self, day):
        """Whether the date `day` is a working day in mainland China."""
        if self.knows(day.year):
            # The official schedule wins; the admin list is only for years it does not cover.
            return chinese_calendar.is_workday(day)
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        return day.weekday() < 5

    def add_working_days(self, start, days):
        """The end (Shanghai) of the `days`-th working day after `start`'s date, in UTC."""
        if days < 1:
            raise ValueError("a deadline needs at least one working day")
        day = _local_date(start)
        counted = 0
        # The start day never counts: a case dispatched at 17:59 must not lose a day.
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, time.max, tzinfo=SHANGHAI).astimezone(timezone.utc)

    def add_hours(self, start, hours):
        """`start` plus `hours` clock hours, holidays included, in UTC."""
        if hours <= 0:
            raise ValueError("a deadline needs a positive number of hours")
        # Adding in UTC keeps it elapsed time even if `start` is in a zone with DST.
        return _aware(start).astimezone(timezone.utc) + timedelta(hours=hours)

    def working_days_between(self, start, end):
        """Working days after `start`'s Shanghai date, up to and including `end`'s."""
        if _aware(end) <= _aware(start):
            return 0
        day, last = _local_date(start), _local_date(end)
        count = 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar_from_rows(rows):
    """A Calendar whose admin list is the given CalendarDay rows (anything with .day, .kind)."""
    return Calendar({row.day: row.kind for row in rows})


def _aware(moment):
    """`moment` itself, refused if it has no time zone (a naive time is ambiguous here)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment


def _local_date(moment):
    """The calendar date in Shanghai at the instant `moment`."""
    return _aware(moment).astimezone(SHANGHAI).date()

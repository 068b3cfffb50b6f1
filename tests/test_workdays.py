"""The deadline calendar, on real 2025-2026 holidays and on the admin list for later years.

Every expected date below was counted by hand from the State Council holiday notices and
checked once against chinese_calendar 1.11.0 when the test was written; the assertions do not
ask the package.
"""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from callin import workdays
from callin.workdays import Calendar, calendar_from_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


def at(year, month, day, hour=10, minute=0):
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def end_of(year, month, day):
    """The last instant of a Shanghai day, as the UTC value add_working_days returns."""
    # Shanghai is UTC+8 all year, so 23:59:59.999999 there is 15:59:59.999999 UTC.
    return datetime(year, month, day, 15, 59, 59, 999999, tzinfo=UTC)


# --- 2025: National Day + Mid-Autumn, Oct 1-8 off, Sun Sep 28 and Sat Oct 11 worked -------------

@pytest.mark.parametrize("days,deadline", [
    (1, end_of(2025, 10, 9)),   # Oct 1-8 off: Thu Oct 9 is the first working day
    (2, end_of(2025, 10, 10)),  # Fri Oct 10
    (3, end_of(2025, 10, 11)),  # Sat Oct 11 is a make-up working day
    (4, end_of(2025, 10, 13)),  # Sun Oct 12 off, Mon Oct 13
    (5, end_of(2025, 10, 14)),  # Tue Oct 14
])
def test_national_day_2025(days, deadline):
    assert Calendar().add_working_days(at(2025, 9, 30), days) == deadline


def test_make_up_sunday_2025_counts():
    calendar = Calendar()
    assert calendar.is_working_day(date(2025, 9, 28))
    assert not calendar.is_working_day(date(2025, 9, 27))
    # Dispatched Fri Sep 26: Sat 27 off, Sun 28 worked.
    assert calendar.add_working_days(at(2025, 9, 26), 1) == end_of(2025, 9, 28)


def test_national_day_2025_days():
    calendar = Calendar()
    assert not any(calendar.is_working_day(date(2025, 10, d)) for d in range(1, 9))
    assert calendar.is_working_day(date(2025, 10, 11))
    assert not calendar.is_working_day(date(2025, 10, 12))


# --- 2026: Mid-Autumn Sep 25-27, National Day Oct 1-7; Sun Sep 20 and Sat Oct 10 worked --------

def test_make_up_saturday_2026_counts():
    calendar = Calendar()
    assert calendar.is_working_day(date(2026, 10, 10))
    assert not calendar.is_working_day(date(2026, 10, 17))  # an ordinary Saturday
    # Dispatched Wed Sep 30: Oct 1-7 off, Thu 8, Fri 9, Sat 10.
    assert calendar.add_working_days(at(2026, 9, 30), 3) == end_of(2026, 10, 10)


def test_deadline_across_national_day_2026():
    # Dispatched Fri 2026-09-18, 15 working days:
    # Sat 19 off; Sun 20 (make-up) 1; Mon 21-Thu 24 2-5; Fri 25-Sun 27 Mid-Autumn off;
    # Mon 28-Wed 30 6-8; Oct 1-7 off; Thu 8 9, Fri 9 10, Sat 10 (make-up) 11; Sun 11 off;
    # Mon 12-Thu 15 12-15.
    assert Calendar().add_working_days(at(2026, 9, 18), 15) == end_of(2026, 10, 15)


def test_spring_festival_2026():
    # Feb 15 (Sun) - Feb 23 (Mon) off; Sat Feb 14 and Sat Feb 28 worked.
    # Dispatched Fri Feb 13: Sat 14 is 1; Tue 24-Fri 27 are 2-5; Sat 28 is 6.
    calendar = Calendar()
    start = at(2026, 2, 13)
    assert calendar.add_working_days(start, 1) == end_of(2026, 2, 14)
    assert calendar.add_working_days(start, 2) == end_of(2026, 2, 24)
    assert calendar.add_working_days(start, 6) == end_of(2026, 2, 28)


# --- Years the package does not know: weekends plus the admin list ------------------------------

def test_deadline_from_known_year_into_fallback_year():
    # Dispatched Sun 2026-12-20, 15 working days; 2027-01-01 (Fri) is on the admin list.
    # 2026 from the package (no holiday after Oct): Mon 21-Fri 25 1-5; Sat 26, Sun 27 off;
    # Mon 28-Thu 31 6-9. 2027 from weekends + list: Fri Jan 1 listed holiday; Sat 2, Sun 3 off;
    # Mon 4-Fri 8 10-14; Sat 9, Sun 10 off; Mon Jan 11 is 15.
    calendar = Calendar({date(2027, 1, 1): "holiday"})
    assert calendar.add_working_days(at(2026, 12, 20), 15) == end_of(2027, 1, 11)
    # Without the list, Jan 1 counts and the deadline is a working day earlier.
    assert Calendar().add_working_days(at(2026, 12, 20), 15) == end_of(2027, 1, 8)


def test_fallback_make_up_saturday_counts():
    calendar = Calendar({date(2027, 2, 6): "workday"})  # a Saturday
    assert calendar.is_working_day(date(2027, 2, 6))
    assert not Calendar().is_working_day(date(2027, 2, 6))
    # Dispatched Fri Feb 5: the listed Saturday is the first working day.
    assert calendar.add_working_days(at(2027, 2, 5), 1) == end_of(2027, 2, 6)


def test_admin_list_is_ignored_for_years_the_package_knows():
    calendar = Calendar({date(2025, 10, 10): "holiday", date(2025, 10, 12): "workday"})
    assert calendar.is_working_day(date(2025, 10, 10))
    assert not calendar.is_working_day(date(2025, 10, 12))


@pytest.mark.parametrize("day,working", [
    (date(2030, 1, 1), True),      # a Tuesday, nothing listed
    (date(2030, 1, 5), False),     # a Saturday
    (date(1999, 10, 1), True),     # a Friday: before the package's range, so weekends only
    (date(1999, 10, 2), False),    # a Saturday
])
def test_unknown_years_never_raise(day, working):
    assert Calendar().is_working_day(day) is working


def test_knows_probes_the_package_and_caches(monkeypatch):
    calendar = Calendar()
    assert calendar.knows(2004) and calendar.knows(2026)
    assert not calendar.knows(2003) and not calendar.knows(2027)
    probes = []

    def counting(day):
        probes.append(day)
        raise NotImplementedError

    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", counting)
    assert calendar.knows(2026) and not calendar.knows(2027)
    assert probes == []
    assert not Calendar().knows(2026)  # a fresh calendar asks again
    assert probes == [date(2026, 1, 1)]


def test_calendar_from_rows():
    rows = [SimpleNamespace(day=date(2027, 1, 1), kind="holiday"),
            SimpleNamespace(day=date(2027, 2, 6), kind="workday")]
    calendar = calendar_from_rows(rows)
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 2, 6))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Calendar({date(2027, 1, 1): "day off"})


# --- The arithmetic ------------------------------------------------------------------------------

@pytest.mark.parametrize("days", [0, -1])
def test_days_must_be_positive(days):
    with pytest.raises(ValueError):
        Calendar().add_working_days(at(2025, 9, 30), days)


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        Calendar().add_working_days(datetime(2025, 9, 30, 10), 1)


def test_result_is_aware_utc():
    deadline = Calendar().add_working_days(at(2025, 9, 30), 1)
    assert deadline.tzinfo is not None and deadline.utcoffset() == timedelta(0)


def test_start_on_a_holiday_counts_from_the_next_working_day():
    # Fri 2025-10-03 is inside the National Day week; the first working day is Thu Oct 9.
    assert Calendar().add_working_days(at(2025, 10, 3), 1) == end_of(2025, 10, 9)


def test_start_day_is_taken_in_shanghai():
    # 2025-10-08 15:59 UTC is still Oct 8 (23:59) in Shanghai, so Oct 9 is the first day;
    # 2025-10-08 17:00 UTC is already Oct 9 (01:00) there, so the first day is Oct 10.
    calendar = Calendar()
    assert calendar.add_working_days(datetime(2025, 10, 8, 15, 59, tzinfo=UTC), 1) \
        == end_of(2025, 10, 9)
    assert calendar.add_working_days(datetime(2025, 10, 8, 17, 0, tzinfo=UTC), 1) \
        == end_of(2025, 10, 10)


def test_add_hours_across_midnight():
    # 23:00 on Tue 2025-09-30 plus 2 h is 01:00 on Oct 1, a holiday: clock hours ignore that.
    deadline = Calendar().add_hours(at(2025, 9, 30, 23), 2)
    assert deadline == datetime(2025, 9, 30, 17, 0, tzinfo=UTC)
    assert deadline.utcoffset() == timedelta(0)
    assert deadline.astimezone(SHANGHAI) == at(2025, 10, 1, 1)


def test_add_hours_refuses_naive_and_non_positive():
    with pytest.raises(ValueError):
        Calendar().add_hours(datetime(2025, 9, 30, 23), 2)
    with pytest.raises(ValueError):
        Calendar().add_hours(at(2025, 9, 30, 23), 0)


def test_working_days_between_counts_how_late():
    calendar = Calendar()
    deadline = end_of(2025, 10, 10)
    # Answered Mon Oct 13: Sat Oct 11 (make-up) and Mon Oct 13 are late days; Sun 12 is not.
    assert calendar.working_days_between(deadline, at(2025, 10, 13)) == 2
    # Answered on the deadline day itself, or before it: not late.
    assert calendar.working_days_between(deadline, at(2025, 10, 10, 23)) == 0
    assert calendar.working_days_between(deadline, at(2025, 10, 9)) == 0
    # Across the holiday week from Sep 30: only Oct 9 counts by Oct 9.
    assert calendar.working_days_between(at(2025, 9, 30), at(2025, 10, 9)) == 1


def test_working_days_between_in_a_fallback_year():
    calendar = Calendar({date(2027, 1, 1): "holiday"})
    # Thu 2026-12-31 to Mon 2027-01-04: Jan 1 listed, Jan 2-3 weekend, Jan 4 counts.
    assert calendar.working_days_between(at(2026, 12, 31), at(2027, 1, 4)) == 1

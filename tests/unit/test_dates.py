"""Tests for focus_tui.core.dates: parsing, labels, buckets and DST handling."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from dateutil import tz

from focus_tui.core.clock import Clock
from focus_tui.core.dates import (
    Bucket,
    DateError,
    When,
    bucket_bounds,
    bucket_of,
    day_label,
    describe_when,
    parse_when,
)
from focus_tui.core.errors import UserError

FRI = date(2026, 11, 27)  # Friday, the usual "today"
SAT = date(2026, 11, 28)
SUN = date(2026, 11, 29)
NYE = date(2026, 12, 31)  # Thursday
LEAP = date(2028, 2, 28)  # Monday, leap year
JAN31 = date(2027, 1, 31)  # Sunday

HELSINKI = tz.gettz("Europe/Helsinki")


def test_fixed_days_are_what_the_tests_assume() -> None:
    assert [d.weekday() for d in (FRI, SAT, SUN, NYE, LEAP, JAN31)] == [
        4,
        5,
        6,
        3,
        0,
        6,
    ]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # keywords
        ("today", FRI, date(2026, 11, 27)),
        ("tod", FRI, date(2026, 11, 27)),
        ("  TODAY  ", FRI, date(2026, 11, 27)),
        ("tomorrow", FRI, date(2026, 11, 28)),
        ("tom", FRI, date(2026, 11, 28)),
        ("Tmr", FRI, date(2026, 11, 28)),
        ("yesterday", FRI, date(2026, 11, 26)),
        ("tomorrow", NYE, date(2027, 1, 1)),
        ("tomorrow", LEAP, date(2028, 2, 29)),
        # weekdays: strictly after today
        ("fri", FRI, date(2026, 12, 4)),
        ("friday", FRI, date(2026, 12, 4)),
        ("next fri", FRI, date(2026, 12, 4)),
        ("next  Friday", FRI, date(2026, 12, 4)),
        ("sat", FRI, date(2026, 11, 28)),
        ("sun", FRI, date(2026, 11, 29)),
        ("mon", FRI, date(2026, 11, 30)),
        ("monday", FRI, date(2026, 11, 30)),
        ("tue", FRI, date(2026, 12, 1)),
        ("tuesday", FRI, date(2026, 12, 1)),
        ("wed", FRI, date(2026, 12, 2)),
        ("wednesday", FRI, date(2026, 12, 2)),
        ("thu", FRI, date(2026, 12, 3)),
        ("thursday", FRI, date(2026, 12, 3)),
        ("saturday", FRI, date(2026, 11, 28)),
        ("sunday", FRI, date(2026, 11, 29)),
        ("sun", SUN, date(2026, 12, 6)),
        ("mon", SUN, date(2026, 11, 30)),
        ("thu", NYE, date(2027, 1, 7)),
        ("mon", LEAP, date(2028, 3, 6)),
        # next week/month/year, end of ...
        ("next week", FRI, date(2026, 11, 30)),
        ("next week", SUN, date(2026, 11, 30)),
        ("next week", NYE, date(2027, 1, 4)),
        ("next week", LEAP, date(2028, 3, 6)),
        ("next month", FRI, date(2026, 12, 1)),
        ("next month", NYE, date(2027, 1, 1)),
        ("next month", JAN31, date(2027, 2, 1)),
        ("next month", LEAP, date(2028, 3, 1)),
        ("next year", FRI, date(2027, 1, 1)),
        ("next year", NYE, date(2027, 1, 1)),
        ("end of week", FRI, date(2026, 11, 29)),
        ("eow", FRI, date(2026, 11, 29)),
        ("eow", SUN, date(2026, 11, 29)),
        ("eow", NYE, date(2027, 1, 3)),
        ("end of month", FRI, date(2026, 11, 30)),
        ("eom", FRI, date(2026, 11, 30)),
        ("eom", NYE, date(2026, 12, 31)),
        ("eom", LEAP, date(2028, 2, 29)),
        ("end of year", FRI, date(2026, 12, 31)),
        ("end of year", NYE, date(2026, 12, 31)),
        # offsets
        ("+3d", FRI, date(2026, 11, 30)),
        ("+3", FRI, date(2026, 11, 30)),
        ("+0d", FRI, date(2026, 11, 27)),
        ("+3 days", FRI, date(2026, 11, 30)),
        ("+ 3 days", FRI, date(2026, 11, 30)),
        ("+1 day", FRI, date(2026, 11, 28)),
        ("+2w", FRI, date(2026, 12, 11)),
        ("+ 2 weeks", FRI, date(2026, 12, 11)),
        ("+1m", FRI, date(2026, 12, 27)),
        ("+1 month", FRI, date(2026, 12, 27)),
        ("+1y", FRI, date(2027, 11, 27)),
        ("+2 years", FRI, date(2028, 11, 27)),
        ("-2d", FRI, date(2026, 11, 25)),
        ("-1w", FRI, date(2026, 11, 20)),
        ("-1m", FRI, date(2026, 10, 27)),
        ("+1d", LEAP, date(2028, 2, 29)),
        ("+1y", LEAP, date(2029, 2, 28)),
        ("+1m", NYE, date(2027, 1, 31)),
        ("+2m", NYE, date(2027, 2, 28)),
        ("+1m", JAN31, date(2027, 2, 28)),
        ("+1m", date(2028, 1, 31), date(2028, 2, 29)),
        ("+1y", date(2028, 2, 29), date(2029, 2, 28)),
        ("in 3 days", FRI, date(2026, 11, 30)),
        ("in 1 day", FRI, date(2026, 11, 28)),
        ("in 2 weeks", FRI, date(2026, 12, 11)),
        ("in a week", FRI, date(2026, 12, 4)),
        ("in 1 month", FRI, date(2026, 12, 27)),
        ("in a month", FRI, date(2026, 12, 27)),
        ("in a month", JAN31, date(2027, 2, 28)),
        ("in 2 months", FRI, date(2027, 1, 27)),
        ("in a year", FRI, date(2027, 11, 27)),
        ("in 3d", FRI, date(2026, 11, 30)),
        # ISO and European numeric forms
        ("2026-12-03", FRI, date(2026, 12, 3)),
        ("2030-1-5", FRI, date(2030, 1, 5)),
        ("3.12.", FRI, date(2026, 12, 3)),
        ("3.12", FRI, date(2026, 12, 3)),
        ("3.12.2026", FRI, date(2026, 12, 3)),
        ("3.12.26", FRI, date(2026, 12, 3)),
        ("3.12.2027", FRI, date(2027, 12, 3)),
        ("3.1.", FRI, date(2027, 1, 3)),
        ("27.11.", FRI, date(2026, 11, 27)),
        ("26.11.", FRI, date(2027, 11, 26)),
        ("1.1.", NYE, date(2027, 1, 1)),
        ("31.12.", NYE, date(2026, 12, 31)),
        ("29.2.", LEAP, date(2028, 2, 29)),
        ("29.2.", FRI, date(2028, 2, 29)),
        ("29.2.2028", FRI, date(2028, 2, 29)),
        ("31.12.2199", FRI, date(2199, 12, 31)),
        ("1.1.1970", FRI, date(1970, 1, 1)),
        # month names
        ("dec 3", FRI, date(2026, 12, 3)),
        ("3 dec", FRI, date(2026, 12, 3)),
        ("december 3", FRI, date(2026, 12, 3)),
        ("DEC 3", FRI, date(2026, 12, 3)),
        ("dec 3rd", FRI, date(2026, 12, 3)),
        ("dec. 3", FRI, date(2026, 12, 3)),
        ("3. dec", FRI, date(2026, 12, 3)),
        ("3rd of december", FRI, date(2026, 12, 3)),
        ("dec 3 2027", FRI, date(2027, 12, 3)),
        ("3 dec 2027", FRI, date(2027, 12, 3)),
        ("dec 3, 2027", FRI, date(2027, 12, 3)),
        ("sept 3", FRI, date(2027, 9, 3)),
        ("sep 3", FRI, date(2027, 9, 3)),
        ("september 3", FRI, date(2027, 9, 3)),
        ("1st jan", FRI, date(2027, 1, 1)),
        ("may 2", FRI, date(2027, 5, 2)),
        ("nov 27", FRI, date(2026, 11, 27)),
        ("nov 26", FRI, date(2027, 11, 26)),
        ("dec 30", NYE, date(2027, 12, 30)),
        ("feb 29", FRI, date(2028, 2, 29)),
        ("feb 29", date(2028, 3, 1), date(2032, 2, 29)),
        ("feb 29 2028", FRI, date(2028, 2, 29)),
        # our own labels read back, weekday included
        ("Fri, 4 Dec", FRI, date(2026, 12, 4)),
        ("Mon 30 Nov", FRI, date(2026, 11, 30)),
        ("fri 3 dec 2027", FRI, date(2027, 12, 3)),
    ],
)
def test_parse_date(text: str, today: date, expected: date) -> None:
    assert parse_when(text, today) == When(expected)


@pytest.mark.parametrize(
    ("text", "expected_date", "expected_time"),
    [
        ("dec 3 14:00", date(2026, 12, 3), time(14, 0)),
        ("tomorrow 9:30", date(2026, 11, 28), time(9, 30)),
        ("tomorrow at 9:30", date(2026, 11, 28), time(9, 30)),
        ("fri at 14", date(2026, 12, 4), time(14, 0)),
        ("fri 2pm", date(2026, 12, 4), time(14, 0)),
        ("fri 2 pm", date(2026, 12, 4), time(14, 0)),
        ("FRI 2PM", date(2026, 12, 4), time(14, 0)),
        ("+3d 08:15", date(2026, 11, 30), time(8, 15)),
        ("3.12. 14.30", date(2026, 12, 3), time(14, 30)),
        ("3.12.2026 14.30", date(2026, 12, 3), time(14, 30)),
        ("2026-12-03 at 7", date(2026, 12, 3), time(7, 0)),
        ("in 2 weeks 10:00", date(2026, 12, 11), time(10, 0)),
        ("tom 7am", date(2026, 11, 28), time(7, 0)),
        ("today 2.30pm", date(2026, 11, 27), time(14, 30)),
        ("3 dec 2027 23:59", date(2027, 12, 3), time(23, 59)),
        ("Fri 4 Dec 2026, 14:00", date(2026, 12, 4), time(14, 0)),
        # a time alone means today
        ("14:00", FRI, time(14, 0)),
        ("at 9", FRI, time(9, 0)),
        ("at 9.30", FRI, time(9, 30)),
        ("0:00", FRI, time(0, 0)),
        ("23:59", FRI, time(23, 59)),
        ("12am", FRI, time(0, 0)),
        ("12:30am", FRI, time(0, 30)),
        ("12pm", FRI, time(12, 0)),
        ("2:30pm", FRI, time(14, 30)),
        ("11pm", FRI, time(23, 0)),
    ],
)
def test_parse_time(text: str, expected_date: date, expected_time: time) -> None:
    assert parse_when(text, FRI) == When(expected_date, expected_time)


@pytest.mark.parametrize(
    "text", ["none", "NONE", "no date", "no   date", "someday", "-", "  -  "]
)
def test_parse_no_date(text: str) -> None:
    assert parse_when(text, FRI) == When(None)


def test_dot_time_alone_is_day_month() -> None:
    # Documented choice: H.MM is a time only after a date or "at".
    assert parse_when("14.3", FRI) == When(date(2027, 3, 14))
    assert parse_when("3.12", FRI) == When(date(2026, 12, 3))
    assert parse_when("tomorrow 3.12", FRI) == When(SAT, time(3, 12))


# ---------------------------------------------------------------- bad input

BAD_INPUTS = [
    ("", None),
    ("   ", None),
    ("\t\n", None),
    ("blah", None),
    ("feb 30", "February has 29 days or fewer"),
    ("31.4.", "April has 30 days"),
    ("31.11.", "November has 30 days"),
    ("32.1.", "January has 31 days"),
    ("0.5.", "no day 0"),
    ("5.0.", "no month 0"),
    ("2026-13-01", "no month 13"),
    ("2026-02-30", "February 2026 has 28 days"),
    ("2027-02-29", "February 2027 has 28 days"),
    ("29.2.2027", "February 2027 has 28 days"),
    ("feb 29 2027", "February 2027 has 28 days"),
    ("2026-1-1x", "2026-12-03"),
    ("26-12-03", "four digits"),
    ("+0x", "not a unit"),
    ("+d", "needs a number"),
    ("+", "needs a number"),
    ("+3.5d", "+3d"),
    ("in weeks", "needs a number"),
    ("in 3", "needs a unit"),
    ("in 2 fortnights", "not a unit"),
    ("in -2 days", "-2d"),
    ("next fooday", "after 'next'"),
    ("next", "after 'next'"),
    ("1.2.3.4", "3.12.2026"),
    ("3..12.", "3.12.2026"),
    ("3/12/2026", "3.12.2026 or 2026-12-03"),
    ("3/12", "2026-12-03"),
    ("25:00", "hour must be 0–23"),
    ("tomorrow 25:61", "hour must be 0–23"),
    ("tomorrow 12:60", "minute must be 0–59"),
    ("at 24", "hour must be 0–23"),
    ("13pm", "1–12"),
    ("0am", "1–12"),
    ("9:5", "14:00"),
    ("14:", "14:00"),
    ("dec 32", "December has 31 days"),
    ("dec", "needs a day"),
    ("dec jan 3", "more than one month"),
    ("tomorrow tomorrow", "more than one date"),
    ("fri mon", "more than one date"),
    ("mon dec 3", "Thursday"),
    ("+100000d", "between 1970 and 2199"),
    ("-100000d", "between 1970 and 2199"),
    ("+999999y", "between 1970 and 2199"),
    ("+99999999999999999999d", "between 1970 and 2199"),
    ("99999-01-01", "between 1970 and 2199"),
    ("in 5000 years", "between 1970 and 2199"),
    ("1.1.1969", "between 1970 and 2199"),
    ("31.12.2200", "between 1970 and 2199"),
    ("1969-12-31", "between 1970 and 2199"),
    ("[bold]x[/]", "'['"),
    ("\x1b[31mred", "control character"),
    ("tomorrow\x00", "control character"),
    ("ä", "'ä'"),
    ("yesterday at", "'at' must be followed by a time"),
    ("at", "'at' must be followed by a time"),
    ("at fri 14", "'at' must come right before the time"),
    ("today 14:00 15:00", "at most one time"),
    ("in", "must be followed by an amount"),
    ("end of", "end of week"),
    ("end", "end of week"),
    ("14", "ambiguous"),
    ("fri 14", "fri at 14"),
    ("dec 3 14", "dec 3 at 14"),
    ("14.30", "14:30"),
    ("3 dec 27", None),
    ("x" * 500, "too long"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_INPUTS)
def test_bad_input_raises_date_error(text: str, fragment: str | None) -> None:
    with pytest.raises(DateError) as caught:
        parse_when(text, FRI)
    message = str(caught.value)
    assert message.strip()
    assert "Traceback" not in message
    assert "\n" not in message
    assert "\x1b" not in message and "[bold]" not in message
    if fragment is not None:
        assert fragment in message
    else:
        assert "Try:" in message


def test_enough_bad_inputs_are_tested() -> None:
    assert len(BAD_INPUTS) >= 30


def test_date_error_is_a_user_error() -> None:
    assert issubclass(DateError, UserError)


def test_generic_message_quotes_input_and_gives_examples() -> None:
    with pytest.raises(DateError, match=r"Could not read 'blah' as a date\. Try: "):
        parse_when("blah", FRI)


def test_random_input_only_ever_raises_date_error() -> None:
    # Mixed fragments of valid syntax must never leak ValueError & co.
    pieces = [
        "today", "tom", "fri", "next", "end", "of", "in", "a", "at", "+", "-",
        "3", "31", "0", "99999", "d", "w", "m", "y", "days", "dec", "feb",
        "29", "2026", "3.12.", "14:00", "2pm", "13pm", "12.60", "2026-02-30",
        ".", ":", "/", "none", "week", "month", "year", "1.1.1", "+-3",
     ]  # fmt: skip
    rng = random.Random(20261127)
    alphabet = "0123456789.:+-/ adfmnowy"
    for _ in range(3000):
        if rng.random() < 0.5:
            text = " ".join(rng.choices(pieces, k=rng.randint(1, 4)))
        else:
            text = "".join(rng.choices(alphabet, k=rng.randint(1, 12)))
        try:
            when = parse_when(text, rng.choice([FRI, SUN, NYE, LEAP]))
        except DateError as error:
            assert str(error)
        else:
            assert when.date is None or date(1970, 1, 1) <= when.date
            assert when.date is None or when.date <= date(2199, 12, 31)


# ---------------------------------------------------------------- When


def test_when_defaults_and_invariant() -> None:
    assert When(FRI).time is None
    with pytest.raises(ValueError):
        When(None, time(9, 0))


def test_due_at_utc_without_time_is_none() -> None:
    assert When(FRI).due_at_utc(HELSINKI) is None
    assert When(None).due_at_utc(HELSINKI) is None


@pytest.mark.parametrize(
    ("local", "expected_utc"),
    [
        (datetime(2026, 1, 15, 12, 0), datetime(2026, 1, 15, 10, 0)),  # EET +2
        (datetime(2026, 7, 1, 12, 0), datetime(2026, 7, 1, 9, 0)),  # EEST +3
        (datetime(2026, 1, 1, 1, 0), datetime(2025, 12, 31, 23, 0)),
    ],
)
def test_due_at_utc_ordinary(local: datetime, expected_utc: datetime) -> None:
    when = When(local.date(), local.time())
    assert when.due_at_utc(HELSINKI) == expected_utc


@pytest.mark.parametrize(
    ("local", "candidates"),
    [
        # 03:00-04:00 does not exist on 29 Mar 2026 in Helsinki.
        (
            datetime(2026, 3, 29, 3, 30),
            {datetime(2026, 3, 29, 0, 30), datetime(2026, 3, 29, 1, 30)},
        ),
        # 03:00-04:00 happens twice on 25 Oct 2026.
        (
            datetime(2026, 10, 25, 3, 30),
            {datetime(2026, 10, 25, 0, 30), datetime(2026, 10, 25, 1, 30)},
        ),
    ],
)
def test_due_at_utc_across_dst(local: datetime, candidates: set[datetime]) -> None:
    due = When(local.date(), local.time()).due_at_utc(HELSINKI)
    assert due in candidates
    assert due is not None and due.tzinfo is None
    # Same answer as the Clock, so stored values agree everywhere.
    assert due == Clock(zone=HELSINKI).to_utc_naive(local)


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("d", "t", "expected"),
    [
        (None, None, ""),
        (None, time(14, 0), ""),
        (FRI, None, "Today"),
        (SAT, None, "Tomorrow"),
        (date(2026, 11, 26), None, "Yesterday"),
        (date(2026, 11, 30), None, "Mon 30 Nov"),
        (date(2026, 1, 5), None, "Mon 5 Jan"),
        (date(2026, 12, 31), None, "Thu 31 Dec"),
        (date(2027, 12, 3), None, "3 Dec 2027"),
        (date(2025, 12, 3), None, "3 Dec 2025"),
        (FRI, time(14, 0), "Today 14:00"),
        (date(2026, 11, 30), time(9, 5), "Mon 30 Nov 09:05"),
    ],
)
def test_day_label(d: date | None, t: time | None, expected: str) -> None:
    assert day_label(d, FRI, t) == expected


def test_day_label_is_short_and_reads_back() -> None:
    for offset in range(-400, 800):
        d = FRI + timedelta(days=offset)
        label = day_label(d, FRI)
        assert 0 < len(label) <= 12
        if offset >= -1:
            # Future labels (and yesterday) parse back to the same day.
            assert parse_when(label, FRI) == When(d)
            timed = day_label(d, FRI, time(8, 45))
            assert parse_when(timed, FRI) == When(d, time(8, 45))


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (When(date(2026, 12, 4), time(14, 0)), "Fri 4 Dec 2026, 14:00 — in 7 days"),
        (When(FRI), "Today, Fri 27 Nov 2026"),
        (When(FRI, time(9, 0)), "Today, Fri 27 Nov 2026, 09:00"),
        (When(SAT), "Tomorrow, Sat 28 Nov 2026"),
        (When(date(2026, 11, 26)), "Yesterday, Thu 26 Nov 2026"),
        (When(None), "No date"),
        (When(date(2026, 11, 2)), "Mon 2 Nov 2026 — 25 days ago"),
        (When(date(2026, 11, 29)), "Sun 29 Nov 2026 — in 2 days"),
        (When(date(2027, 11, 27)), "Sat 27 Nov 2027 — in 365 days"),
    ],
)
def test_describe_when(when: When, expected: str) -> None:
    assert describe_when(when, FRI) == expected


# ---------------------------------------------------------------- buckets


def test_bucket_order_and_labels() -> None:
    assert [b.label for b in Bucket] == [
        "Overdue",
        "Today",
        "Tomorrow",
        "This week",
        "Later",
        "No date",
    ]


@pytest.mark.parametrize(
    ("d", "today", "expected"),
    [
        (None, FRI, Bucket.NO_DATE),
        (date(1970, 1, 1), FRI, Bucket.OVERDUE),
        (date(2026, 11, 26), FRI, Bucket.OVERDUE),
        (FRI, FRI, Bucket.TODAY),
        (SAT, FRI, Bucket.TOMORROW),
        (SUN, FRI, Bucket.THIS_WEEK),
        (date(2026, 11, 30), FRI, Bucket.LATER),
        (date(2026, 11, 25), date(2026, 11, 23), Bucket.THIS_WEEK),  # Mon -> Wed
        (date(2026, 11, 29), date(2026, 11, 23), Bucket.THIS_WEEK),  # Mon -> Sun
        (date(2026, 11, 30), date(2026, 11, 23), Bucket.LATER),
        (SUN, SAT, Bucket.TOMORROW),
        (date(2026, 11, 30), SAT, Bucket.LATER),
        (date(2026, 11, 30), SUN, Bucket.TOMORROW),
        (date(2026, 12, 1), SUN, Bucket.LATER),
        (date(2199, 12, 31), FRI, Bucket.LATER),
    ],
)
def test_bucket_of(d: date | None, today: date, expected: Bucket) -> None:
    assert bucket_of(d, today) == expected


def test_bucket_bounds_for_a_friday() -> None:
    assert bucket_bounds(FRI) == {
        Bucket.OVERDUE: (None, FRI),
        Bucket.TODAY: (FRI, SAT),
        Bucket.TOMORROW: (SAT, SUN),
        Bucket.THIS_WEEK: (SUN, date(2026, 11, 30)),
        Bucket.LATER: (date(2026, 11, 30), None),
    }


def _in_range(d: date, bounds: tuple[date | None, date | None]) -> bool:
    start, end = bounds
    return (start is None or start <= d) and (end is None or d < end)


# A whole week (Mon 23 Nov .. Sun 29 Nov 2026) plus year and leap-day edges.
BOUNDS_TODAYS = [date(2026, 11, 23) + timedelta(days=i) for i in range(7)] + [
    NYE,
    LEAP,
    date(2028, 2, 29),
]


@pytest.mark.parametrize("today", BOUNDS_TODAYS, ids=str)
def test_bucket_bounds_agree_with_bucket_of(today: date) -> None:
    bounds = bucket_bounds(today)
    assert Bucket.NO_DATE not in bounds
    assert list(bounds) == [b for b in Bucket if b is not Bucket.NO_DATE]
    for offset in range(-30, 30):
        d = today + timedelta(days=offset)
        matching = [b for b, rng in bounds.items() if _in_range(d, rng)]
        assert matching == [bucket_of(d, today)], d


@pytest.mark.parametrize("today", BOUNDS_TODAYS, ids=str)
def test_this_week_is_empty_only_at_the_weekend(today: date) -> None:
    start, end = bucket_bounds(today)[Bucket.THIS_WEEK]
    assert start is not None and end is not None
    assert (start >= end) == (today.weekday() >= 5)

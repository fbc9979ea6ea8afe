"""Dates as people type and read them: parsing, labels, and the day buckets.

Pure Python (no Textual/Rich) so the CLI, the TUI and the SQL layer share one
set of rules. Every relative expression counts from the `today` passed in,
never from the activity's current date, and never from the system clock, so
tests can pin any day.

Decisions on ambiguous input (see `parse_when` for the full grammar):

* `3/12/2026` is refused: day/month vs month/day cannot be told apart.
* `H.MM` (`14.30`) is a time only after a date or after `at`; alone it is the
  European day.month form, so `14.30` is "no month 30", not half past two.
* A bare hour needs `at` (`fri at 14`); a lone `14` or a trailing `dec 3 14`
  is refused with a hint, since the number could be a day, an hour or a year.
* Year-less dates (`3.12.`, `dec 3`) mean the next occurrence on or after
  today; `feb 29` therefore finds the next leap year.
* Month-name dates take a four-digit year only; `3.12.26` means 2026.
* A weekday may lead a month-name date so labels read back ("Fri 4 Dec"),
  but it must match: "mon dec 3" is refused when Dec 3 is a Thursday.
* Dates outside 1970-2199 are refused, which also keeps huge offsets from
  overflowing Python's date arithmetic.
* Only ASCII letters, digits, whitespace and `.,:+-/` are accepted; other
  characters are refused without echoing the input, so markup or escape
  sequences never reach the screen through an error message.
"""

from __future__ import annotations

import calendar
import enum
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil.relativedelta import relativedelta

from .errors import UserError

__all__ = [
    "Bucket",
    "DateError",
    "When",
    "bucket_bounds",
    "bucket_of",
    "day_label",
    "describe_when",
    "parse_day",
    "parse_when",
]

# How a date without a year (3.12., dec 3) or a bare weekday is read.
FUTURE = "future"  # when to do something: the next such day
PAST = "past"  # when something happened, or a report period: the latest one

MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2199, 12, 31)

EXAMPLES = "today, tomorrow, fri, +3d, in 2 weeks, 2026-12-03, 3.12., dec 3 14:00"

# Spelled out here: calendar's and strftime's names follow the process locale.
_WEEKDAY_NAME = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_MONTH_NAME = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAY_ABBR = tuple(name[:3] for name in _WEEKDAY_NAME)
_MONTH_ABBR = tuple(name[:3] for name in _MONTH_NAME)


class DateError(UserError):
    """Text that cannot be read as a date; the message says why."""


@dataclass(frozen=True)
class When:
    """A day, optionally with a local time of day; `date=None` means no date."""

    date: date | None
    time: time | None = None

    def __post_init__(self) -> None:
        # A time without a day would be silently lost when stored.
        if self.date is None and self.time is not None:
            raise ValueError("When(None) cannot carry a time of day")

    def due_at_utc(self, zone: tzinfo) -> datetime | None:
        """The naive UTC moment of date+time in `zone`; None without a time.

        Same conversion as Clock.to_utc_naive. Wall times that do not exist
        (spring-forward gap) or happen twice (autumn) get whatever offset the
        zone reports for fold=0, which is definite and never raises.
        """
        if self.date is None or self.time is None:
            return None
        local = datetime.combine(self.date, self.time).replace(tzinfo=zone)
        return local.astimezone(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------- parsing


def parse_when(text: str, today: date, *, reading: str = FUTURE) -> When:
    """Read what a person typed as a When; raise DateError saying why not.

    Accepted (case-insensitive, extra whitespace and commas ignored):
    today/tod, tomorrow/tom/tmr, yesterday; weekday names (next such day
    strictly after today), `next fri`; next week/month/year; end of
    week/month/year, eow/eom/eoy; +3d/+3/+2w/+1m/+1y/-2d, `+ 2 weeks`;
    in 3 days / in a week / in 2 months; 2026-12-03; 3.12. / 3.12 /
    3.12.2026 / 3.12.26; dec 3, 3 dec, december 3rd, dec 3 2027.
    Any of these may be followed by a time: 14:00, 2pm, 2:30pm, at 14,
    14.30 (see module docstring); a time alone means today.
    none / no date / someday / - clear the date.

    `reading` decides what a date without a year, or a bare weekday, means:
    FUTURE (moves, follow-ups: the next such day) or PAST (report periods,
    the date a step happened: the latest such day, today included).
    """
    if reading not in (FUTURE, PAST):
        raise ValueError(f"reading must be {FUTURE!r} or {PAST!r}")
    past = reading == PAST
    tokens = _tokens(text)
    shown = " ".join(tokens)
    if shown in _NO_DATE_WORDS:
        return When(None)
    date_tokens, at = _split_time(tokens)
    # A time alone means today.
    day = _parse_date(date_tokens, today, shown, past) if date_tokens else today
    if not MIN_DATE <= day <= MAX_DATE:
        raise _out_of_range(shown)
    return When(day, at)


def parse_moment(
    text: str, today: date, zone: tzinfo, *, what: str = "time"
) -> datetime:
    """A moment someone names for time they worked ("9:00", "yesterday 17:02",
    "2026-12-01 9:30"), as naive UTC. Read like a past date (a bare weekday is
    the latest one); a day alone is refused: a moment needs a time of day."""
    when = parse_when(text, today, reading=PAST)
    if when.date is None or when.time is None:
        raise DateError(
            f"The {what} needs a time of day, like 9:00 or yesterday 17:30."
        )
    moment = when.due_at_utc(zone)
    assert moment is not None
    return moment


_NO_DATE_WORDS = frozenset({"none", "no date", "someday", "-"})
_ALLOWED_CHARS = frozenset(string.ascii_letters + string.digits + " \t\r\n.,:+-/")
_MAX_INPUT = 100


def _tokens(text: str) -> list[str]:
    """Lower-case words of `text`, after refusing characters no date has."""
    if len(text) > _MAX_INPUT:
        raise DateError(f"That is too long to be a date. Try: {EXAMPLES}.")
    for char in text:
        if char not in _ALLOWED_CHARS:
            # Don't echo the input: it may hold markup or escape sequences
            # that would garble the notification or terminal.
            what = repr(char) if char.isprintable() else "a control character"
            raise DateError(
                f"Could not read that as a date: it contains {what}. Try: {EXAMPLES}."
            )
    # Commas are allowed as separators ("Fri, 4 Dec").
    words = text.lower().replace(",", " ").split()
    if not words:
        raise DateError(f"Please enter a date, or 'none' to clear it. Try: {EXAMPLES}.")
    return words


def _generic(shown: str) -> DateError:
    return DateError(f"Could not read {_quote(shown)} as a date. Try: {EXAMPLES}.")


def _out_of_range(shown: str) -> DateError:
    return DateError(
        f"{_quote(shown)} is out of range: dates must be between "
        f"{MIN_DATE.year} and {MAX_DATE.year}."
    )


def _quote(shown: str) -> str:
    # Keep messages one short line even for long input.
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return f"'{shown}'"


def parse_day(text: str, today: date, *, reading: str = PAST, what: str = "") -> date:
    """A calendar day as people type it: any date expression that names a
    day (not 'none', no time of day).

    The one parser of days for the CLI's --date/--from/--to and every
    dialog's date field, so the same text means the same day everywhere.
    PAST (the default) for report periods and the date a step happened,
    FUTURE for days to come. `what` names the field in messages.
    """
    label = f"{what}: " if what else ""
    when = parse_when(text, today, reading=reading)
    if when.date is None:
        raise DateError(f"{label}give a day, not 'none'.")
    if when.time is not None:
        raise DateError(f"{label}give a day without a time of day, e.g. 3.12.")
    return when.date


# ---------------------------------------------------------------- time of day

_COLON_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_DOT_TIME = re.compile(r"(\d{1,2})\.(\d{2})", re.ASCII)
_AMPM_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)", re.ASCII)
_BARE_HOUR = re.compile(r"\d{1,2}", re.ASCII)
_TIME_HELP = "write times like 14:00, 9:30, 2pm or at 14"


def _split_time(tokens: list[str]) -> tuple[list[str], time | None]:
    """Take a trailing time of day off `tokens`: (date tokens, time or None)."""
    tokens = list(tokens)
    # "2 pm" -> "2pm"
    if len(tokens) >= 2 and tokens[-1] in ("am", "pm") and tokens[-2].isdigit():
        tokens[-2:] = [tokens[-2] + tokens[-1]]
    if tokens[-1] == "at":
        raise DateError(f"'at' must be followed by a time: {_TIME_HELP}.")
    last = tokens[-1]
    if len(tokens) >= 2 and tokens[-2] == "at":
        # After "at" a bare hour or H.MM can only be a time.
        rest, at = tokens[:-2], _parse_time(last, after_at=True)
    elif ":" in last or _AMPM_TIME.fullmatch(last):
        rest, at = tokens[:-1], _parse_time(last, after_at=False)
    elif _DOT_TIME.fullmatch(last) and len(tokens) >= 2:
        # Alone, "3.12" is day.month; after a date it can only be a time.
        rest, at = tokens[:-1], _parse_time(last, after_at=True)
    else:
        rest, at = tokens, None
    if "at" in rest:
        raise DateError(f"'at' must come right before the time: {_TIME_HELP}.")
    if any(":" in token for token in rest):
        raise DateError(f"Give at most one time, at the end: {_TIME_HELP}.")
    return rest, at


def _parse_time(token: str, *, after_at: bool) -> time:
    shown = _quote(token)
    if match := _AMPM_TIME.fullmatch(token):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            raise DateError(f"{shown} is not a time: with am/pm the hour must be 1–12.")
        # 12am is midnight, 12pm is noon.
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
        return _make_time(hour, minute, shown)
    if match := _COLON_TIME.fullmatch(token):
        return _make_time(int(match[1]), int(match[2]), shown)
    if after_at and (match := _DOT_TIME.fullmatch(token)):
        return _make_time(int(match[1]), int(match[2]), shown)
    if after_at and _BARE_HOUR.fullmatch(token):
        return _make_time(int(token), 0, shown)
    raise DateError(f"{shown} is not a time: {_TIME_HELP}.")


def _make_time(hour: int, minute: int, shown: str) -> time:
    if not 0 <= hour <= 23:
        raise DateError(f"{shown} is not a time: the hour must be 0–23.")
    if not 0 <= minute <= 59:
        raise DateError(f"{shown} is not a time: the minute must be 0–59.")
    return time(hour, minute)


# ---------------------------------------------------------------- dates


def _next_weekday(today: date, weekday: int) -> date:
    """The next `weekday` strictly after today (fri on a Friday = +7)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _last_weekday(today: date, weekday: int) -> date:
    """The latest `weekday` on or before today (fri on a Friday = today)."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _end_of_month(today: date) -> date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def _next_month(today: date) -> date:
    return (today.replace(day=1) + relativedelta(months=1)).replace(day=1)


_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _name in enumerate(_WEEKDAY_NAME):
    _WEEKDAY_WORDS[_name.lower()] = _index
    _WEEKDAY_WORDS[_name[:3].lower()] = _index
_WEEKDAY_WORDS.update({"tues": 1, "thur": 3, "thurs": 3})

_KEYWORDS: dict[str, Callable[[date], date]] = {
    "today": lambda t: t,
    "tod": lambda t: t,
    "tomorrow": lambda t: t + timedelta(days=1),
    "tom": lambda t: t + timedelta(days=1),
    "tmr": lambda t: t + timedelta(days=1),
    "yesterday": lambda t: t - timedelta(days=1),
    "next week": _next_monday,
    "next month": _next_month,
    "next year": lambda t: date(t.year + 1, 1, 1),
    "end of week": lambda t: t + timedelta(days=6 - t.weekday()),
    "eow": lambda t: t + timedelta(days=6 - t.weekday()),
    "end of month": _end_of_month,
    "eom": _end_of_month,
    "end of year": lambda t: date(t.year, 12, 31),
    "eoy": lambda t: date(t.year, 12, 31),
}
for _word, _weekday in _WEEKDAY_WORDS.items():
    for _phrase in (_word, f"next {_word}"):
        _KEYWORDS[_phrase] = lambda t, w=_weekday: _next_weekday(t, w)

_MONTH_WORDS: dict[str, int] = {"sept": 9}
for _index in range(1, 13):
    _MONTH_WORDS[_MONTH_NAME[_index].lower()] = _index
    _MONTH_WORDS[_MONTH_ABBR[_index].lower()] = _index


def _parse_date(tokens: list[str], today: date, shown: str, past: bool) -> date:
    """The date named by `tokens` (time already removed)."""
    phrase = " ".join(tokens)
    if past and phrase in _WEEKDAY_WORDS:
        return _last_weekday(today, _WEEKDAY_WORDS[phrase])
    if phrase in _KEYWORDS:
        return _KEYWORDS[phrase](today)
    first = tokens[0]
    if first == "next":
        raise DateError(
            f"Could not read {_quote(shown)}: after 'next' write week, month, "
            "year or a weekday, e.g. next fri."
        )
    if first == "end":
        raise DateError(
            f"Could not read {_quote(shown)}: write end of week, end of month "
            "or end of year."
        )
    if first == "in":
        return _parse_in(tokens[1:], today, shown)
    if first[0] in "+-":
        return _parse_offset("".join(tokens), today, shown)
    if len(tokens) == 1:
        return _parse_numeric(first, today, shown, past)
    if any(token.rstrip(".") in _MONTH_WORDS for token in tokens):
        return _parse_month_name(tokens, today, shown, past)
    raise _explain_failure(tokens, today, shown, past)


def _explain_failure(
    tokens: list[str], today: date, shown: str, past: bool = False
) -> DateError:
    """The most helpful error for multi-word input that matched nothing."""
    if sum(token in _KEYWORDS for token in tokens) >= 2:
        return DateError(f"{_quote(shown)} names more than one date; give just one.")
    last = tokens[-1]
    if last.isdigit() and int(last) <= 23:
        # "fri 14": probably meant a time; we only take bare hours after "at".
        try:
            _parse_date(tokens[:-1], today, shown, past)
        except DateError:
            pass
        else:
            head = " ".join(tokens[:-1])
            return DateError(
                f"Could not read {_quote(shown)}: for a time of day write "
                f"'{head} at {last}' or '{head} {int(last)}:00'."
            )
    return _generic(shown)


# ---- relative offsets

_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mo": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
}
_UNIT_HELP = "use d, w, m or y (days, weeks, months, years)"
_OFFSET = re.compile(r"([+-])(\d*)([a-z]*)", re.ASCII)
_IN_AMOUNT = re.compile(r"(\d+|an?|one)\s*([a-z]*)", re.ASCII)
# Anything longer is far outside 1970-2199 and would overflow the arithmetic.
_MAX_DIGITS = 6


def _parse_offset(joined: str, today: date, shown: str) -> date:
    """+3d, +3, +2w, -1m, "+ 2 weeks" (tokens joined without spaces)."""
    match = _OFFSET.fullmatch(joined)
    if match is None:
        raise DateError(
            f"Could not read {_quote(shown)}: write offsets like +3d, +2w, +1m or -2d."
        )
    sign, digits, unit = match.groups()
    if not digits:
        raise DateError(f"{_quote(shown)} needs a number, e.g. +3d or -2w.")
    # A bare number means days: "+3".
    unit_name = _unit(unit or "d", shown)
    count = _count(digits, shown)
    return _shift(today, unit_name, -count if sign == "-" else count, shown)


def _parse_in(rest: list[str], today: date, shown: str) -> date:
    """in 3 days, in a week, in 2 months."""
    if not rest:
        raise DateError("'in' must be followed by an amount, e.g. in 3 days.")
    if rest[0].startswith("-"):
        raise DateError(
            f"{_quote(shown)}: 'in' counts forward; for the past write e.g. -2d."
        )
    match = _IN_AMOUNT.fullmatch(" ".join(rest))
    if match is None and rest[0] in _UNITS:
        raise DateError(f"{_quote(shown)} needs a number, e.g. in 2 weeks.")
    if match is None:
        raise DateError(
            f"Could not read {_quote(shown)}: write e.g. in 3 days, in a week "
            "or in 2 months."
        )
    amount, unit = match.groups()
    if not unit:
        raise DateError(f"{_quote(shown)} needs a unit, e.g. in 3 days.")
    count = 1 if amount in ("a", "an", "one") else _count(amount, shown)
    return _shift(today, _unit(unit, shown), count, shown)


def _unit(word: str, shown: str) -> str:
    if word in _UNITS:
        return _UNITS[word]
    raise DateError(f"'{word}' in {_quote(shown)} is not a unit: {_UNIT_HELP}.")


def _count(digits: str, shown: str) -> int:
    if len(digits) > _MAX_DIGITS:
        raise _out_of_range(shown)
    return int(digits)


def _shift(today: date, unit: str, count: int, shown: str) -> date:
    # relativedelta keeps month ends sane: Jan 31 + 1 month = Feb 28/29.
    try:
        if unit in ("days", "weeks"):
            return today + timedelta(**{unit: count})
        return today + relativedelta(**{unit: count})
    except (OverflowError, ValueError):
        raise _out_of_range(shown) from None


# ---- numeric dates

_ISO = re.compile(r"(\d+)-(\d{1,2})-(\d{1,2})", re.ASCII)
_EUROPEAN = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4})?)?", re.ASCII)


def _parse_numeric(token: str, today: date, shown: str, past: bool) -> date:
    """One token: 2026-12-03, 3.12., 3.12, 3.12.2026, 3.12.26."""
    if "/" in token:
        raise DateError(
            f"{_quote(shown)} is ambiguous (day/month or month/day?): "
            "write 3.12.2026 or 2026-12-03."
        )
    if match := _ISO.fullmatch(token):
        year_digits, month, day = match[1], int(match[2]), int(match[3])
        if len(year_digits) != 4:
            if len(year_digits) > 4:
                raise _out_of_range(shown)
            raise DateError(
                f"{_quote(shown)}: write the year with four digits, e.g. 2026-12-03."
            )
        return _make_date(int(year_digits), month, day, shown)
    if match := _EUROPEAN.fullmatch(token):
        day, month, year = int(match[1]), int(match[2]), match[3]
        if month > 12 and _DOT_TIME.fullmatch(token):
            # "14.30" alone is read as day.month; the user likely meant a time.
            raise DateError(
                f"{_quote(shown)} is not a date: there is no month {month}. "
                f"For a time of day write {day}:{match[2]} or at {token}."
            )
        if year is None:
            return _occurrence(month, day, today, shown, past)
        # Two-digit years are this century: 26 -> 2026.
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        return _make_date(full_year, month, day, shown)
    if token.isdigit():
        raise DateError(
            f"{_quote(shown)} is ambiguous: write 'at {token}' or {token}:00 for "
            f"a time, or {token}.12. for a date."
        )
    if token[0].isdigit() and "-" in token:
        raise DateError(
            f"Could not read {_quote(shown)}: write ISO dates as YYYY-MM-DD, "
            "e.g. 2026-12-03."
        )
    if token[0].isdigit() and "." in token:
        raise DateError(
            f"Could not read {_quote(shown)}: write day.month. or "
            "day.month.year, e.g. 3.12. or 3.12.2026."
        )
    if token in _MONTH_WORDS or token.rstrip(".") in _MONTH_WORDS:
        raise DateError(f"{_quote(shown)} needs a day, e.g. dec 3 or 3 dec.")
    raise _generic(shown)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    """date(year, month, day) with a reason instead of ValueError."""
    # Month/day first: "2026-02-30" deserves the more specific reason.
    _check_month_day(month, day, shown, year)
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise _out_of_range(shown)
    return date(year, month, day)


def _check_month_day(month: int, day: int, shown: str, year: int | None) -> None:
    """Explain an impossible day/month; `year=None` allows Feb 29."""
    if not 1 <= month <= 12:
        raise DateError(
            f"{_quote(shown)} is not a date: there is no month {month} "
            "(months are 1–12)."
        )
    if day < 1:
        raise DateError(f"{_quote(shown)} is not a date: there is no day {day}.")
    name = _MONTH_NAME[month]
    if year is None:
        if day > 29 and month == 2:
            raise DateError(
                f"{_quote(shown)} is not a date: February has 29 days or fewer."
            )
        longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
        if day > longest:
            raise DateError(
                f"{_quote(shown)} is not a date: {name} has {longest} days."
            )
        return
    # monthrange works for any year 1..9999; larger ones fail the range check.
    length = calendar.monthrange(min(max(year, 1), 9999), month)[1]
    if day > length:
        raise DateError(
            f"{_quote(shown)} is not a date: {name} {year} has {length} days."
        )


def _occurrence(month: int, day: int, today: date, shown: str, past: bool) -> date:
    """The first month/day on or after today, or with `past` the latest on or
    before today (Feb 29: the next / the last leap year)."""
    _check_month_day(month, day, shown, None)
    # Leap years are at most 8 years apart (e.g. 2096 -> 2104).
    years = (
        range(today.year, today.year - 9, -1)
        if past
        else range(today.year, today.year + 9)
    )
    for year in years:
        if day <= calendar.monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if (candidate <= today) if past else (candidate >= today):
                return candidate
    raise _out_of_range(shown)  # pragma: no cover - the loop always finds one


# ---- month names

_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th|\.)?", re.ASCII)
_YEAR = re.compile(r"\d{4}", re.ASCII)


def _parse_month_name(tokens: list[str], today: date, shown: str, past: bool) -> date:
    """dec 3, 3 dec, december 3rd, dec 3 2027, 3 dec 2027, 3rd of dec.

    A leading weekday is allowed, so our own labels ("Fri 4 Dec") read back,
    but it must match the date.
    """
    words = [token for token in tokens if token != "of"]
    weekday = _WEEKDAY_WORDS.get(words[0]) if len(words) > 2 else None
    if weekday is not None:
        words = words[1:]
    found = _parse_month_day_year(words, tokens, today, shown, past)
    if weekday is not None and found.weekday() != weekday:
        raise DateError(
            f"{_quote(shown)} does not add up: {_fmt_long(found)} is a "
            f"{_WEEKDAY_NAME[found.weekday()]}."
        )
    return found


def _parse_month_day_year(
    words: list[str], tokens: list[str], today: date, shown: str, past: bool
) -> date:
    months = [i for i, w in enumerate(words) if w.rstrip(".") in _MONTH_WORDS]
    if len(months) != 1:
        raise DateError(f"{_quote(shown)} names more than one month; give just one.")
    position = months[0]
    month = _MONTH_WORDS[words[position].rstrip(".")]
    # The day sits right before or right after the month; a year comes last.
    others = words[:position] + words[position + 1 :]
    if not others:
        raise DateError(f"{_quote(shown)} needs a day, e.g. dec 3 or 3 dec.")
    if len(others) > 2 or position > 1:
        raise _explain_failure(tokens, today, shown, past)
    day_match = _DAY.fullmatch(others[0])
    if day_match is None:
        raise _explain_failure(tokens, today, shown, past)
    day = int(day_match[1])
    if len(others) == 1:
        return _occurrence(month, day, today, shown, past)
    if _YEAR.fullmatch(others[1]) is None:
        raise _explain_failure(tokens, today, shown, past)
    return _make_date(int(others[1]), month, day, shown)


# ---------------------------------------------------------------- display


def _fmt_time(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _fmt_long(d: date) -> str:
    """Fri 4 Dec 2026"""
    return f"{_WEEKDAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month]} {d.year}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_when(when: When, today: date) -> str:
    """A full preview for the move dialog, so the user sees what they typed.

    "Fri 4 Dec 2026, 14:00 — in 7 days", "Today, Fri 27 Nov 2026", "No date".
    """
    if when.date is None:
        return "No date"
    text = _fmt_long(when.date)
    if when.time is not None:
        text += f", {_fmt_time(when.time)}"
    delta = (when.date - today).days
    names = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    if delta in names:
        return f"{names[delta]}, {text}"
    if delta > 0:
        return f"{text} — in {_plural(delta, 'day')}"
    return f"{text} — {_plural(-delta, 'day')} ago"


def day_label(d: date | None, today: date, t: time | None = None) -> str:
    """A short label for list rows: Today, Mon 30 Nov, 3 Dec 2027, "" for none.

    The weekday is shown only within this calendar year; other years show
    the year instead, which matters more there and keeps the label short.
    """
    if d is None:
        return ""
    delta = (d - today).days
    names = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
    if delta in names:
        label = names[delta]
    elif d.year == today.year:
        label = f"{_WEEKDAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month]}"
    else:
        label = f"{d.day} {_MONTH_ABBR[d.month]} {d.year}"
    if t is not None:
        label += f" {_fmt_time(t)}"
    return label


# ---------------------------------------------------------------- buckets


class Bucket(enum.Enum):
    """Groups of the activity list; definition order is screen order."""

    OVERDUE = "overdue"
    TODAY = "today"
    TOMORROW = "tomorrow"
    THIS_WEEK = "this_week"
    LATER = "later"
    NO_DATE = "no_date"

    @property
    def label(self) -> str:
        return _BUCKET_LABELS[self]


_BUCKET_LABELS = {
    Bucket.OVERDUE: "Overdue",
    Bucket.TODAY: "Today",
    Bucket.TOMORROW: "Tomorrow",
    Bucket.THIS_WEEK: "This week",
    Bucket.LATER: "Later",
    Bucket.NO_DATE: "No date",
}


def bucket_of(d: date | None, today: date) -> Bucket:
    """Which group a due date falls in (must agree with bucket_bounds)."""
    if d is None:
        return Bucket.NO_DATE
    if d < today:
        return Bucket.OVERDUE
    if d == today:
        return Bucket.TODAY
    if d == today + timedelta(days=1):
        return Bucket.TOMORROW
    # From the day after tomorrow to Sunday; empty on Saturday and Sunday.
    if d < _next_monday(today):
        return Bucket.THIS_WEEK
    return Bucket.LATER


def bucket_bounds(today: date) -> dict[Bucket, tuple[date | None, date | None]]:
    """Half-open [start, end) ranges of the dated buckets, for SQL counts.

    None means unbounded. THIS_WEEK is empty (start >= end) on Saturday and
    Sunday, when tomorrow already reaches next week. NO_DATE is not here:
    it is "date IS NULL", not a range.
    """
    tomorrow = today + timedelta(days=1)
    after_tomorrow = today + timedelta(days=2)
    next_monday = _next_monday(today)
    return {
        Bucket.OVERDUE: (None, today),
        Bucket.TODAY: (today, tomorrow),
        Bucket.TOMORROW: (tomorrow, after_tomorrow),
        Bucket.THIS_WEEK: (after_tomorrow, next_monday),
        Bucket.LATER: (max(after_tomorrow, next_monday), None),
    }

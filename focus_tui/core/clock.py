"""Time as the program sees it: UTC for storage, the local zone for people.

Everything that asks "what time is it" goes through a Clock so that tests can
fix the moment and the time zone (including across a DST change).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")


def local_zone() -> tzinfo:
    """The user's zone: $FOCUS_TUI_TZ (an IANA name) if set, else the system's."""
    name = os.environ.get("FOCUS_TUI_TZ", "").strip()
    if not name:
        return system_zone()
    # Only plain zone names: a path would name any file.
    zone = _named_zone(name) if _ZONE_NAME.fullmatch(name) else None
    if zone is not None and not _plausible(zone):
        zone = None  # "UTC+99" parses as a POSIX zone 99 hours away
    if zone is None:
        from .errors import UserError

        raise UserError(
            "FOCUS_TUI_TZ is not a time zone name (like Europe/Helsinki); "
            "unset it to use the system's zone."
        )
    return zone


def system_zone() -> tzinfo:
    """The system's zone: $TZ if it names one, else /etc/localtime, read by
    the standard library's zoneinfo (the whole history of the zone's rules);
    dateutil's reading of the C library where neither is there (a POSIX
    rule in $TZ, a system without a zone database)."""
    from zoneinfo import ZoneInfo

    name = os.environ.get("TZ", "").removeprefix(":").strip()
    if name and _ZONE_NAME.fullmatch(name):
        zone = _named_zone(name)
        if zone is not None:
            return zone
    elif not name:
        try:
            with open("/etc/localtime", "rb") as data:
                return ZoneInfo.from_file(data, key="localtime")
        except (OSError, ValueError):
            pass
    from dateutil import tz

    return tz.tzlocal()


def _named_zone(name: str) -> tzinfo | None:
    """An IANA zone by name: the system's database, else dateutil's copy."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        pass
    except ValueError:  # not a key ("..", an absolute path)
        return None
    import warnings

    from dateutil import tz

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return tz.gettz(name)
        except (ValueError, OSError):
            return None


def _plausible(zone: tzinfo) -> bool:
    """Real zones lie within UTC-12..UTC+14; test now and mid-year/winter."""
    try:
        for moment in (datetime.now(UTC), datetime(2026, 1, 15, tzinfo=UTC)):
            for when in (moment, moment.replace(month=7)):
                offset = when.astimezone(zone).utcoffset()
                if offset is None or abs(offset) > timedelta(hours=14):
                    return False
    except (ValueError, OverflowError):
        return False
    return True


class Clock:
    """Reads the current time; `fixed` pins it (an aware datetime) for tests.

    The zone is read when first needed (a command that shows no local time
    never loads a zone); a zone named in $FOCUS_TUI_TZ is checked at once,
    so a wrong setting is refused before anything is done.
    """

    __slots__ = ("_zone", "fixed")

    def __init__(self, zone: tzinfo | None = None, fixed: datetime | None = None):
        if zone is None and os.environ.get("FOCUS_TUI_TZ", "").strip():
            zone = local_zone()
        self._zone = zone
        self.fixed = fixed

    @property
    def zone(self) -> tzinfo:
        if self._zone is None:
            self._zone = local_zone()
        return self._zone

    def __repr__(self) -> str:
        return f"Clock(zone={self._zone!r}, fixed={self.fixed!r})"

    def now(self) -> datetime:
        """Now, as an aware UTC datetime."""
        if self.fixed is not None:
            return self.fixed.astimezone(UTC)
        return datetime.now(UTC)

    def now_utc_naive(self) -> datetime:
        """Now, as the naive UTC datetime the database stores."""
        return self.now().replace(tzinfo=None)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.zone)

    def today(self) -> date:
        return self.local_now().date()

    def to_local(self, utc_naive: datetime) -> datetime:
        """A stored (naive UTC) datetime as an aware local one."""
        return utc_naive.replace(tzinfo=UTC).astimezone(self.zone)

    def local_iso(self, utc_naive: datetime | None) -> str | None:
        """A stored time as local ISO text to the second (for CLI output)."""
        if utc_naive is None:
            return None
        return (
            self.to_local(utc_naive).replace(tzinfo=None).isoformat(timespec="seconds")
        )

    def to_utc_naive(self, local: datetime) -> datetime:
        """A local datetime (naive = in this clock's zone) as stored UTC."""
        if local.tzinfo is None:
            local = local.replace(tzinfo=self.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

"""Time history from Watson and Timewarrior, read into neutral intervals.

- Watson keeps its finished frames in `frames`, a JSON list of
  `[start, stop, project, id, tags, updated_at]` in epoch seconds (UTC);
  older files lack the last one or two. The running frame lives in another
  file (`state`), but a frame without a stop is taken as running here too.
- `timew export` prints a JSON array of `{"id", "start", "end", "tags",
  "annotation"}`, times written `YYYYMMDDTHHMMSSZ` (UTC); a running interval
  has no "end". Its ids are positions (1 is the newest), not names.

Each interval becomes one `Interval`: the title of its deal as the tool has
it (Watson: the project; Timewarrior: the first tag that names no phase),
the phase a tag names, and a `source` key that is the same whenever the
same interval is read again, so a second import can tell what it already
has. Nothing here touches the database: a file that is not what it claims
to be is refused whole, with a UserError naming the place.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple

from ..core.dates import MAX_DATE, MIN_DATE
from ..core.errors import UserError
from ..core.process import PHASE_LABELS, PHASES, Phase
from ..core.text import checked_path, shown
from . import TOOLS
from .files import open_regular, read_error

# The deal of a Timewarrior interval without a tag (other than phase tags).
UNTAGGED = "Timewarrior (untagged)"
# ~2 million frames; a bigger file is not a time history.
MAX_BYTES = 256 * 1024 * 1024


class Interval(NamedTuple):
    """One tracked interval (a tuple: 100k of them are made per import)."""

    start: datetime  # naive UTC
    end: datetime | None  # None: still running
    deal: str  # the deal's title as the tool has it (not yet cleaned)
    phase: Phase | None  # named by one of its tags
    source: str  # where it came from: the same whenever it is read again
    place: int  # its position in the file (1, 2, ...), for messages


@dataclass(frozen=True)
class History:
    tool: str  # "Watson"
    item: str  # what the tool calls an interval: "frame"
    name: str  # the file as the user named it
    intervals: list[Interval]

    def where(self, place: int) -> str:
        """'frames, frame 12': a place in the file, safe to print."""
        return f"{shown(self.name)}, {self.item} {place}"


def _words(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


# A tag naming a phase of the sales process, as the phase's key or its label
# in any case: "follow-up", "Follow up", "client_care". ("other" is no step
# of the process, and a common tag for anything.)
_PHASE_TAGS = {
    _words(name): phase
    for phase in PHASES
    if phase is not Phase.OTHER
    for name in (phase.value, PHASE_LABELS[phase])
}


def phase_of_tag(tag: str) -> Phase | None:
    return _PHASE_TAGS.get(_words(tag))


def read_history(tool: str, path: str | os.PathLike) -> History:
    """The intervals of a Watson frames file or a `timew export` file."""
    name = checked_path(path)
    return parse_history(tool, _read(name), name)


def parse_history(tool: str, data: bytes, name: str) -> History:
    """The intervals in `data`, the content of the file called `name`."""
    if tool not in _READERS:
        raise UserError(f"Cannot read {shown(tool)}: use one of {', '.join(TOOLS)}.")
    if len(data) > MAX_BYTES:
        raise UserError(
            f"{shown(name)} is too big for a time history (> {MAX_BYTES // 2**20} MB)."
        )
    what, reader = _READERS[tool]
    return reader(_json(data, name, what), name)


def _read(name: str) -> bytes:
    handle, info = open_regular(name)
    with handle:
        if info.st_size > MAX_BYTES:
            raise UserError(
                f"{shown(name)} is too big for a time history "
                f"({info.st_size // 2**20} MB > {MAX_BYTES // 2**20} MB)."
            )
        try:
            return handle.read()
        except OSError as exc:
            raise read_error(name, exc) from None


def _no_constant(word: str):
    raise ValueError(f"{word} is not a number")


def _json(data: bytes, name: str, what: str):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{shown(name)} is not {what}: not UTF-8 text (byte {exc.start + 1})."
        ) from None
    if what == _TIMEW:
        text = _without_trailing_comma(text)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{shown(name)} is not {what}: not JSON ({exc.msg}, line {exc.lineno} "
            f"column {exc.colno})."
        ) from None
    except ValueError as exc:  # NaN, Infinity, a number of 5000 digits
        raise UserError(f"{shown(name)} is not {what}: {shown(str(exc))}.") from None
    except RecursionError:
        raise UserError(f"{shown(name)} is not {what}: nested too deeply.") from None


def _without_trailing_comma(text: str) -> str:
    """`[{...},\\n]`, as the example in timew-export(1) ends, read as `[{...}]`."""
    body = text.rstrip()
    if body.endswith("]"):
        inner = body[:-1].rstrip()
        if inner.endswith(","):
            return inner[:-1] + "]"
    return text


def _bad(name: str, item: str, place: int, why: str) -> UserError:
    return UserError(f"{shown(name)}, {item} {place}: {why}.")


def _key(prefix: str, text: str) -> str:
    # Short enough for any index (PostgreSQL's b-tree takes ~2.7 kB a row).
    if len(text) > 400:
        text = "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()
    return prefix + text


def _tags(value, name: str, item: str, place: int) -> list[str]:
    if value is None:
        return []
    if type(value) is not list or any(type(tag) is not str for tag in value):
        raise _bad(name, item, place, "its tags are not a list of texts")
    return value


# -- Watson --------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1)
# Epoch seconds of the days the app takes (core.dates).
_FIRST = (datetime.combine(MIN_DATE, time()) - _EPOCH).total_seconds()
_LAST = (datetime.combine(MAX_DATE, time.max) - _EPOCH).total_seconds()
_FRAME = "not a list [start, stop, project, id, tags, updated_at]"


def _epoch(value) -> datetime | None:
    """Epoch seconds (UTC) as a naive UTC datetime; None if not a time."""
    if type(value) not in (int, float) or not _FIRST <= value <= _LAST:
        return None  # bool is not a time either (type(), not isinstance)
    return _EPOCH + timedelta(seconds=value)


def _watson(frames, name: str) -> History:
    if isinstance(frames, dict) and "project" in frames and "start" in frames:
        raise UserError(
            f"{shown(name)} is Watson's state file (the running frame); "
            "import its frames file."
        )
    if type(frames) is not list:
        raise UserError(f"{shown(name)} is not {_WATSON}: not a list of frames.")
    intervals = []
    phases: dict[str, Phase | None] = {}  # per tag, worked out once
    for place, frame in enumerate(frames, 1):
        if type(frame) is not list or not 4 <= len(frame) <= 6:
            raise _bad(name, "frame", place, _FRAME)
        start = _epoch(frame[0])
        if start is None:
            raise _bad(name, "frame", place, "its start is not a time (epoch seconds)")
        end = None
        if frame[1] is not None:
            end = _epoch(frame[1])
            if end is None:
                raise _bad(
                    name, "frame", place, "its stop is not a time (epoch seconds)"
                )
            if end < start:
                raise _bad(name, "frame", place, "it stops before it starts")
        project, frame_id = frame[2], frame[3]
        if type(project) is not str:
            raise _bad(name, "frame", place, "its project is not a text")
        if type(frame_id) is int:
            frame_id = str(frame_id)
        elif type(frame_id) is not str or not frame_id:
            raise _bad(name, "frame", place, "it has no id")
        if not (frame_id.isascii() and frame_id.isprintable()):
            frame_id = json.dumps(frame_id)  # ASCII, whatever it held
        phase = None
        for tag in _tags(frame[4] if len(frame) > 4 else None, name, "frame", place):
            if tag not in phases:
                phases[tag] = phase_of_tag(tag)
            if phases[tag] is not None:
                phase = phases[tag]
                break
        intervals.append(
            Interval(start, end, project, phase, _key("watson:", frame_id), place)
        )
    return History("Watson", "frame", name, intervals)


# -- Timewarrior -----------------------------------------------------------------------


def _timew_time(text) -> datetime | None:
    """'20231001T090000Z' as a naive UTC datetime; None if not such a time."""
    if not (
        type(text) is str
        and len(text) == 16
        and text.isascii()
        and text[8] == "T"
        and text[15] == "Z"
        and text[:8].isdigit()
        and text[9:15].isdigit()
    ):
        return None
    try:
        moment = datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
        )
    except ValueError:  # 20231301T..., 20230101T250000Z
        return None
    return moment if MIN_DATE <= moment.date() <= MAX_DATE else None


def _timewarrior(items, name: str) -> History:
    if type(items) is not list:
        raise UserError(f"{shown(name)} is not {_TIMEW}: not a list of intervals.")
    intervals = []
    phases: dict[str, Phase | None] = {}
    for place, item in enumerate(items, 1):
        if type(item) is not dict:
            raise _bad(
                name, "interval", place, 'not an object {"start", "end", "tags"}'
            )
        started = item.get("start")
        start = _timew_time(started)
        if start is None:
            raise _bad(
                name, "interval", place, "its start is not a time like 20231001T090000Z"
            )
        ended = item.get("end")
        end = None
        if ended is not None:
            end = _timew_time(ended)
            if end is None:
                raise _bad(
                    name,
                    "interval",
                    place,
                    "its end is not a time like 20231001T100000Z",
                )
            if end < start:
                raise _bad(name, "interval", place, "it ends before it starts")
        tags = _tags(item.get("tags"), name, "interval", place)
        deal, phase = None, None
        for tag in tags:
            if tag not in phases:
                phases[tag] = phase_of_tag(tag)
            if phases[tag] is None:
                deal = tag if deal is None else deal
            elif phase is None:
                phase = phases[tag]
        # Positional ids change as intervals come and go: the interval is
        # known by what it is. (Tags as ASCII JSON: any text, one key.)
        what = json.dumps(tags, separators=(",", ":"))
        source = _key("timewarrior:", f"{started}/{ended or ''}/{what}")
        intervals.append(
            Interval(
                start, end, UNTAGGED if deal is None else deal, phase, source, place
            )
        )
    return History("Timewarrior", "interval", name, intervals)


_WATSON = "a Watson frames file"
_TIMEW = "a Timewarrior export (`timew export`)"
_READERS = {"watson": (_WATSON, _watson), "timewarrior": (_TIMEW, _timewarrior)}

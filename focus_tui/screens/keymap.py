"""The user's keys (keys.toml, or [keys] in settings.toml) checked against
every screen's bindings before Textual's keymap gets them.

Textual remaps a binding by its id (`App.set_keymap`), but only says
nothing of an id that does not exist and settles a clash between two
bindings on one key silently, at the key press. Here every entry is
checked at start: an unknown action id, something that is not a key, or a
key that another action of the same screen already has is one clear line,
and that action keeps its own key.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _normalize_key_list
from textual.keys import key_to_character as _key_char

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_SPECIAL = {key.value for key in Keys}
_NAMED = _SPECIAL | set(KEY_NAME_REPLACEMENTS.values())


@dataclass(frozen=True)
class Place:
    """Where a set of bindings is active at once: a screen (its widgets and,
    unless it is a dialog, the app's keys)."""

    name: str
    bindings: tuple[Binding, ...]


@dataclass
class UserKeys:
    """The keymap for `App.set_keymap` and what was wrong with the file."""

    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _screen_classes() -> list[type]:
    """Every screen of the app (each screen module imported)."""
    from textual.screen import Screen

    from .. import screens

    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    found, todo = [], [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("focus_tui."):
                found.append(sub)
    return found


def _hosted() -> dict[str, tuple[type, ...]]:
    """The keyed widgets each screen shows (their keys are the screen's)."""
    from ..widgets.board_column import Board
    from ..widgets.record_list import RecordList
    from ..widgets.report_table import ReportTable

    return {
        "MainScreen": (RecordList,),
        "FeedScreen": (RecordList,),
        "CloudFeedScreen": (RecordList,),
        "BoardScreen": (Board,),
        "ReportsScreen": (ReportTable,),
    }


def _bindings_of(cls: type) -> list[Binding]:
    return [b for _, b in cls._merge_bindings()]


def places(app_class: type) -> list[Place]:
    """Every screen's keys, with the app's (not under a dialog: a modal
    screen stops the app's keys) and those of its widgets."""
    from textual.screen import ModalScreen

    app_keys = _bindings_of(app_class)
    palette = Binding(app_class.COMMAND_PALETTE_BINDING, "command_palette", "palette")
    hosted = _hosted()
    found = []
    for cls in _screen_classes():
        keys = [b for w in hosted.get(cls.__name__, ()) for b in _bindings_of(w)]
        keys += _bindings_of(cls)
        if not issubclass(cls, ModalScreen):
            keys += [*app_keys, palette]
        name = getattr(cls, "help_title", cls.__name__.removesuffix("Screen"))
        found.append(Place(name, tuple(keys)))
    return found


def known_ids(all_places: Iterable[Place]) -> dict[str, Binding]:
    return {b.id: b for p in all_places for b in p.bindings if b.id is not None}


def _is_key(key: str) -> bool:
    *mods, base = key.split("+")
    if not base or any(m not in _MODIFIERS for m in mods):
        return False
    return len(base) == 1 or base in _NAMED or _key_char(base) is not None


def _keys_of(value) -> str | None:
    """A comma list of Textual key names, or None if the value is none."""
    if isinstance(value, str):
        value = value.split(",")  # the comma key itself is "comma"
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(k, str) and k.strip() for k in value):
        return None
    keys = _normalize_key_list(",".join(k.strip() for k in value))
    return keys if all(_is_key(k) for k in keys.split(",")) else None


def _clashes(
    wanted: dict[str, str], all_places: list[Place]
) -> Iterator[tuple[str, Binding, str, str]]:
    """(id, the binding already on the key, key, place) for each of the
    user's keys that another action of the same place has."""
    for place in all_places:
        on_key: dict[str, list[Binding]] = {}
        for b in place.bindings:
            keys = wanted.get(b.id, b.key)
            for key in keys.split(","):
                on_key.setdefault(key.strip(), []).append(b)
        for key, bindings in on_key.items():
            # A key the action has anyway is not the user's doing.
            mine = [b for b in bindings if b.id in wanted and key not in _split(b.key)]
            for b in mine:
                other = next((o for o in bindings if o.id != b.id), None)
                if other is not None:
                    yield b.id, other, key, place.name


def _split(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",")]


def _name(binding: Binding) -> str:
    return binding.description or binding.id or binding.action


def check_keys(entries: dict, source: str, all_places: list[Place]) -> UserKeys:
    """The entries that can be used, and one line for each that cannot."""
    result = UserKeys()
    ids = known_ids(all_places)
    wanted: dict[str, str] = {}
    for action_id, value in entries.items():
        if action_id not in ids:
            result.problems.append(
                f'{source}: there is no action "{action_id}" (ctrl+p shows '
                "each action's id); ignored."
            )
            continue
        keys = _keys_of(value)
        if keys is None:
            result.problems.append(
                f"{source}: {value!r} for {action_id} is not a key; "
                f'{_name(ids[action_id])} keeps "{_display(ids[action_id].key)}".'
            )
            continue
        wanted[action_id] = keys
    # Dropping an entry gives its action back its own key, which may clash
    # with another entry: until no clash is left.
    while True:
        clashes = {}
        for action_id, other, key, place in _clashes(wanted, all_places):
            clashes.setdefault(action_id, (other, key, place))
        if not clashes:
            break
        for action_id, (other, key, place) in clashes.items():
            mine = ids[action_id]
            result.problems.append(
                f'{source}: "{_display(key)}" for {action_id} is already '
                f"{_name(other)} on {place}; {_name(mine)} keeps "
                f'"{_display(mine.key)}".'
            )
            del wanted[action_id]
    result.keymap = wanted
    return result


def _display(keys: str) -> str:
    """How a key is written in the file: `?` rather than question_mark."""
    shown = []
    for key in keys.split(","):
        *mods, base = key.strip().split("+")
        char = "@" if base == "at" else _key_char(base)
        if len(base) > 1 and base not in _SPECIAL and char and char.isprintable():
            base = char
        shown.append("+".join([*mods, base]))
    return " / ".join(shown)


def user_keymap(app_class: type) -> UserKeys:
    """The user's keys for `App.set_keymap`; nothing to import when there
    are none (the start-up budget)."""
    from ..config import user_keys

    entries, problems, source = user_keys()
    if not isinstance(entries, dict):
        entries = {}
    if not entries:
        return UserKeys(problems=[f"{source}: {p}" for p in problems])
    result = check_keys(entries, source, places(app_class))
    result.problems[:0] = [f"{source}: {p}" for p in problems]
    return result

"""The footer of every screen: its keys on one line, drawn as text."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget


@dataclass(frozen=True)
class FooterKey:
    key: str  # as the app binds it ("question_mark")
    key_display: str  # as the user reads it ("?"), their own key if remapped
    description: str
    enabled: bool
    start: int  # the cells it takes on the line (a click there presses it)
    end: int

    @property
    def label(self) -> str:
        return f"{self.key_display} {self.description}".strip()


class KeyFooter(Widget, can_focus=False):
    """The screen's shown keys (one per action), like Textual's compact Footer.

    Textual's Footer makes a widget of each key and makes them all again on
    every change of bindings (a cursor move, a focus change): at start-up
    that was a fifth of the time to the main view. Here a change of bindings
    repaints one line. The palette key is left out (see `screens.base`).
    """

    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--disabled {
        text-style: dim;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self.refresh()

    def shown_keys(self) -> list[FooterKey]:
        """What the line shows, in order: the first key of each shown action.

        Keys of one `Binding.Group` side by side share its description
        ("[ ] Week").
        """
        bindings = []
        actions: set[str] = set()
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                bindings.append((binding, enabled))
        shown: list[FooterKey] = []
        start = 0
        for group, run in groupby(bindings, lambda pair: pair[0].group):
            run = list(run)
            grouped = group is not None and len(run) > 1
            for n, (binding, enabled) in enumerate(run):
                display = self.app.get_key_display(binding)
                if not grouped:
                    description = binding.description
                elif n == len(run) - 1:
                    description = group.description.strip()
                else:
                    description = ""
                width = cell_len(f"{display} {description}".strip())
                shown.append(
                    FooterKey(
                        binding.key,
                        display,
                        description,
                        enabled,
                        start,
                        start + width,
                    )
                )
                start += width + 1
        return shown

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        disabled = self.get_component_rich_style("key-footer--disabled", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for n, key in enumerate(self.shown_keys()):
            if n:
                line.append(" ")
            dim = disabled if not key.enabled else None
            line.append(key.key_display, key_style + dim if dim else key_style)
            if key.description:
                line.append(
                    " " + key.description,
                    description_style + dim if dim else description_style,
                )
        return line

    def on_click(self, event: events.Click) -> None:
        for key in self.shown_keys():
            if key.start <= event.x < key.end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return

"""[rates] in settings.toml: read as Decimals, bad entries never crash."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from focus_tui import config


def write_settings(text: str) -> Path:
    folder = Path(os.environ["FOCUS_TUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "settings.toml"
    path.write_text(text, encoding="utf-8")
    config.settings.cache_clear()
    return path


def test_no_settings_no_rates():
    rates = config.rates()
    assert not rates and rates.note == "" and rates.base == "EUR"


def test_rates_are_read_as_decimals_with_their_date():
    write_settings(
        "[defaults]\ncurrency = 'EUR'\n\n"
        "[rates]\ndate = 2026-11-30\nSEK = 0.087\nGBP = '1.17'\nCZK = 1\n"
    )
    rates = config.rates()
    assert rates.rates == {
        "SEK": Decimal("0.087"),
        "GBP": Decimal("1.17"),
        "CZK": Decimal(1),
    }
    assert all(type(rate) is Decimal for rate in rates.rates.values())
    assert rates.day == date(2026, 11, 30) and rates.note == ""


def test_rates_are_to_the_default_currency(monkeypatch):
    write_settings("[rates]\nEUR = 11.5\n")
    monkeypatch.setenv("FOCUS_TUI_CURRENCY", "SEK")
    rates = config.rates()
    assert rates.base == "SEK" and rates.rates == {"EUR": Decimal("11.5")}


def test_bad_entries_are_left_out_with_one_line_saying_so():
    write_settings("[rates]\ndate = 'soon'\nSEK = -0.087\nXYZ = 2\nGBP = 1.17\n")
    rates = config.rates()
    assert rates.rates == {"GBP": Decimal("1.17")} and rates.day is None
    assert rates.note == (
        "settings.toml [rates]: date ignored (write it as date = 2026-11-30); "
        "SEK ignored (not a positive number); XYZ ignored (not a currency we know)."
    )


def test_a_broken_file_is_a_note_not_a_crash():
    write_settings("[rates\nSEK = 0.087\n")
    rates = config.rates()
    assert not rates and "not valid TOML" in rates.note
    assert config.default_currency() == "EUR"

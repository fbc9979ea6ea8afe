"""Totals of money (core.money.MoneyTotals): one sum per currency, never one
number for several currencies, in full and in narrow places; and totals
converted at user-set rates (core.money.Rates), always marked as such."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from focus_tui.core.money import CurrencySum, MoneyTotals, more_label, parse_rates

EUR_SEK = MoneyTotals.collect([("EUR", 1_200_000, 3), ("SEK", 450_000, 1)])


def test_collect_adds_up_each_currency_apart():
    totals = MoneyTotals.collect(
        [("SEK", 100, 1), ("EUR", 250, 1), ("SEK", 50, 2), ("EUR", 0, 1)]
    )
    assert [(s.currency, s.cents, s.count) for s in totals] == [
        ("SEK", 150, 3),
        ("EUR", 250, 2),
    ]
    assert totals.count == 5 and totals.currencies == ("SEK", "EUR")
    assert totals.cents_of("EUR") == 250 and totals.cents_of("GBP") == 0
    assert totals.get("GBP") is None and totals.get("SEK").amount == Decimal("1.5")
    assert not MoneyTotals() and len(totals) == 2


def test_most_frequent_first_then_larger_sum_then_code():
    totals = MoneyTotals.collect(
        [
            ("GBP", 100, 1),
            ("SEK", 900, 1),
            ("EUR", 5, 4),
            ("CZK", 900, 1),
            ("PLN", 900, 2),
        ]
    )
    assert totals.currencies == ("EUR", "PLN", "CZK", "SEK", "GBP")


def test_nothing_counted_leaves_the_currency_out():
    assert MoneyTotals.collect([("EUR", 0, 0)]) == MoneyTotals()


def test_adding_totals_keeps_currencies_apart():
    more = MoneyTotals.collect([("SEK", 50_000, 1), ("GBP", 10_000, 1)])
    both = EUR_SEK + more
    assert {s.currency: (s.cents, s.count) for s in both} == {
        "EUR": (1_200_000, 3),
        "SEK": (500_000, 2),
        "GBP": (10_000, 1),
    }


def test_a_currency_twice_and_float_cents_are_refused():
    with pytest.raises(ValueError):
        MoneyTotals((CurrencySum("EUR", 1), CurrencySum("EUR", 2)))
    with pytest.raises(TypeError):
        CurrencySum("EUR", 1.5)  # type: ignore[arg-type]


def test_full_and_compact_text_name_every_currency():
    assert EUR_SEK.format() == "12 000 EUR + 4 500 SEK"
    assert EUR_SEK.format(compact=True) == "12k EUR + 4.5k SEK"
    assert MoneyTotals().format() == ""
    # The sum of the two (16 500) is nowhere.
    assert "16" not in EUR_SEK.format() + EUR_SEK.format(compact=True)


def test_compact_lines_show_what_fits_and_how_many_did_not():
    monthly = MoneyTotals.collect([("EUR", 30_000, 1)])
    assert EUR_SEK.compact_lines(14, 3, monthly=monthly) == [
        "12k EUR",
        "4.5k SEK",
        "+300/mo EUR",
    ]
    assert EUR_SEK.compact_lines(14, 2, monthly=monthly) == ["12k EUR", "+2 more"]
    assert EUR_SEK.compact_lines(40, 1, monthly=monthly) == [
        "12k EUR · 4.5k SEK · +300/mo EUR"
    ]
    assert EUR_SEK.compact_lines(14, 1) == ["+2 more"]
    assert MoneyTotals().compact_lines(14, 3) == []


def test_compact_lines_never_show_a_cross_currency_number():
    codes = ["EUR", "SEK", "CZK", "GBP", "PLN", "USD", "NOK"]
    totals = MoneyTotals.collect(
        (code, (i + 1) * 123_456, 10 - i) for i, code in enumerate(codes)
    )
    for width in range(6, 60):
        for lines in (1, 2, 3, 4):
            laid = totals.compact_lines(width, lines)
            assert len(laid) <= lines and all(len(line) <= width for line in laid)
            pieces = [piece for line in laid for piece in line.split(" · ")]
            # Each piece is one currency's sum, or says how many are left out.
            sums = [p for p in pieces if re.fullmatch(r"[\d.]+[kMBT]? [A-Z]{3}", p)]
            assert len(sums) + (len(pieces) > len(sums)) == len(pieces), pieces
            hidden = len(codes) - len(sums)
            if hidden:
                assert pieces[-1] in (more_label(hidden), f"+{hidden}"), pieces
            assert [p.split()[1] for p in sums] == codes[: len(sums)]


def test_monthly_only_currency_reads_without_a_plus():
    once = MoneyTotals.collect([("EUR", 0, 1)])
    monthly = MoneyTotals.collect([("EUR", 99_000, 1)])
    assert once.compact_lines(14, 3, monthly=monthly) == ["990/mo EUR"]
    assert once.compact_lines(14, 3) == ["0 EUR"]


# -- conversion at user-set rates --------------------------------------------------


def rates(table, base="EUR"):
    return parse_rates(table, base)


def test_rates_convert_a_total_when_they_cover_every_currency():
    given = rates({"SEK": Decimal("0.087"), "date": date(2026, 11, 30)})
    assert given and given.rates == {"SEK": Decimal("0.087")} and not given.note
    converted = given.convert(EUR_SEK)
    # 12 000 EUR + 4 500 SEK × 0.087 = 12 391.50 EUR, exactly.
    assert (converted.cents, converted.currency) == (1_239_150, "EUR")
    assert converted.format() == "≈ 12 391.50 EUR (converted, rates of 2026-11-30)"
    assert converted.format(compact=True) == "≈ 12.4k EUR"
    # A currency without a rate: no converted figure at all.
    assert given.convert(EUR_SEK + MoneyTotals.collect([("GBP", 100, 1)])) is None
    assert rates(None).convert(EUR_SEK) is None and not rates(None)


def test_conversion_rounds_once_half_up():
    given = rates({"SEK": "0.0875"})
    one = MoneyTotals.collect([("SEK", 1, 1)])  # 0.01 SEK = 0.000875 EUR
    assert given.convert(one).cents == 0
    many = MoneyTotals.collect([("SEK", 2, 1), ("EUR", 0, 1)])
    assert given.convert(many).cents == 0  # 0.175 cents
    assert given.convert(MoneyTotals.collect([("SEK", 6, 1)])).cents == 1  # 0.525


def test_worth_showing_skips_totals_in_the_default_currency_alone():
    given = rates({"SEK": "0.087"})
    assert given.worth_showing(MoneyTotals.collect([("EUR", 100, 1)])) is None
    assert given.worth_showing(MoneyTotals()) is None
    assert given.worth_showing(EUR_SEK) == given.convert(EUR_SEK)


@pytest.mark.parametrize(
    "table, problem",
    [
        ({"SEK": Decimal("-1")}, "SEK ignored (not a positive number)"),
        ({"SEK": 0}, "SEK ignored (not a positive number)"),
        ({"SEK": "abc"}, "SEK ignored (not a positive number)"),
        ({"SEK": "NaN"}, "SEK ignored (not a positive number)"),
        ({"SEK": True}, "SEK ignored (not a positive number)"),
        ({"SEK": [1]}, "SEK ignored (not a positive number)"),
        ({"XYZ": Decimal(1)}, "XYZ ignored (not a currency we know)"),
        ({"[bold]x\x1b": 1}, "an entry ignored (not a currency we know)"),
        ({"EUR": Decimal(2)}, "EUR ignored (EUR is the default currency)"),
        ({"date": "30.11.2026"}, "date ignored (write it as date = 2026-11-30)"),
        ({"date": 20261130}, "date ignored"),
    ],
)
def test_bad_rate_entries_are_ignored_with_a_note(table, problem):
    given = rates({"GBP": Decimal("1.17"), **table})
    assert given.rates == {"GBP": Decimal("1.17")}
    assert problem in given.note
    assert given.note.startswith("settings.toml [rates]: ") and "\n" not in given.note
    assert "\x1b" not in given.note and "[bold]" not in given.note


def test_rates_table_of_the_wrong_shape():
    given = rates(5)
    assert not given and "table" in given.note


def test_rates_are_decimals_never_floats():
    given = rates({"SEK": 0.087, "NOK": 3, "sek": "0.09"})
    assert all(isinstance(rate, Decimal) for rate in given.rates.values())
    assert given.rates["NOK"] == Decimal(3)
    # Lower-case codes are codes too; the later entry wins.
    assert given.rates["SEK"] == Decimal("0.09")
    assert given.day is None
    assert given.convert(EUR_SEK).rates_label == "undated rates"

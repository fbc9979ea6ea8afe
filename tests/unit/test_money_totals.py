"""Totals of money (core.money.MoneyTotals): one sum per currency, never one
number for several currencies, in full and in narrow places."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from focus_tui.core.money import CurrencySum, MoneyTotals, more_label

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

"""Tests for focus_tui.core.money: parsing typed sums, display, round trips."""

from __future__ import annotations

import random
import subprocess
import sys
import unicodedata
from decimal import Decimal

import pytest

from focus_tui.core.errors import UserError
from focus_tui.core.money import (
    CURRENCIES,
    DEFAULT_CURRENCY,
    MAX_AMOUNT,
    AmountError,
    Money,
    format_amount,
    format_compact,
    parse_amount,
    parse_money,
)

D = Decimal

# ---------------------------------------------------------------- accepted


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        # plain and grouped
        ("1200", "1200", None),
        ("1 200", "1200", None),
        ("1 200 000", "1200000", None),
        ("  1200  ", "1200", None),
        ("1\t200", "1200", None),
        ("0", "0", None),
        ("000", "0", None),
        ("007", "7", None),
        # decimals
        ("1 200,50", "1200.50", None),
        ("1.200,50", "1200.50", None),
        ("1,200.50", "1200.50", None),
        ("1200.5", "1200.50", None),
        ("1200,5", "1200.50", None),
        ("1,5", "1.50", None),
        ("1.25", "1.25", None),
        ("0,5", "0.50", None),
        ("0.05", "0.05", None),
        (".5", "0.50", None),
        (",5", "0.50", None),
        ("1200.", "1200", None),
        ("1200,-", "1200", None),
        ("12,\u2013", "12", None),
        ("1.200.000,75", "1200000.75", None),
        ("1,200,000.75", "1200000.75", None),
        # one separator, once, three digits after: grouping
        ("1,200", "1200", None),
        ("1.200", "1200", None),
        ("999.999", "999999", None),
        # ... unless it cannot be a thousands separator
        ("1200.500", "1200.50", None),
        ("0.125", "0.13", None),
        ("0,500", "0.50", None),
        (",500", "0.50", None),
        # the same separator more than once: grouping
        ("1.200.000", "1200000", None),
        ("1,200,000", "1200000", None),
        # with spaces or apostrophes grouping, a lone . or , marks decimals
        ("1 200,500", "1200.50", None),
        ("1 200.5", "1200.50", None),
        ("1'200.50", "1200.50", None),
        ("1'200", "1200", None),
        ("1\u2019200.50", "1200.50", None),
        ("1'000'000", "1000000", None),
        # no-break, narrow no-break and thin spaces
        ("1\u00a0200,50", "1200.50", None),
        ("1\u202f200,50", "1200.50", None),
        ("1\u2009200,50", "1200.50", None),
        ("\u00a01\u00a0200\u00a0€\u00a0", "1200", "EUR"),
        # more than two decimals: half-up
        ("1200.005", "1200.01", None),
        ("1200.004", "1200.00", None),
        ("1,2345", "1.23", None),
        ("0.995", "1.00", None),
        ("999999999999.999", "1000000000000", None),
        # currencies
        ("€1200", "1200", "EUR"),
        ("€ 1 200", "1200", "EUR"),
        ("1200 €", "1200", "EUR"),
        ("1200€", "1200", "EUR"),
        ("1200 EUR", "1200", "EUR"),
        ("EUR 1200", "1200", "EUR"),
        ("EUR1200", "1200", "EUR"),
        ("1200 eur", "1200", "EUR"),
        ("1200 Eur", "1200", "EUR"),
        ("$1,200.50", "1200.50", "USD"),
        ("1,200.50 USD", "1200.50", "USD"),
        ("£99.99", "99.99", "GBP"),
        ("1 200,50 SEK", "1200.50", "SEK"),
        ("nok 300", "300", "NOK"),
        ("300 dkk", "300", "DKK"),
        ("CHF 1'200.50", "1200.50", "CHF"),
        ("500 zł", "500", "PLN"),
        ("500 ZŁ", "500", "PLN"),
        ("500 zl", "500", "PLN"),
        ("100 Kč", "100", "CZK"),
        ("100 kc", "100", "CZK"),
        ("¥1,200", "1200", "JPY"),
        ("1200 JPY", "1200", "JPY"),
        ("€1200,-", "1200", "EUR"),
        ("€0", "0", "EUR"),
        # the largest amount
        ("1 000 000 000 000", "1000000000000", None),
        ("1000000000000.00", "1000000000000", None),
    ],
)
def test_parse_money_accepts(text: str, amount: str, currency: str | None) -> None:
    money = parse_money(text)
    assert money == Money(D(amount), currency)
    assert money is not None
    assert money.amount.as_tuple().exponent == -2
    assert parse_amount(text) == D(amount)


def test_parse_returns_exact_decimals_never_floats() -> None:
    money = parse_money("0.10")
    assert money is not None
    assert type(money.amount) is Decimal
    assert money.amount * 3 == D("0.30")


def test_empty_text() -> None:
    for text in ("", "   ", "\u00a0", "\t\n"):
        assert parse_money(text, required=False) is None
        assert parse_amount(text, required=False) is None
        with pytest.raises(AmountError, match="Please enter an amount"):
            parse_money(text)
        with pytest.raises(AmountError, match="Please enter an amount"):
            parse_amount(text)


def test_not_required_still_checks_what_was_typed() -> None:
    assert parse_amount("5", required=False) == D("5.00")
    with pytest.raises(AmountError):
        parse_amount("abc", required=False)
    with pytest.raises(AmountError):
        parse_money("\x1b", required=False)


def test_parse_amount_ignores_but_checks_the_currency() -> None:
    assert parse_amount("1 200 USD") == D("1200.00")
    with pytest.raises(AmountError, match="not a currency we know"):
        parse_amount("100 XYZ")
    with pytest.raises(AmountError, match="two currencies"):
        parse_amount("€ 100 USD")


# ---------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        # negative
        ("-5", ["negative"]),
        ("\u22125", ["negative"]),
        ("\u20135", ["negative"]),
        ("(5)", ["negative"]),
        ("5-", ["negative"]),
        ("€-5", ["negative"]),
        ("-€5", ["negative"]),
        ("$ -5", ["negative"]),
        ("-0", ["negative"]),
        ("(1 200 €)", ["negative"]),
        # not numbers
        ("abc", ["Could not read 'abc' as an amount", "Try:"]),
        ("€", ["Could not read '€' as an amount"]),
        ("12abc", ["'abc' is not a currency we know"]),
        ("1 2 3 x", ["'x' is neither a number nor a currency"]),
        ("five", ["Could not read 'five' as an amount"]),
        ("1-2", ["Could not read '1-2'"]),
        ("(5", ["Could not read '(5'"]),
        ("5 5 5", ["group digits in threes"]),
        ("1 2 3", ["group digits in threes"]),
        ("1.5k", ["in full"]),
        ("2M", ["in full"]),
        ("3 bn", ["in full"]),
        ("NaN", ["Could not read 'NaN'"]),
        ("nan", ["Could not read 'nan'"]),
        ("inf", ["Could not read 'inf'"]),
        ("Infinity", ["Could not read 'Infinity'"]),
        ("5 nan", ["not an amount"]),
        ("1e15", ["exponent"]),
        ("1E5", ["exponent"]),
        ("1e-5", ["exponent"]),
        ("2.5e3 EUR", ["exponent"]),
        ("+5", ["'+'"]),
        ("0x10", ["neither a number nor a currency"]),
        ("1_000", ["'_'"]),
        ("５", ["'５'"]),
        ("١٢", ["'١'"]),
        # currencies
        ("€ 100 USD", ["two currencies", "EUR and USD"]),
        ("$100 €", ["two currencies"]),
        ("€100 EUR", ["currency twice"]),
        ("100 XYZ", ["'XYZ' is not a currency we know", "EUR"]),
        ("XYZ 100", ["'XYZ' is not a currency"]),
        ("100 kr", ["'kr' could be SEK, NOK or DKK", "100 SEK"]),
        ("1 € 200", ["before or after"]),
        # too large
        ("9999999999999", ["too large", "1 000 000 000 000"]),
        ("1000000000000.01", ["too large"]),
        ("9" * 60, ["too large"]),
        ("1" + ".000" * 20, ["too large"]),
        # malformed separators
        ("1.2.3,4,5", ["mixes separators"]),
        ("1,200.000,50", ["mixes separators"]),
        ("1 200.000.000", ["mixes separators"]),
        ("1'200 000", ["mixes separators"]),
        ("12,34,567", ["group digits in threes"]),
        ("1,200,50", ["group digits in threes"]),
        ("1.2.3", ["group digits in threes"]),
        ("1200,000,000", ["group digits in threes"]),
        ("1..2", ["group digits in threes"]),
        ("1 ,5", ["group digits in threes"]),
        ("1,5 000", ["after the decimal separator"]),
        ("1.5.", ["Could not read '1.5.'"]),
        (".", ["Could not read '.'"]),
        # markup, escapes, control characters: never echoed
        ("[b]5[/b]", ["contains '['"]),
        ("[red]5", ["contains '['"]),
        ("\x1b[31m5", ["a control character"]),
        ("5\x00", ["a control character"]),
        ("5\u202e", ["a control character"]),
        ("5\x9b31m", ["a control character"]),
        ("<b>5</b>", ["contains '<'"]),
        ("x" * 101, ["too long"]),
    ],
)
def test_parse_money_refuses(text: str, fragments: list[str]) -> None:
    with pytest.raises(AmountError) as caught:
        parse_money(text)
    message = str(caught.value)
    assert message.strip()
    assert message.endswith(".")
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    "text",
    [
        "[b]5[/b]",
        "[bold red]1200[/]",
        "\x1b[31m5",
        "5\x1b]8;;http://x\x1b\\link",
        "\x07\x08 12",
        "12 \u009b31m",
        "1200 [link=file:///etc]€[/link]",
        "€ 1 200 \x1b[2J",
    ],
)
def test_messages_never_echo_markup_or_control_characters(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_money(text)
    message = str(caught.value)
    assert "\x1b" not in message
    assert "[b]" not in message and "[/" not in message and "[bold" not in message
    assert "[link" not in message and "[31m" not in message
    assert all(unicodedata.category(char)[0] != "C" for char in message), (
        "control or format character in message"
    )


def test_imports_no_textual_or_rich() -> None:
    code = (
        "import sys, focus_tui.core.money\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_amount_error_is_a_user_error() -> None:
    assert issubclass(AmountError, UserError)


def test_random_input_raises_only_amount_error() -> None:
    # Mixed fragments of valid syntax must never leak ValueError & co.
    pieces = [
        "1",
        "0",
        "12",
        "200",
        "000",
        ".",
        ",",
        "'",
        " ",
        "\u00a0",
        "-",
        "\u2212",
        "(",
        ")",
        "€",
        "$",
        "EUR",
        "kr",
        "zł",
        "e",
        "k",
        "nan",
        "inf",
        "x",
        "[",
        "\x1b",
        "9" * 14,
    ]
    rng = random.Random(1234)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        try:
            money = parse_money(text, required=False)
        except AmountError as error:
            assert "\x1b" not in str(error)
        else:
            if money is not None:
                assert D(0) <= money.amount <= MAX_AMOUNT
                assert money.amount.as_tuple().exponent == -2
                assert money.currency is None or money.currency in CURRENCIES


# ---------------------------------------------------------------- Money


def test_money_quantizes_half_up() -> None:
    assert Money(D("1.005")).amount == D("1.01")
    assert Money(D("2.5")).amount.as_tuple().exponent == -2
    assert Money(D("1E+3"), "EUR") == Money(D("1000.00"), "EUR")


def test_money_refuses_floats_and_nonsense() -> None:
    with pytest.raises(TypeError):
        Money(1.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(D("NaN"))
    with pytest.raises(ValueError):
        Money(D("Infinity"))
    with pytest.raises(ValueError):
        Money(D(1), "XYZ")


def test_currencies() -> None:
    assert DEFAULT_CURRENCY in CURRENCIES
    for code in ("EUR", "USD", "GBP", "SEK", "NOK", "DKK", "CHF", "PLN", "CZK", "JPY"):
        assert code in CURRENCIES
        assert parse_money(f"1 {code}") == Money(D(1), code)
        assert parse_money(f"1 {code.lower()}") == Money(D(1), code)
    assert CURRENCIES["EUR"] == "€"
    assert CURRENCIES["PLN"] == "zł"
    assert CURRENCIES["CZK"] == "Kč"


# ---------------------------------------------------------------- display


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (None, None, ""),
        (None, "EUR", ""),
        ("0", None, "0"),
        ("0.00", "EUR", "0 EUR"),
        ("0.5", None, "0.50"),
        ("0.05", "USD", "0.05 USD"),
        ("7", None, "7"),
        ("999", None, "999"),
        ("1000", None, "1 000"),
        ("1200", "EUR", "1 200 EUR"),
        ("1200.00", "EUR", "1 200 EUR"),
        ("1200.5", "EUR", "1 200.50 EUR"),
        ("1200.50", "SEK", "1 200.50 SEK"),
        ("1200.005", None, "1 200.01"),
        ("1234567.89", "CHF", "1 234 567.89 CHF"),
        ("1000000000000", None, "1 000 000 000 000"),
        ("-1200.5", "EUR", "-1 200.50 EUR"),
        ("-0.001", None, "0"),
        ("1E+3", None, "1 000"),
    ],
)
def test_format_amount(amount: str | None, currency: str | None, expected: str) -> None:
    value = None if amount is None else D(amount)
    assert format_amount(value, currency) == expected


def test_format_amount_refuses_programming_errors() -> None:
    with pytest.raises(ValueError):
        format_amount(D(1), "XYZ")
    with pytest.raises(ValueError):
        format_amount(D("NaN"))
    with pytest.raises(TypeError):
        format_amount(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (None, ""),
        ("0", "0"),
        ("0.04", "0"),
        ("0.5", "0.5"),
        ("7", "7"),
        ("12.5", "12.5"),
        ("99.96", "100"),
        ("950", "950"),
        ("999.4", "999"),
        ("999.6", "1k"),
        ("1000", "1k"),
        ("1049", "1k"),
        ("1050", "1.1k"),
        ("12500", "12.5k"),
        ("12345", "12.3k"),
        ("125000", "125k"),
        ("999999", "1M"),
        ("1200000", "1.2M"),
        ("1234567", "1.2M"),
        ("45600000", "45.6M"),
        ("3000000000", "3B"),
        ("1000000000000", "1T"),
        ("-12500", "-12.5k"),
        ("-0.01", "0"),
    ],
)
def test_format_compact(amount: str | None, expected: str) -> None:
    assert format_compact(None if amount is None else D(amount)) == expected


def test_format_compact_stays_short() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        value = D(rng.randint(0, 10**14)) / 100
        label = format_compact(value)
        assert len(label) <= 5, (value, label)


# ---------------------------------------------------------------- round trip


def _round_trip_values() -> list[Decimal]:
    values = [
        D("0"),
        D("0.01"),
        D("0.10"),
        D("0.99"),
        D("1"),
        D("9.99"),
        D("100"),
        D("999"),
        D("1000"),
        D("1000.01"),
        D("1200.50"),
        D("999999.99"),
        D("1000000"),
        D("123456789.12"),
        MAX_AMOUNT - D("0.01"),
        MAX_AMOUNT,
    ]
    rng = random.Random(42)
    for digits in range(1, 15):
        for _ in range(30):
            values.append(D(rng.randrange(10**digits)) / 100)
    return values


@pytest.mark.parametrize("currency", [None, "EUR", "SEK", "CHF", "JPY"])
def test_round_trip(currency: str | None) -> None:
    for value in _round_trip_values():
        text = format_amount(value, currency)
        assert parse_amount(text) == value, text
        assert parse_money(text) == Money(value, currency), text

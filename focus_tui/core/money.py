"""Sums of money as people type and read them, stored exactly as Decimal.

Pure Python (no Textual/Rich), like `dates`, so the CLI, the TUI and the
storage layer share one set of rules. Amounts are never floats: they are
Decimals quantized to two places with ROUND_HALF_UP.

What `parse_money` reads (see its docstring for examples):

* Digits with optional grouping and one decimal separator. Spaces (also
  U+00A0, U+202F and U+2009) and apostrophes (`1'200`, Swiss; also U+2019)
  only ever group digits; `.` and `,` may group or mark decimals:

  - both `.` and `,` present: the LAST one is the decimal separator and must
    occur once; the other groups (`1.200,50`, `1,200.50`);
  - one of them, more than once: it groups (`1.200.000`, `1,200,000`);
  - one of them, once: it groups when it reads as a thousands separator,
    i.e. exactly three digits follow and one to three digits (not starting
    with 0) precede it (`1,200` = 1200, `1.200` = 1200); otherwise it is the
    decimal separator (`1,5`, `1.25`, `1200.500`, `0,125`). When the digits
    are already grouped by spaces or apostrophes it is always the decimal
    separator (`1 200,500` = 1200.50), since a number uses one grouping mark;
  - grouping must be well-formed: one to three digits, then groups of
    exactly three (`12,34,567` and `1 2 3` are refused), with a single kind
    of grouping mark, and none after the decimal separator.

* A decimal separator may start the number (`.5` = 0.50) or end it (`1200.`);
  `1200,-` (common on price tags) means 1200.00.
* More than two decimals are rounded half-up (`1200.005` = 1200.01).
* Amounts must be between 0 and MAX_AMOUNT (10^12) inclusive. Negative
  amounts (`-5`, `−5`, `5-`, `(5)`) are refused: the app records sums, not
  balances.
* Suffixes such as `1.5k` or `2M` are refused with a hint to write the
  number in full: `m` could mean thousand or million depending on the
  reader, and a typo there changes a deal by three orders of magnitude.
  (`format_compact` writes such labels for display only.)
* Scientific notation (`1e15`), NaN and infinity are refused.
* At most one currency, before or after the number, with or without a
  space: a symbol (€ $ £ ¥ zł Kč, also zl kc) or an ISO code (any case).
  `$` is USD and `¥` is JPY. `kr` is refused as ambiguous (SEK, NOK or
  DKK): write the code.
  Unknown codes (`100 XYZ`) and two currencies (`€ 100 USD`) are refused.
* Only digits, ASCII letters, the currency symbols, the separators above,
  whitespace and minus signs/parentheses (to explain negatives) are
  accepted. Other characters are refused without echoing the input, so
  markup or escape sequences never reach the screen through an error.

Display: `format_amount` writes `1 200.50 EUR` - spaces group thousands, a
point marks decimals, `.00` is left out (`1 200 EUR`), and the ISO code
follows (codes are unambiguous where `kr` is not, and fit narrow cards).
`parse_amount` reads every such text back to the same Decimal.

Totals: `MoneyTotals` is the one shape of a sum over several amounts - one
`CurrencySum` (cents and count) per currency, most frequent first; it has
no single number for two currencies. `Rates` (settings.toml's [rates], read
by `parse_rates`) may turn a total into the default currency: a `Converted`
figure, always written with "≈" and the rates' date.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .errors import UserError

__all__ = [
    "CURRENCIES",
    "DEFAULT_CURRENCY",
    "MAX_AMOUNT",
    "AmountError",
    "Converted",
    "CurrencySum",
    "Money",
    "MoneyTotals",
    "Rates",
    "Terms",
    "format_amount",
    "format_compact",
    "converted_code",
    "more_label",
    "parse_rates",
    "rates_label",
    "parse_amount",
    "parse_money",
    "parse_currency",
    "parse_terms",
    "from_cents",
    "to_cents",
]

MAX_AMOUNT = Decimal(10) ** 12

# ISO 4217 code -> the symbol people type. Several codes may share a symbol.
CURRENCIES: dict[str, str] = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "SEK": "kr",
    "NOK": "kr",
    "DKK": "kr",
    "CHF": "CHF",
    "PLN": "zł",
    "CZK": "Kč",
    "JPY": "¥",
}

DEFAULT_CURRENCY = "EUR"

EXAMPLES = "1200, 1 200,50, 1,200.50, €1200, 1200 SEK"

_CENT = Decimal("0.01")


class AmountError(UserError):
    """Text that cannot be read as an amount of money; the message says why."""


@dataclass(frozen=True)
class Money:
    """An amount, quantized to cents, and the currency the text named.

    `currency` is an ISO code from CURRENCIES, or None when the text named
    none (the caller decides the default, e.g. DEFAULT_CURRENCY).
    """

    amount: Decimal
    currency: str | None = None

    def __post_init__(self) -> None:
        # A float would already have lost cents; refuse it loudly.
        if not isinstance(self.amount, Decimal):
            raise TypeError(
                f"Money amount must be a Decimal, not {type(self.amount).__name__}"
            )
        if not self.amount.is_finite():
            raise ValueError(f"Money amount must be finite, not {self.amount}")
        if self.currency is not None and self.currency not in CURRENCIES:
            raise ValueError(f"unknown currency code {self.currency!r}")
        object.__setattr__(self, "amount", _to_cents(self.amount))


def _to_cents(amount: Decimal) -> Decimal:
    # Enough precision that quantize never fails on large (display) totals.
    with localcontext() as context:
        context.prec = max(40, amount.adjusted() + 10)
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- parsing


def parse_money(text: str, *, required: bool = True) -> Money | None:
    """Read what a person typed as Money; raise AmountError saying why not.

    Accepted, for example: 1200, 1 200, 1 200,50, 1.200,50, 1,200.50,
    1200.5, 1200,5, 1'200.50, .5, €1200, € 1 200, 1200 €, 1200€, 1200 EUR,
    EUR 1200, 1200 eur, $1,200.50, 500 zł. See the module docstring for
    how `.` and `,` are told apart. Empty text gives None when not
    `required`, else an AmountError.
    """
    shown = _checked(text)
    if not shown:
        if required:
            raise AmountError(f"Please enter an amount. Try: {EXAMPLES}.")
        return None
    if not any(char in string.digits for char in shown):
        raise _generic(shown)
    if _SCIENTIFIC.search(shown):
        raise AmountError(
            f"Could not read {_quote(shown)}: write the amount in plain digits, "
            "without an exponent."
        )
    currency, number = _split_currency(shown)
    return Money(_parse_number(number, shown), currency)


def parse_amount(text: str, *, required: bool = True) -> Decimal | None:
    """Like parse_money, but only the amount: a named currency is ignored.

    The currency is still checked (unknown codes and two currencies are
    refused), so `parse_amount(format_amount(x, "EUR")) == x`. Callers
    that must not lose a typed currency use parse_money.
    """
    money = parse_money(text, required=required)
    return None if money is None else money.amount


_MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash
_SPACES = " \t\r\n\u00a0\u202f\u2009"  # incl. (narrow) no-break and thin space
_SYMBOL_CHARS = "€$£¥"
_SYMBOL_LETTERS = "łŁčČ"  # in zł, Kč
_ALLOWED_CHARS = frozenset(
    string.ascii_letters
    + string.digits
    + _SPACES
    + _SYMBOL_CHARS
    + _SYMBOL_LETTERS
    + ".,'\u2019()"
    + _MINUS_SIGNS
)
_MAX_INPUT = 100


def _checked(text: str) -> str:
    """`text` with whitespace collapsed, after refusing foreign characters.

    Whatever this returns contains no markup or control characters, so it
    may be quoted in messages.
    """
    if len(text) > _MAX_INPUT:
        raise AmountError("That is too long to be an amount.")
    for char in text:
        if char not in _ALLOWED_CHARS:
            # Don't echo the input: it may hold markup or escape sequences
            # that would garble the notification or terminal.
            what = repr(char) if char.isprintable() else "a control character"
            raise AmountError(
                f"Could not read that as an amount: it contains {what}. "
                f"Try: {EXAMPLES}."
            )
    # str.split() also splits on no-break and thin spaces.
    return " ".join(text.split()).replace("\u2019", "'")


def _generic(shown: str) -> AmountError:
    return AmountError(f"Could not read {_quote(shown)} as an amount. Try: {EXAMPLES}.")


def _quote(shown: str) -> str:
    # Keep messages one short line even for long input.
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return f"'{shown}'"


_SCIENTIFIC = re.compile(r"\d\s*e\s*[-+\u2212\u2013]?\s*\d", re.IGNORECASE)
_WORD = re.compile(rf"[a-zA-Z{_SYMBOL_LETTERS}]+|[{re.escape(_SYMBOL_CHARS)}]")
_NOT_NUMBERS = frozenset({"nan", "inf", "infinity"})
_SUFFIXES = frozenset({"k", "m", "mm", "mn", "mio", "b", "bn", "t", "tn"})

_CURRENCY_WORDS: dict[str, str] = {code.casefold(): code for code in CURRENCIES}
for _code, _symbol in CURRENCIES.items():
    if list(CURRENCIES.values()).count(_symbol) == 1:
        _CURRENCY_WORDS[_symbol.casefold()] = _code
# Without the Polish and Czech letters, as typed on other keyboards.
_CURRENCY_WORDS.update({"zl": "PLN", "kc": "CZK"})
_AMBIGUOUS = {
    symbol.casefold(): [c for c, s in CURRENCIES.items() if s == symbol]
    for symbol in CURRENCIES.values()
    if list(CURRENCIES.values()).count(symbol) > 1
}


def _split_currency(shown: str) -> tuple[str | None, str]:
    """(ISO code or None, the text without it) after checking the words."""
    words = list(_WORD.finditer(shown))
    codes: list[str] = []
    for match in words:
        word = match[0]
        key = word.casefold()
        if key in _CURRENCY_WORDS:
            codes.append(_CURRENCY_WORDS[key])
        elif key in _AMBIGUOUS:
            choices = _AMBIGUOUS[key]
            raise AmountError(
                f"'{word}' could be {', '.join(choices[:-1])} or {choices[-1]}: "
                f"write the code, e.g. 100 {choices[0]}."
            )
        elif key in _SUFFIXES:
            raise AmountError(
                f"Could not read {_quote(shown)}: write the amount in full, "
                "e.g. 1500 rather than 1.5k."
            )
        elif key in _NOT_NUMBERS:
            raise AmountError(f"{_quote(shown)} is not an amount: write a number.")
        elif len(word) == 3 and word.isascii():
            raise AmountError(
                f"'{word}' is not a currency we know; use one of "
                f"{', '.join(CURRENCIES)}."
            )
        else:
            raise AmountError(
                f"{_quote(shown)} is not an amount: '{word}' is neither a number "
                "nor a currency."
            )
    if len(codes) > 1:
        if len(set(codes)) == 1:
            raise AmountError(
                f"{_quote(shown)} names the currency twice; give it once."
            )
        raise AmountError(
            f"{_quote(shown)} names two currencies ({codes[0]} and {codes[1]}); "
            "give just one."
        )
    if not words:
        return None, shown
    match = words[0]
    rest = (shown[: match.start()] + " " + shown[match.end() :]).strip()
    _refuse_negative(rest, shown)
    if match.start() != 0 and match.end() != len(shown):
        raise AmountError(
            f"Could not read {_quote(shown)}: put the currency before or after "
            "the number."
        )
    return codes[0], rest


def _refuse_negative(number: str, shown: str) -> None:
    leading = number[:1] != "" and number[0] in _MINUS_SIGNS
    # A trailing minus right after a separator is "1200,-", not negative.
    trailing = (
        number[-1:] != ""
        and number[-1] in _MINUS_SIGNS
        and number[-2:-1] not in (".", ",")
    )
    bracketed = number.startswith("(") and number.endswith(")")
    if leading or trailing or bracketed:
        raise AmountError(f"{_quote(shown)} is negative; amounts must be 0 or more.")


_GROUP_MARKS = " '"


def _parse_number(number: str, shown: str) -> Decimal:
    """The Decimal of `number` (digits and separators, no currency)."""
    _refuse_negative(number, shown)
    # "1200,-" / "1200.-": a whole amount, as on price tags.
    if len(number) >= 2 and number[-1] in _MINUS_SIGNS and number[-2] in ".,":
        number = number[:-1]
    if any(char not in string.digits + ".," + _GROUP_MARKS for char in number):
        raise _generic(shown)
    decimal_mark = _decimal_mark(number)
    if decimal_mark is None:
        whole, fraction = number, ""
    else:
        whole, _, fraction = number.rpartition(decimal_mark)
    if not fraction.isdigit() and fraction:
        raise AmountError(
            f"Could not read {_quote(shown)}: digits after the decimal "
            "separator cannot be grouped."
        )
    digits = _ungroup(whole, shown) if whole else ""
    if not digits and not fraction:
        raise _generic(shown)
    digits = digits.lstrip("0")
    if len(digits) > len(str(MAX_AMOUNT)):
        raise _too_large(shown)
    amount = _to_cents(Decimal(f"{digits or '0'}.{fraction or '0'}"))
    if amount > MAX_AMOUNT:
        raise _too_large(shown)
    return amount


def _decimal_mark(number: str) -> str | None:
    """Which of `.` and `,` marks decimals in `number`, if any."""
    dots, commas = number.count("."), number.count(",")
    if dots and commas:
        return "." if number.rfind(".") > number.rfind(",") else ","
    mark = "." if dots else "," if commas else None
    if mark is None or number.count(mark) > 1:
        return None  # only grouping
    if any(char in _GROUP_MARKS for char in number):
        return mark  # already grouped: one grouping mark per number
    before, _, after = number.partition(mark)
    thousands = (
        len(after) == 3
        and after.isdigit()
        and 1 <= len(before) <= 3
        and before.isdigit()
        and not before.startswith("0")
    )
    return None if thousands else mark


def _ungroup(whole: str, shown: str) -> str:
    """The digits of the integer part, after checking its grouping."""
    marks = {char for char in whole if not char.isdigit()}
    if not marks:
        return whole
    if len(marks) > 1:
        # Also catches a second decimal separator: "1.2.3,4,5".
        raise AmountError(
            f"Could not read {_quote(shown)}: it mixes separators; group digits "
            "one way and use one decimal separator."
        )
    groups = whole.split(marks.pop())
    if not (
        1 <= len(groups[0]) <= 3
        and all(len(group) == 3 for group in groups[1:])
        and all(group.isdigit() for group in groups)
    ):
        raise AmountError(
            f"Could not read {_quote(shown)}: group digits in threes, "
            "e.g. 1 200 000 or 1.200.000."
        )
    return "".join(groups)


def _too_large(shown: str) -> AmountError:
    return AmountError(
        f"{_quote(shown)} is too large: amounts must be at most "
        f"{format_amount(MAX_AMOUNT)}."
    )


def parse_currency(code: str) -> str:
    """An ISO code from CURRENCIES (any case), or a UserError listing them."""
    shown = code.strip().upper()
    if shown not in CURRENCIES:
        what = _quote(shown) if shown.isascii() and shown.isalnum() else "that"
        raise AmountError(
            f"Unknown currency {what}. Use one of: {', '.join(sorted(CURRENCIES))}."
        )
    return shown


@dataclass(frozen=True)
class Terms:
    """What a proposal or order is worth (None = not given / unchanged).

    One currency for both sums: a proposal is priced in one currency.
    """

    one_time: Decimal | None = None
    monthly: Decimal | None = None
    currency: str | None = None


def parse_terms(
    one_time: str | None,
    monthly: str | None,
    currency: str | None = None,
) -> Terms | None:
    """The sums as people type them, with their one currency; None if nothing.

    The one parser of sums-with-currency: the CLI's --one-time / --monthly /
    --currency, the record form and the step dialogs all call it. Each sum
    may name its currency ("1200 SEK"); `currency` is the separate field or
    option, if any. Different currencies are refused rather than one of
    them silently dropped.
    """
    one = parse_money(one_time, required=False) if one_time is not None else None
    month = parse_money(monthly, required=False) if monthly is not None else None
    named = [m.currency for m in (one, month) if m is not None and m.currency]
    if currency is not None and currency.strip():
        named.append(parse_currency(currency))
    codes = list(dict.fromkeys(named))
    if len(codes) > 1:
        raise AmountError(
            f"The sums name different currencies ({' and '.join(codes)}); "
            "a proposal has one currency."
        )
    if one is None and month is None and not codes:
        return None
    return Terms(
        one_time=one.amount if one else None,
        monthly=month.amount if month else None,
        currency=codes[0] if codes else None,
    )


MAX_CENTS = int(MAX_AMOUNT * 100)


def to_cents(amount: Decimal | None) -> int | None:
    """Whole cents, as sums are stored."""
    if amount is None:
        return None
    if amount < 0:
        raise AmountError("A sum cannot be negative.")
    cents = int((amount * 100).to_integral_value())
    if cents > MAX_CENTS:
        raise AmountError("That sum is too large (more than 10^12).")
    return cents


def from_cents(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(_CENT)


# ---------------------------------------------------------------- display


def format_amount(amount: Decimal | None, currency: str | None = None) -> str:
    """The amount for screens: "1 200.50 EUR", "1 200 EUR", "0.50", "".

    Spaces group thousands, a point marks decimals, `.00` is left out and the
    ISO code (if given) follows. Rounds half-up to cents; a negative amount
    (a total or a difference, never typed) gets a leading "-". parse_amount
    reads the result back to the same value.
    """
    if amount is None:
        return ""
    if currency is not None and currency not in CURRENCIES:
        raise ValueError(f"unknown currency code {currency!r}")
    cents = _to_cents(_finite(amount))
    if cents == 0:
        cents = abs(cents)  # no "-0"
    text = f"{cents:,.2f}".replace(",", " ").removesuffix(".00")
    return f"{text} {currency}" if currency else text


_COMPACT_UNITS = (
    (Decimal(1), ""),
    (Decimal(10) ** 3, "k"),
    (Decimal(10) ** 6, "M"),
    (Decimal(10) ** 9, "B"),
    (Decimal(10) ** 12, "T"),
)


def format_compact(amount: Decimal | None) -> str:
    """A short label for narrow headers: "950", "12.5k", "1.2M", "3B", "".

    Three significant digits at most (below 10^15): one decimal below 100
    of a unit (k = thousand, M = million, B = billion, T = trillion), whole
    units from 100 on; ".0" is left out; rounds half-up. No currency.
    Display only: parse_money refuses these suffixes.
    """
    if amount is None:
        return ""
    value = abs(_finite(amount))
    for scale, suffix in _COMPACT_UNITS:
        shown = _round_compact(value / scale)
        # 999.6 rounds to 1000: that is 1k. Past the last unit: 1500T.
        if shown < 1000 or suffix == _COMPACT_UNITS[-1][1]:
            text = f"{shown:f}".removesuffix(".0")
            sign = "-" if amount < 0 and shown != 0 else ""
            return f"{sign}{text}{suffix}"
    raise AssertionError("unreachable")  # pragma: no cover


def _round_compact(scaled: Decimal) -> Decimal:
    """One decimal below 100, whole numbers from 100 on."""
    step = Decimal("0.1") if scaled < 100 else Decimal(1)
    with localcontext() as context:
        context.prec = max(40, scaled.adjusted() + 10)
        return scaled.quantize(step, rounding=ROUND_HALF_UP)


def _finite(amount: Decimal) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"amount must be finite, not {amount}")
    return amount


# ---------------------------------------------------------------- totals


@dataclass(frozen=True)
class CurrencySum:
    """The sum of some amounts in one currency, and how many there were."""

    currency: str
    cents: int
    count: int = 1

    def __post_init__(self) -> None:
        # Cents are whole numbers; a float would already have lost some.
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError(f"cents must be an int, not {type(self.cents).__name__}")

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100

    def format(self, compact: bool = False) -> str:
        """ "12 000 EUR", or "12k EUR" when `compact`."""
        if compact:
            return f"{format_compact(self.amount)} {self.currency}"
        return f"{format_amount(self.amount)} {self.currency}"


def _order_key(item: CurrencySum) -> tuple:
    # Most frequent first; among equals the larger sum, then the code.
    return (-item.count, -item.cents, item.currency)


@dataclass(frozen=True)
class MoneyTotals:
    """Sums by currency: what a total of money is (DESIGN §1 "Money").

    Never one number for several currencies: each currency keeps its own
    sum and count, most frequent first (ties: the larger sum, then the
    code). Build it with `collect`; `+` adds totals currency by currency.
    A converted figure comes only from `Rates.convert`, marked as such.
    """

    sums: tuple[CurrencySum, ...] = ()

    def __post_init__(self) -> None:
        codes = [item.currency for item in self.sums]
        if len(set(codes)) != len(codes):
            raise ValueError("a currency appears twice; use MoneyTotals.collect")
        object.__setattr__(self, "sums", tuple(sorted(self.sums, key=_order_key)))

    @classmethod
    def collect(
        cls, items: Iterable[CurrencySum | tuple[str, int] | tuple[str, int, int]]
    ) -> MoneyTotals:
        """Totals of (currency, cents[, count]) items, repeats added up.

        A count of 0 leaves the currency out (nothing of it was summed).
        """
        cents: dict[str, int] = {}
        counts: dict[str, int] = {}
        for item in items:
            if not isinstance(item, CurrencySum):
                item = CurrencySum(*item)
            if item.count <= 0:
                continue
            cents[item.currency] = cents.get(item.currency, 0) + item.cents
            counts[item.currency] = counts.get(item.currency, 0) + item.count
        return cls(tuple(CurrencySum(c, cents[c], counts[c]) for c in cents))

    def __add__(self, other: MoneyTotals) -> MoneyTotals:
        if not isinstance(other, MoneyTotals):
            return NotImplemented
        return MoneyTotals.collect((*self.sums, *other.sums))

    def __iter__(self) -> Iterator[CurrencySum]:
        return iter(self.sums)

    def __len__(self) -> int:
        return len(self.sums)

    def __bool__(self) -> bool:
        return bool(self.sums)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(item.currency for item in self.sums)

    @property
    def count(self) -> int:
        """How many amounts were summed, in all currencies (counts add up)."""
        return sum(item.count for item in self.sums)

    def get(self, currency: str) -> CurrencySum | None:
        return next((i for i in self.sums if i.currency == currency), None)

    def cents_of(self, currency: str) -> int:
        item = self.get(currency)
        return item.cents if item else 0

    def format(self, compact: bool = False, sep: str = " + ") -> str:
        """ "12 000 EUR + 4 500 SEK" (compact: "12k EUR + 4.5k SEK"); "" if none."""
        return sep.join(item.format(compact) for item in self.sums)

    def compact_lines(
        self,
        width: int,
        lines: int,
        *,
        monthly: MoneyTotals | None = None,
        sep: str = " · ",
    ) -> list[str]:
        """The sums in at most `lines` lines of `width` cells, for narrow places.

        First each currency's sum, most frequent first ("24.2k EUR"), then
        the monthly sums ("+300/mo EUR"; "990/mo EUR" for a currency with
        only monthly sums). Texts share a line (joined by `sep`) when they
        fit. When not all fit, the last line says how many sums are left
        out ("+2 more"): never a number that adds two currencies.
        """
        monthly = monthly or MoneyTotals()
        recurring = {item.currency for item in monthly if item.cents}
        texts = [
            item.format(compact=True)
            for item in self
            if item.cents or item.currency not in recurring
        ]
        shown_once = {item.currency for item in self if item.cents}
        for item in monthly:
            if item.cents:
                sign = "+" if item.currency in shown_once else ""
                amount = format_compact(item.amount)
                texts.append(f"{sign}{amount}/mo {item.currency}")
        for shown in range(len(texts), -1, -1):
            kept = texts[:shown]
            if shown < len(texts):
                kept.append(more_label(len(texts) - shown))
            laid = _lay_out(kept, width, sep)
            if laid is not None and len(laid) <= lines:
                return laid
        # Narrower than "+3 more": the bare count, or nothing.
        short = f"+{len(texts)}"
        return [short] if texts and len(short) <= width else []


def more_label(hidden: int) -> str:
    """What stands for `hidden` sums that did not fit: "+2 more"."""
    return f"+{hidden} more"


def _lay_out(texts: list[str], width: int, sep: str) -> list[str] | None:
    """`texts` packed into lines of `width`; None if one alone is too wide."""
    laid: list[str] = []
    for text in texts:
        if len(text) > width:
            return None
        if laid and len(laid[-1]) + len(sep) + len(text) <= width:
            laid[-1] += sep + text
        else:
            laid.append(text)
    return laid


# ---------------------------------------------------------------- conversion


@dataclass(frozen=True)
class Converted:
    """A total turned into one currency at user-set rates: an estimate."""

    cents: int
    currency: str
    day: date | None  # the rates' date, if the settings gave one

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100

    @property
    def rates_label(self) -> str:
        """ "rates of 2026-11-30", or "undated rates"."""
        return rates_label(self.day)

    def format(self, compact: bool = False) -> str:
        """ "≈ 16 350 EUR (converted, rates of 2026-11-30)"; compact: "≈ 16.4k EUR"."""
        if compact:
            return f"≈ {format_compact(self.amount)} {self.currency}"
        return (
            f"≈ {format_amount(self.amount)} {self.currency} "
            f"(converted, {self.rates_label})"
        )

    @property
    def code(self) -> str:
        return converted_code(self.currency)


def rates_label(day: date | None) -> str:
    return f"rates of {day.isoformat()}" if day else "undated rates"


def converted_code(currency: str) -> str:
    """How a converted figure's currency is written where a code stands
    alone (a table's currency column): "≈ EUR", never taken for "EUR"."""
    return f"≈ {currency}"


@dataclass(frozen=True)
class Rates:
    """Exchange rates to the default currency, as the user set them.

    `rates[code]` is what one unit of `code` is worth in `base` (Decimal,
    never float). `problems` are the entries that were left out, each a
    short sentence; `note` puts them on one line for where figures show.
    """

    base: str
    rates: dict[str, Decimal] = field(default_factory=dict)
    day: date | None = None
    problems: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rates)

    def covers(self, totals: MoneyTotals) -> bool:
        return bool(self.rates) and all(
            code == self.base or code in self.rates for code in totals.currencies
        )

    def convert(self, totals: MoneyTotals) -> Converted | None:
        """The total in `base`, or None unless rates cover every currency.

        Exact Decimal arithmetic, rounded half-up to cents once at the end.
        """
        if not self.covers(totals):
            return None
        with localcontext() as context:
            context.prec = 50
            exact = Decimal(0)
            for item in totals:
                rate = 1 if item.currency == self.base else self.rates[item.currency]
                exact += Decimal(item.cents) * rate
            cents = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return Converted(cents, self.base, self.day)

    def worth_showing(self, totals: MoneyTotals) -> Converted | None:
        """`convert`, but None when the total is in `base` alone already."""
        if not totals or set(totals.currencies) <= {self.base}:
            return None
        return self.convert(totals)

    @property
    def note(self) -> str:
        """One line about ignored entries, "" if there were none."""
        if not self.problems:
            return ""
        return "settings.toml [rates]: " + "; ".join(self.problems) + "."


_MAX_RATE = Decimal(10) ** 9


def parse_rates(table: object, base: str) -> Rates:
    """Rates from the [rates] table of settings.toml; bad entries are left out.

        [rates]
        date = 2026-11-30
        SEK = 0.087      # 1 SEK = 0.087 of the default currency

    Read with `parse_float=Decimal` so no rate is ever a float; strings
    ("0.087") and whole numbers are accepted too. A rate that is not a
    positive number, an unknown code, a rate for `base` other than 1 and a
    date that is not a date are ignored, each with a problem saying so:
    nothing crashes, and a currency without a usable rate is simply not
    converted.
    """
    if table is None:
        return Rates(base)
    if not isinstance(table, dict):
        return Rates(base, problems=("it must be a table of CODE = rate lines",))
    rates: dict[str, Decimal] = {}
    problems: list[str] = []
    day = None
    for key, value in table.items():
        shown = _shown_key(key)
        if isinstance(key, str) and key.strip().lower() == "date":
            day = _rates_day(value)
            if day is None:
                problems.append("date ignored (write it as date = 2026-11-30)")
            continue
        code = key.strip().upper() if isinstance(key, str) else ""
        if code not in CURRENCIES:
            problems.append(f"{shown} ignored (not a currency we know)")
            continue
        rate = _rate(value)
        if rate is None:
            problems.append(f"{shown} ignored (not a positive number)")
        elif code == base and rate != 1:
            problems.append(f"{shown} ignored ({base} is the default currency)")
        elif code != base:
            rates[code] = rate
    return Rates(base, rates, day, tuple(problems))


def _shown_key(key: object) -> str:
    """The key for a message: only short, plain ones are echoed."""
    if isinstance(key, str) and 0 < len(key) <= 12 and key.isascii() and key.isalnum():
        return key
    return "an entry"


def _rate(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = str(value)  # the shortest text that reads back as typed
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except ArithmeticError:
            return None
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    return value if 0 < value <= _MAX_RATE else None


def _rates_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None

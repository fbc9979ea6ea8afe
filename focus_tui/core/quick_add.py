"""Quick add: one line that says what to create.

    lead Acme Oy fri 10:00 #nordic @bob
    task call Matti +2d
    note talked about prices
    offer 12 000 EUR 450/mo

The first word (or two) names the record type, as everywhere else
(`core.process.find_type`; "offer" is a Sales Proposal). `#name` is the
cloud, `@name` an actor (any number). A date — any expression `core.dates`
reads, at the end or the start of the rest — is the record's date. For a
proposal, sums as `core.money` reads them: a plain one is the one-time
value, one followed by `/mo`, `/month` or `monthly` the monthly value. The
rest is the title; text in double quotes is always title ("Website 2.0").

Pure: the cloud and the people named are only names here; the domain
(`domain.quick_add`) finds them and creates the record, or says why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import FUTURE, DateError, When, describe_when, parse_when
from .errors import UserError
from .money import AmountError, Terms, format_amount, parse_money, parse_terms
from .process import CREATABLE, SALE_KEYS, RecordType, find_type, with_article
from .text import checked_text, one_line

MAX_LINE = 1000
EXAMPLE = "lead Acme Oy fri 10:00 #nordic @bob"
HELP = (
    "type first (task, lead, note, offer, person), then the title; "
    "a date (fri 10:00, +2d), #cloud, @actor; offer: 12 000 EUR, 450/mo"
)

# What marks a sum as the monthly one: "450/mo", "450 /month", "450 monthly".
_MONTHLY_SUFFIXES = ("/mo", "/month", "/m")
_MONTHLY_WORDS = frozenset({"/mo", "/month", "/m", "monthly", "mo", "pm"})


class QuickAddError(UserError):
    """A quick-add line that cannot be read; the message says why."""


@dataclass(frozen=True)
class QuickLine:
    """What a quick-add line asks for; names not yet looked up."""

    type: RecordType
    title: str  # "" only for a proposal: it takes its lead's title
    when: When | None = None
    terms: Terms | None = None
    cloud: str | None = None
    actors: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    text: str
    quoted: bool = False


def parse_quick(text: str, today: date) -> QuickLine:
    """Read a quick-add line; raise QuickAddError (a UserError) saying why not.

    Relative dates count from `today`; a bare weekday is the next one.
    """
    checked_text(text, "line")
    if len(text) > MAX_LINE:
        raise QuickAddError(f"That line is too long (> {MAX_LINE} characters).")
    tokens = _tokens(text)
    if not tokens:
        raise QuickAddError(f"Type what to create, e.g. {EXAMPLE}.")
    rtype, tokens = _record_type(tokens)
    cloud, actors, rest = _names(tokens, rtype)
    when = None
    if rtype.is_activity:
        when, rest = _take_date(rest, today)
    terms = None
    if rtype.key in SALE_KEYS:
        terms, rest = _take_sums(rest)
    title = " ".join(t.text for t in rest)
    title = " ".join(title.split())
    if not title and rtype.key not in SALE_KEYS:
        raise QuickAddError(
            f"Give {with_article(rtype)} a title after the type, e.g. {EXAMPLE}."
        )
    return QuickLine(rtype, title, when, terms, cloud, actors)


def _tokens(text: str) -> list[_Token]:
    """Words; a "double-quoted phrase" is one word that is always title."""
    tokens: list[_Token] = []
    parts = text.split('"')
    if len(parts) % 2 == 0:
        raise QuickAddError('A quote (") is not closed.')
    for index, part in enumerate(parts):
        if index % 2:
            phrase = " ".join(part.split())
            if phrase:
                tokens.append(_Token(phrase, quoted=True))
        else:
            tokens += [_Token(word) for word in part.split()]
    return tokens


def _record_type(tokens: list[_Token]) -> tuple[RecordType, list[_Token]]:
    # Two words first: "sales lead", "contact note".
    for width in (2, 1):
        words = tokens[:width]
        # Letters only: find_type reads "task -" as "task".
        if len(words) < width or not all(t.text.isalpha() for t in words):
            continue
        rtype = find_type(" ".join(t.text for t in words))
        if rtype is None:
            continue
        if rtype not in CREATABLE:
            raise QuickAddError(
                f"{_upper_first(with_article(rtype))} is not typed in: the sales "
                "steps make it (Sold on a proposal)."
            )
        return rtype, tokens[width:]
    first = one_line(tokens[0].text)[:30]
    names = ", ".join(t.short.lower() for t in CREATABLE)
    raise QuickAddError(
        f"Start with the type ({names} or offer), not {first!r}; e.g. {EXAMPLE}."
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _names(
    tokens: list[_Token], rtype: RecordType
) -> tuple[str | None, tuple[str, ...], list[_Token]]:
    """#cloud and @actors out of the words."""
    cloud: str | None = None
    actors: list[str] = []
    rest: list[_Token] = []
    for token in tokens:
        word = token.text
        if token.quoted or word[0] not in "#@":
            rest.append(token)
            continue
        name = word[1:]
        if not name:
            raise QuickAddError(f"Put a name right after {word}, e.g. #nordic @bob.")
        if word[0] == "#":
            if cloud is not None and cloud.lower() != name.lower():
                raise QuickAddError(
                    f"One cloud per record: #{one_line(cloud)} or "
                    f"#{one_line(name)}, not both."
                )
            cloud = name
        elif name not in actors:
            actors.append(name)
    if actors and not rtype.is_activity:
        raise QuickAddError(f"{_upper_first(with_article(rtype))} has no actors (@).")
    return cloud, tuple(actors), rest


def _date_of(tokens: list[_Token], today: date) -> When | None:
    if not tokens or any(t.quoted for t in tokens):
        return None
    try:
        when = parse_when(" ".join(t.text for t in tokens), today, reading=FUTURE)
    except DateError:
        return None
    # "-" or "none" in a title is a word, not "no date".
    return when if when.date is not None else None


def _take_date(tokens: list[_Token], today: date) -> tuple[When | None, list[_Token]]:
    """The longest date at the end of the words, else at the start."""
    for start in range(len(tokens)):
        when = _date_of(tokens[start:], today)
        if when is not None:
            return when, tokens[:start]
    for end in range(len(tokens), 0, -1):
        when = _date_of(tokens[:end], today)
        if when is not None:
            return when, tokens[end:]
    return None, tokens


def _split_monthly(tokens: list[_Token]) -> list[_Token]:
    """'450/mo' as '450' '/mo', so the sum and its mark read apart."""
    out: list[_Token] = []
    for token in tokens:
        lowered = token.text.lower()
        suffix = next(
            (s for s in _MONTHLY_SUFFIXES if lowered.endswith(s) and lowered != s),
            None,
        )
        if token.quoted or suffix is None:
            out.append(token)
        else:
            out += [_Token(token.text[: -len(suffix)]), _Token(suffix)]
    return out


def _is_sum(tokens: list[_Token]) -> bool:
    if any(t.quoted for t in tokens):
        return False
    try:
        parse_money(" ".join(t.text for t in tokens))
    except AmountError:
        return False
    return True


def _take_sums(tokens: list[_Token]) -> tuple[Terms | None, list[_Token]]:
    """A proposal's one-time and monthly sums out of the words."""
    tokens = _split_monthly(tokens)
    one_time: str | None = None
    monthly: str | None = None
    rest: list[_Token] = []
    at = 0
    while at < len(tokens):
        # A currency may lead its number: "EUR 1200", "€ 1200".
        end = None if tokens[at].quoted else _sum_end(tokens, at)
        if end is None:
            rest.append(tokens[at])
            at += 1
            continue
        text = " ".join(t.text for t in tokens[at:end])
        is_monthly = end < len(tokens) and tokens[end].text.lower() in _MONTHLY_WORDS
        if is_monthly:
            end += 1
        if (monthly if is_monthly else one_time) is not None:
            which = "monthly" if is_monthly else "one-time"
            raise QuickAddError(
                f'Two {which} sums; put a title with numbers in quotes ("Website 2.0").'
            )
        if is_monthly:
            monthly = text
        else:
            one_time = text
        at = end
    if one_time is None and monthly is None:
        return None, rest
    return parse_terms(one_time, monthly), rest


def _sum_end(tokens: list[_Token], start: int) -> int | None:
    """The end of the longest sum starting at `start` that holds a digit."""
    for end in range(min(len(tokens), start + 6), start, -1):
        words = tokens[start:end]
        if not any(ch.isdigit() for t in words for ch in t.text):
            continue
        if _is_sum(words):
            return end
    return None


def describe_quick(line: QuickLine, today: date, *, parent: str = "") -> str:
    """The preview under the input: what enter would create.

    'Sales Lead "Acme Oy" · Fri 4 Dec 2026, 10:00 — in 1 day · #nordic · @bob'
    """
    title = one_line(line.title) or f"(the title of {one_line(parent) or 'its lead'})"
    parts = [f"{line.type.name} “{title}”"]
    if parent:
        parts.append(f"under {one_line(parent)}")
    if line.when is not None:
        parts.append(describe_when(line.when, today))
    if line.terms is not None:
        currency = line.terms.currency
        if line.terms.one_time is not None:
            parts.append(format_amount(line.terms.one_time, currency))
        if line.terms.monthly is not None:
            parts.append(format_amount(line.terms.monthly, currency) + "/month")
    if line.cloud:
        parts.append("#" + one_line(line.cloud))
    parts += ["@" + one_line(name) for name in line.actors]
    return " · ".join(parts)

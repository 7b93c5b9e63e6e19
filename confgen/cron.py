"""Check a cron string against Cloudflare's documented Cron Trigger syntax before deploy.

Why: Cloudflare rejects a bad schedule only at deploy time ("invalid cron string", code 10100),
after the Worker itself is already uploaded; catching it while compiling the manifest is cheaper.

Source: Cloudflare docs, "Cron Triggers" > "Supported cron expressions",
https://developers.cloudflare.com/workers/configuration/cron-triggers/
(cloudflare/cloudflare-docs, src/content/docs/workers/configuration/cron-triggers.mdx).
The page says: five fields, "along with most Quartz scheduler-like cron syntax extensions":

    Minute         0-59                                       * , - /
    Hours          0-23                                       * , - /
    Days of Month  1-31                                       * , - / L W
    Months         1-12, case-insensitive JAN-DEC             * , - /
    Weekdays       1-7 (1 = Sunday), case-insensitive SUN-SAT * , - / L #

and its examples include `*/30 * * * *`, `0 17 * * sun`, `10 7 * * mon-fri`, `0 18 * * 6L`,
`0 18 * * friL` and `59 23 LW * *`. Day-of-week 0 is rejected by Cloudflare (workers-sdk issue
#8674, answered by a docs note, cloudflare-docs PR #21257: 1 = Sunday ... 7 = Saturday).
L, W and # mean what the Quartz tutorial linked from that page says: day-of-month `L` (last day),
`L-n` (n = 1-30 days before it), `LW` (last weekday), `nW` (weekday nearest day n); day-of-week
`L` (Saturday), `nL` (last weekday n of the month), `n#k` (k-th weekday n, k = 1-5). Cloudflare's
own parser (cloudflare/saffron, parse.rs) accepts exactly these, each as the whole field.

Where the docs are silent we reject, so a None here means "documented to work":
`?` (saffron dropped it, PR #4), `@daily`-style macros, seconds or year fields, `L`/`W`/`#`
inside lists or ranges, a bare `*` inside a list, lower-case `l`/`w`, `L-nW`, backwards ranges
such as `FRI-MON` (saffron wraps them; the docs do not say so), steps of 0 or wider than the
field, and anything but single ASCII spaces between fields. Names are case-insensitive, as the
docs state; numbers are ASCII digits, leading zeros allowed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_DIGITS = re.compile(r"[0-9]+")
_DAY = r"([0-9]+|[A-Za-z]+)"
_DOW_LAST = re.compile(_DAY + "L")
_DOW_NTH = re.compile(_DAY + r"#(.*)")
_DOM_OFFSET = re.compile(r"L-(.*)")
_DOM_NEAREST = re.compile(r"(.*)W")


class _Field(NamedTuple):
    """One of the five positions: what it is called, its bounds, and its names if any."""

    position: int
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"field {self.position} ({self.name})"


_FIELDS = (
    _Field(1, "minute", 0, 59),
    _Field(2, "hour", 0, 23),
    _Field(3, "day-of-month", 1, 31),
    _Field(4, "month", 1, 12, _MONTHS),
    _Field(5, "day-of-week", 1, 7, _DAYS),
)
_SHAPE = "minute hour day-of-month month day-of-week"


class _Problem(Exception):
    """Raised at the first thing wrong; its text is the one-line message we return."""


def cron_problem(expression: str) -> str | None:
    """None if Cloudflare Cron Triggers accept `expression`, else what is wrong, in one line."""
    try:
        _check(expression)
    except _Problem as problem:
        return str(problem)
    return None


def _check(text: str) -> None:
    if not text.strip():
        raise _Problem("cron expression is empty")
    odd = next((c for c in text if not c.isascii()), None)
    if odd is not None:
        raise _Problem(f"cron expression contains the non-ASCII character {odd!r}")
    if text.startswith("@"):
        raise _Problem(f'macros such as "{text.split()[0]}" are not supported; write 5 fields')
    if text != text.strip():
        raise _Problem("cron expression has leading or trailing whitespace")
    if any(c.isspace() and c != " " for c in text) or "  " in text:
        raise _Problem("fields must be separated by single spaces")
    fields = text.split(" ")
    if len(fields) != len(_FIELDS):
        extra = "; seconds and year fields are not supported" if len(fields) > 5 else ""
        raise _Problem(f"expected 5 fields ({_SHAPE}), got {len(fields)}{extra}")
    for field, part in zip(_FIELDS, fields):
        _check_field(field, part)


def _check_field(field: _Field, text: str) -> None:
    """Quartz-style L/W/# forms must be the whole field; anything else is a list of items."""
    if "?" in text:
        raise _Problem(f'{field.where}: "?" is not supported by Cloudflare; use "*"')
    dom = field.name == "day-of-month" and any(c in text for c in "LWlw")
    dow = field.name == "day-of-week" and ("L" in text or "#" in text)
    if (dom or dow) and "," in text:
        raise _Problem(f'{field.where} "{text}": L, W and # forms must stand alone, not in a list')
    if dom:
        _check_dom_special(field, text)
    elif dow:
        _check_dow_special(field, text)
    else:
        items = text.split(",")
        if len(items) > 1 and "*" in items:
            raise _Problem(f'{field.where} "{text}": "*" must stand alone, not in a list')
        for item in items:
            _check_item(field, item)


def _check_dom_special(field: _Field, text: str) -> None:
    if text in ("L", "LW"):
        return
    if any(c in text for c in "lw"):
        raise _Problem(f'{field.where} "{text}": write L and W in upper case')
    offset = _DOM_OFFSET.fullmatch(text)
    nearest = _DOM_NEAREST.fullmatch(text)
    if offset and not text.endswith("W"):
        _number(field, offset.group(1), 1, 30, "offset from the last day")
    elif nearest and _DIGITS.fullmatch(nearest.group(1)):
        _value(field, nearest.group(1))
    else:
        raise _Problem(f'{field.where} "{text}" is not one of L, LW, L-n or nW')


def _check_dow_special(field: _Field, text: str) -> None:
    if text == "L":
        return
    last = _DOW_LAST.fullmatch(text)
    nth = _DOW_NTH.fullmatch(text)
    if last:
        _value(field, last.group(1))
    elif nth:
        _value(field, nth.group(1))
        _number(field, nth.group(2), 1, 5, "occurrence after #")
    else:
        raise _Problem(f'{field.where} "{text}" is not one of L, nL or n#k')


def _check_item(field: _Field, item: str) -> None:
    """An item is `*`, a value or a range `a-b`, optionally followed by a step `/s`."""
    base, slash, step = item.partition("/")
    if slash:
        _number(field, step, 1, field.high - field.low, "step")
    if base == "*":
        return
    start_text, dash, end_text = base.partition("-")
    if dash and not (start_text and end_text):
        raise _Problem(f'{field.where} range "{base}" needs both ends')
    start = _value(field, start_text)
    if dash and start > _value(field, end_text):
        raise _Problem(f'{field.where} range "{base}" runs backwards; list the values instead')


def _value(field: _Field, text: str) -> int:
    """A number in the field's bounds, or (month, day-of-week) a 3-letter name."""
    if field.names and text.upper() in field.names:
        return field.names.index(text.upper()) + field.low
    if not _DIGITS.fullmatch(text):
        kind = " or 3-letter name" if field.names else ""
        shown = f'"{text}"' if text else "an empty value"
        raise _Problem(f"{field.where} has {shown}, which is not a number{kind}")
    sunday = field.position == 5 and not text.strip("0")
    hint = " (1 = Sunday; Cloudflare does not accept 0)" if sunday else ""
    return _number(field, text, field.low, field.high, "value", hint)


def _number(field: _Field, text: str, low: int, high: int, what: str, hint: str = "") -> int:
    if not _DIGITS.fullmatch(text):
        raise _Problem(f'{field.where} {what} "{text}" is not a number')
    digits = text.lstrip("0") or "0"
    number = int(digits) if len(digits) < 10 else high + 1
    if not low <= number <= high:
        raise _Problem(f'{field.where} {what} "{text}" is out of range {low}-{high}{hint}')
    return number

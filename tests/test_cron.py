"""What `cron_problem` accepts and rejects, following Cloudflare's Cron Trigger docs.

Source: https://developers.cloudflare.com/workers/configuration/cron-triggers/
("Supported cron expressions"); see the docstring of confgen/cron.py for the details.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confgen.cron import cron_problem

ACCEPTED = {
    # Everyday schedules.
    "*/5 * * * *": "every 5 minutes",
    "0 * * * *": "hourly",
    "0 0 * * *": "daily at midnight UTC",
    # The examples on the Cloudflare docs page, verbatim.
    "* * * * *": "docs: every minute",
    "*/30 * * * *": "docs: every 30th minute",
    "*/3 * * * *": "docs: every 3rd minute (wrangler example)",
    "45 * * * *": "docs: 45th minute of every hour",
    "0 17 * * sun": "docs: 17:00 on Sunday, by name",
    "0 17 * * 1": "docs: 17:00 on Sunday, 1 = Sunday",
    "10 7 * * mon-fri": "docs: 07:10 on weekdays, by name",
    "10 7 * * 2-6": "docs: 07:10 on weekdays, by number",
    "0 15 1 * *": "docs: 15:00 on the first of the month",
    "0 18 * * 6L": "docs: last Friday of the month",
    "0 18 * * friL": "docs: last Friday of the month, by name",
    "59 23 LW * *": "docs: last weekday of the month",
    # Lists, ranges and steps in every field.
    "0,15,30,45 * * * *": "list",
    "0 9-17 * * *": "range",
    "0 9-17/2 * * *": "range with a step",
    "5/15 * * * *": "start with a step (Quartz)",
    "*/10,45 * * * *": "a step inside a list",
    "0 0 1-7,15 * *": "day-of-month list of a range and a value",
    "0 0 1 1,4,7,10 *": "quarterly by month number",
    "0 0 1 JAN,apr,Jul,oCT *": "month names, any case",
    "0 0 1 jan-jun/2 *": "month name range with a step",
    "0 0 * * SAT,SUN": "weekend by name",
    "0 0 * * 7": "7 = Saturday",
    "0 0 * * MON/2": "name with a step",
    "0 0 15 * MON": "day-of-month and day-of-week together (no '?' needed)",
    "05 07 * * *": "leading zeros",
    "59 23 31 12 7": "every field at its maximum",
    "0 0 1 1 1": "every field at its minimum",
    # Quartz L, W and # forms, each the whole field.
    "0 0 L * *": "last day of the month",
    "0 0 L-3 * *": "third-to-last day of the month",
    "0 0 15W * *": "weekday nearest the 15th",
    "0 0 1W * *": "weekday nearest the 1st",
    "0 0 * * L": "L alone in day-of-week is Saturday",
    "0 0 * * 2#1": "first Monday",
    "0 10 * * MON#2": "second Monday, by name",
    "0 0 * * 6#5": "fifth Friday",
}

REJECTED = {
    # Overall shape.
    "": "empty",
    "   ": "empty",
    "@daily": 'macros such as "@daily" are not supported',
    "@hourly": "not supported",
    "0 0 * *": "expected 5 fields",
    "0 0 0 * * *": "seconds and year fields are not supported",
    "0 0 12 * * ? 2030": "got 7",
    " 0 0 * * *": "leading or trailing whitespace",
    "0 0 * * * ": "leading or trailing whitespace",
    "0  0 * * *": "single spaces",
    "0\t0 * * *": "single spaces",
    "0 0 * * s\u00fcn": "non-ASCII",
    "\uff10 0 * * *": "non-ASCII",
    # Values out of range.
    "60 * * * *": 'field 1 (minute) value "60" is out of range 0-59',
    "0 24 * * *": 'field 2 (hour) value "24" is out of range 0-23',
    "0 0 0 * *": 'field 3 (day-of-month) value "0" is out of range 1-31',
    "0 0 32 * *": 'field 3 (day-of-month) value "32" is out of range 1-31',
    "0 0 * 0 *": 'field 4 (month) value "0" is out of range 1-12',
    "0 0 * 13 *": 'field 4 (month) value "13" is out of range 1-12',
    "0 0 * * 0": "Cloudflare does not accept 0",
    "0 0 * * 8": 'field 5 (day-of-week) value "8" is out of range 1-7',
    "0 0 * * 1-0": "Cloudflare does not accept 0",
    "99999999999999999999 * * * *": "out of range 0-59",
    # Not numbers or names.
    "a * * * *": 'field 1 (minute) has "a", which is not a number',
    "0 0 * JANUARY *": "not a number or 3-letter name",
    "0 0 * * Monday": "not a number or 3-letter name",
    "0 0 * * mon-friday": "not a number or 3-letter name",
    "0 0 * * fril": "not a number or 3-letter name",
    "H * * * *": "not a number",
    "1,,2 * * * *": "empty value",
    "1, * * * *": "empty value",
    # Ranges and steps.
    "-5 * * * *": "needs both ends",
    "5- * * * *": "needs both ends",
    "1-2-3 * * * *": "not a number",
    "*-5 * * * *": '"*", which is not a number',
    "30-10 * * * *": "runs backwards",
    "0 0 * * FRI-MON": "runs backwards",
    "*/0 * * * *": 'step "0" is out of range 1-59',
    "*/60 * * * *": 'step "60" is out of range 1-59',
    "0 */24 * * *": 'step "24" is out of range 1-23',
    "0 0 * * */7": 'step "7" is out of range 1-6',
    "*/ * * * *": 'step "" is not a number',
    "*/x * * * *": 'step "x" is not a number',
    "*/5/2 * * * *": "not a number",
    "*,5 * * * *": '"*" must stand alone',
    # Quartz forms Cloudflare does not take, or does not document.
    "0 0 ? * MON": '"?" is not supported',
    "0 0 1 * ?": '"?" is not supported',
    "0 0 lw * *": "upper case",
    "0 0 15w * *": "upper case",
    "0 0 15W,L * *": "must stand alone",
    "0 0 L,15 * *": "must stand alone",
    "0 0 1-5W * *": "is not one of L, LW, L-n or nW",
    "0 0 WL * *": "is not one of L, LW, L-n or nW",
    "0 0 L-3W * *": "is not one of L, LW, L-n or nW",
    "0 0 L-31 * *": 'offset from the last day "31" is out of range 1-30',
    "0 0 L-0 * *": "out of range 1-30",
    "0 0 32W * *": 'value "32" is out of range 1-31',
    "0 0 L * * ": "leading or trailing whitespace",
    "0 0 * * 5L,6": "must stand alone",
    "0 0 * * 1-5L": "is not one of L, nL or n#k",
    "0 0 * * MON#6": 'occurrence after # "6" is out of range 1-5',
    "0 0 * * MON#0": "out of range 1-5",
    "0 0 * * MON#": 'occurrence after # "" is not a number',
    "0 0 * * 0#1": "Cloudflare does not accept 0",
    "0 0 * L *": "not a number",
    "L * * * *": "not a number",
}


@pytest.mark.parametrize("expression", ACCEPTED, ids=list(ACCEPTED.values()))
def test_accepted(expression: str) -> None:
    assert cron_problem(expression) is None


@pytest.mark.parametrize(("expression", "fragment"), REJECTED.items(), ids=list(REJECTED))
def test_rejected_with_a_message_saying_why(expression: str, fragment: str) -> None:
    problem = cron_problem(expression)
    assert problem is not None
    assert fragment in problem
    assert "\n" not in problem


def test_message_names_the_field_and_range() -> None:
    assert cron_problem("0 24 * * *") == 'field 2 (hour) value "24" is out of range 0-23'


_CRON_ALPHABET = st.sampled_from(list("0123456789*,-/#?LWlw @JANMONSUNfri\t\u00a0"))


@given(st.text())
def test_any_text_gets_none_or_a_message(expression: str) -> None:
    assert cron_problem(expression) is None or isinstance(cron_problem(expression), str)


@given(st.lists(_CRON_ALPHABET).map("".join))
def test_cron_like_text_gets_none_or_a_one_line_message(expression: str) -> None:
    problem = cron_problem(expression)
    assert problem is None or (isinstance(problem, str) and problem and "\n" not in problem)

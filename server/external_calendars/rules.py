"""What a recurrence rule costs the rule engine: its simplest equivalent form, how often it
occurs, and whether it occurs at all, each found with a bounded amount of work.

The engine (dateutil) steps through every period of a rule's FREQ and, under a sub-daily
FREQ, through every moment of its grid, so `FREQ=SECONDLY;BYHOUR=10;BYMINUTE=0;BYSECOND=0`
costs it 1,440 steps for one occurrence a day, while the same rule written as
`FREQ=DAILY;BYHOUR=10;BYMINUTE=0;BYSECOND=0` costs one. And it searches for a rule's next
occurrence up to the year 9999, so a rule that never occurs (`BYMONTH=2;BYMONTHDAY=30`)
costs it eight thousand years of steps.
"""

from __future__ import annotations

from datetime import date, datetime

import icalendar
from dateutil.rrule import rrulestr

SUB_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}
TIME_PARTS = (("BYSECOND", 60), ("BYMINUTE", 60), ("BYHOUR", 24))
"""The time-of-day parts, finest first; part i is the unit of SUB_DAILY[i]."""
COARSER = ("MINUTELY", "HOURLY", "DAILY")
"""The FREQ whose periods part i of TIME_PARTS expands (BYSECOND within a minute...)."""
GREGORIAN_SHIFT = 7600
"""Years (19 cycles of 400) after which the calendar repeats exactly: the same weekdays,
leap years and week numbers. A rule walked this much later than its DTSTART gives the same
dates 7600 years later, and the engine, which stops at the year 9999, then stops by the
year 2399 of the rule's own dates: past every supported date (up to 2199) for any
supported DTSTART (from 1900), whether or not the rule occurs again."""


def freq_of(rule: icalendar.vRecur) -> str:
    return str(rule.get("FREQ", ["DAILY"])[0]).upper()


def interval_of(rule: icalendar.vRecur) -> int:
    try:
        return max(int(rule.get("INTERVAL", [1])[0] or 1), 1)
    except (TypeError, ValueError):
        return 1


def simplest(rule: icalendar.vRecur) -> icalendar.vRecur:
    """The rule under the coarsest FREQ giving the same occurrences, for the engine.

    With INTERVAL=1 (RFC 5545, 3.3.10), a sub-daily FREQ whose BY parts pin a coarser unit
    is the next coarser FREQ expanding them: SECONDLY with BYSECOND is MINUTELY with the
    same parts, MINUTELY with BYMINUTE is HOURLY, HOURLY with BYHOUR is DAILY. A unit
    between the FREQ and the coarsest pinned one that the rule leaves free becomes every
    value (SECONDLY;BYHOUR=10 is DAILY;BYHOUR=10;BYMINUTE=0,...,59;BYSECOND=0,...,59).
    COUNT and UNTIL count the same occurrences, so they are kept. BYSETPOS picks from each
    period, whose length this changes, so such a rule is left as it is.
    """
    freq = freq_of(rule)
    if freq not in SUB_DAILY or interval_of(rule) != 1 or rule.get("BYSETPOS"):
        return rule
    level = SUB_DAILY.index(freq)
    pinned = [i for i in range(level, len(TIME_PARTS)) if rule.get(TIME_PARTS[i][0])]
    if not pinned:
        return rule
    top = max(pinned)
    simpler = icalendar.vRecur({name: list(values) for name, values in rule.items()})
    simpler["FREQ"] = [COARSER[top]]
    for part, size in TIME_PARTS[level:top]:
        if not simpler.get(part):
            simpler[part] = list(range(size))
    return simpler


def per_second(rule: icalendar.vRecur) -> float:
    """About how many occurrences the rule has a second, from its FREQ, INTERVAL and the
    number of values of each BY part (RFC 5545's table of which parts expand and which
    limit under each FREQ). Calendar irregularities are rounded towards more occurrences
    (a month of 28 days for a BYMONTHDAY limit, five of a weekday in a month), so windows
    sized from it hold no more than about what was asked."""
    freq = freq_of(rule)
    count = _per_period(rule, freq)
    if rule.get("BYSETPOS"):
        count = min(count, len(rule["BYSETPOS"]))
    return count / (FREQ_SECONDS.get(freq, 86400) * interval_of(rule))


def _per_period(rule: icalendar.vRecur, freq: str) -> float:
    months = len(rule.get("BYMONTH", []))
    monthdays = len(rule.get("BYMONTHDAY", []))
    days = [str(day) for day in rule.get("BYDAY", [])]
    weekdays = len({day[-2:] for day in days})
    count = 1.0
    # Time of day: a part finer than FREQ expands (one value, DTSTART's, when absent);
    # one as coarse as FREQ or coarser limits.
    level = SUB_DAILY.index(freq) if freq in SUB_DAILY else len(TIME_PARTS)
    for index, (part, size) in enumerate(TIME_PARTS):
        values = len(rule.get(part, []))
        if index < level:
            count *= max(values, 1)
        elif values:
            count *= min(values / size, 1)
    # Days.
    if freq in (*SUB_DAILY, "DAILY"):
        count *= _limit(months, 12) * _limit(monthdays, 28) * _limit(weekdays, 7)
        count *= _limit(len(rule.get("BYYEARDAY", [])), 365)
    elif freq == "WEEKLY":
        count *= max(weekdays, 1) * _limit(months, 12)
    elif freq == "MONTHLY":
        if monthdays:
            count *= monthdays * _limit(weekdays, 7)
        elif days:
            count *= sum(5 if len(day) == 2 else 1 for day in days)
        count *= _limit(months, 12)
    else:  # YEARLY
        if rule.get("BYYEARDAY"):
            count *= len(rule["BYYEARDAY"])
        elif rule.get("BYWEEKNO"):
            count *= len(rule["BYWEEKNO"]) * max(weekdays, 1)
        elif monthdays:
            count *= monthdays * (months or 12) * _limit(weekdays, 7)
        elif days:
            per_month = sum(5 if len(day) == 2 else 1 for day in days)
            count *= (
                months * per_month if months else sum(53 if len(day) == 2 else 1 for day in days)
            )
        else:
            count *= max(months, 1)
    return count


def steps_per_occurrence(rule: icalendar.vRecur) -> float:
    """About how many moments the engine examines for each occurrence. Under a sub-daily
    FREQ whose BYHOUR or BYMINUTE (or BYSECOND) limits it, the engine examines every
    moment of the grid, every day (`FREQ=SECONDLY;INTERVAL=7;BYHOUR=10`: 12,343 a day for
    514 occurrences); otherwise about one per occurrence, and one per day it skips."""
    freq = freq_of(rule)
    if freq not in SUB_DAILY:
        return 1.0
    level = SUB_DAILY.index(freq)
    if not any(rule.get(part) for part, _ in TIME_PARTS[level:]):
        return 1.0
    rate = per_second(rule)
    grid = 1 / (FREQ_SECONDS[freq] * interval_of(rule))
    return grid / rate if rate > 0 else float("inf")


def exact_per_period(rule: icalendar.vRecur) -> int | None:
    """How many occurrences each period of the rule holds when that number is the same for
    every period (its BY parts only expand: times of day finer than FREQ, weekdays under
    WEEKLY); None when a part limits or picks."""
    freq = freq_of(rule)
    if freq not in (*SUB_DAILY, "DAILY", "WEEKLY"):
        return None
    limiting = ["BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"]
    if freq != "WEEKLY":
        limiting.append("BYDAY")
    level = SUB_DAILY.index(freq) if freq in SUB_DAILY else len(TIME_PARTS)
    limiting += [part for part, _ in TIME_PARTS[level:]]
    if any(rule.get(part) for part in limiting):
        return None
    count = 1
    for part, _ in TIME_PARTS[:level]:
        count *= max(len(set(rule.get(part, []))), 1)
    if freq == "WEEKLY":
        count *= max(len({str(day)[-2:] for day in rule.get("BYDAY", [])}), 1)
    return count


def _limit(values: int, out_of: int) -> float:
    return min(values / out_of, 1.0) if values else 1.0


def occurs(rule: icalendar.vRecur, dtstart: date | datetime) -> bool:
    """Whether the rule has an occurrence after DTSTART before the year 2400 (COUNT and
    UNTIL aside), found with at most 500 years of engine steps (DTSTART is from 1900).

    The rule is walked `GREGORIAN_SHIFT` years later, where the engine's own end, the year
    9999, ends the search. ValueError when the engine cannot read the rule.
    """
    pattern = icalendar.vRecur(
        {name: values for name, values in rule.items() if name not in ("COUNT", "UNTIL")}
    )
    start = (
        dtstart if isinstance(dtstart, datetime) else datetime.combine(dtstart, datetime.min.time())
    )
    later = start.replace(tzinfo=None, year=start.year + GREGORIAN_SHIFT)
    walker = rrulestr(pattern.to_ical().decode(), dtstart=later, ignoretz=True, cache=False)
    return next(iter(walker), None) is not None

"""Backing off after failed sign-ins, per account and per client address.

The counters live in the database, so every worker process sees the same ones. An
attempt counts as a failure before its password is checked and is taken back when the
password proves right; the count is taken with the row locked, so guessers running in
parallel cannot all slip in before the first failure is written.
After a few free failures each one doubles the wait (up to a ceiling); while a wait
lasts, every attempt is refused without looking at the password, the right one too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from server import clock, models
from server.settings import SignInLimits
from server.writes.unit import transactional

ACCOUNT = "account"
ADDRESS = "address"
UNKNOWN_ADDRESS = "unknown"
CLAIM_TRIES = 3
MAX_DOUBLINGS = 40


class BackingOff(Exception):
    """Too many failed sign-ins: no attempt is checked for `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Claim:
    """One counter this attempt raised, and the count it raised it to."""

    scope: str
    subject: str
    failures: int


@dataclass(frozen=True)
class Attempt:
    account: Claim
    address: Claim


def address_key(host: str | None) -> str:
    """What an address is counted as: IPv4 as is, IPv6 by its /64 network (one machine
    is usually handed a whole /64)."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return UNKNOWN_ADDRESS
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def wait_after(failures: int, free: int, limits: SignInLimits) -> timedelta | None:
    """How long attempts are refused after the `failures`-th failure in a row."""
    if failures < free:
        return None
    doublings = min(failures - free, MAX_DOUBLINGS)
    seconds = min(limits.backoff_seconds * 2**doublings, limits.max_backoff_seconds)
    return timedelta(seconds=seconds)


def _refuse_until(blocked_until: datetime, now: datetime) -> BackingOff:
    return BackingOff(max(1, math.ceil((blocked_until - now).total_seconds())))


def _free(scope: str, limits: SignInLimits) -> int:
    return limits.account_failures if scope == ACCOUNT else limits.address_failures


async def _claim(scope: str, subject: str, limits: SignInLimits) -> Claim:
    """Count one more failure against `subject`, unless it is backing off."""
    for _ in range(CLAIM_TRIES):
        if not await models.SignInFailures.exists(scope=scope, subject=subject):
            with contextlib.suppress(IntegrityError):  # another attempt made it just now
                await models.SignInFailures.create(
                    scope=scope, subject=subject, failures=0, last_failed_at=clock.now()
                )
        claim = await _count(scope, subject, limits)
        if claim is not None:
            return claim
    raise BackingOff(1)  # the row kept being dropped as forgotten between the two steps


@transactional
async def _count(scope: str, subject: str, limits: SignInLimits) -> Claim | None:
    # The row stays locked until the count is written: attempts queue here one by one,
    # and each sees the wait the one before it set.
    rows = models.SignInFailures.filter(scope=scope, subject=subject)
    row = await rows.select_for_update().first()
    if row is None:
        return None
    now = clock.now()
    if row.blocked_until is not None and row.blocked_until > now:
        raise _refuse_until(row.blocked_until, now)
    forgotten = row.last_failed_at <= now - timedelta(hours=limits.forget_hours)
    failures = 1 if forgotten else row.failures + 1
    wait = wait_after(failures, _free(scope, limits), limits)
    await rows.update(
        failures=failures, last_failed_at=now, blocked_until=now + wait if wait else None
    )
    return Claim(scope, subject, failures)


async def begin(email_key: str, address: str, limits: SignInLimits) -> Attempt:
    """Count an attempt to sign in as `email_key` from `address`; `BackingOff` when either
    must wait."""
    now = clock.now()
    blocked = await models.SignInFailures.filter(
        Q(scope=ACCOUNT, subject=email_key) | Q(scope=ADDRESS, subject=address),
        blocked_until__gt=now,
    ).values_list("blocked_until", flat=True)
    if blocked:
        raise _refuse_until(max(blocked), now)
    return Attempt(await _claim(ACCOUNT, email_key, limits), await _claim(ADDRESS, address, limits))


async def _take_back(claim: Claim) -> None:
    """Undo one counted failure; the wait it set ends too unless other attempts counted
    failures since."""
    rows = models.SignInFailures.filter(scope=claim.scope, subject=claim.subject)
    undone = await rows.filter(failures=claim.failures).update(
        failures=claim.failures - 1, blocked_until=None
    )
    if not undone:
        await rows.filter(failures__gt=0).update(failures=F("failures") - 1)


async def succeeded(attempt: Attempt) -> None:
    """The password was right: the account starts afresh, the address is not charged."""
    await models.SignInFailures.filter(scope=ACCOUNT, subject=attempt.account.subject).delete()
    await _take_back(attempt.address)


async def not_checked(attempt: Attempt) -> None:
    """The password was never checked (the server was busy): nothing was guessed."""
    await _take_back(attempt.account)
    await _take_back(attempt.address)


async def failed(limits: SignInLimits) -> None:
    """The failure stays counted; counters nobody has failed for a long time are dropped."""
    now = clock.now()
    await models.SignInFailures.filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=now),
        last_failed_at__lt=now - timedelta(hours=limits.forget_hours),
    ).delete()

"""Administration of teams and users: only admins write here.

Teams and users are never deleted, only archived: their names stay on the history and
the work they owned. Archiving a user also ends their sessions, and the organisation
always keeps at least one live administrator who is a person. A service account is a
user that is not a person: it has a role and teams like anyone, holds API tokens, and
never has a password; it is changed and disabled (archived) like any user.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from server import clock, models
from server.enums import Role
from server.permissions import Actor, require_admin
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.unit import (
    archive,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

Code = UserErrorCode
KEEP: Any = object()
"""Default of an update argument that was not sent: the value stays as it is."""

MAX_NAME = 120
MAX_EMAIL = 254
MAX_TEAMS = 100
MAX_WEEKLY_HOURS = Decimal(168)
HUNDREDTHS = Decimal("0.01")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# Something@somewhere.tld without spaces: the server sends no mail, so a plausible
# address is all it can check.
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


@contextmanager
def unique(field: str, message: str) -> Iterator[None]:
    """Turn a unique-constraint violation (a concurrent twin) into a DUPLICATE user error."""
    try:
        yield
    except IntegrityError:
        raise Invalid([UserError(field, Code.DUPLICATE, message)]) from None


# -- teams -------------------------------------------------------------------------------


def _team_name(check: Checker, name: str | None) -> str | None:
    return check.text("name", name, max_length=MAX_NAME, required=True)


def _description(check: Checker, description: str | None) -> str:
    cleaned = check.text(
        "description", description, max_length=MAX_TEXT, required=False, multiline=True
    )
    return cleaned or ""


def _color(check: Checker, color: str | None) -> str | None:
    if not check.required("color", color):
        return None
    cleaned = color.strip()
    if not COLOR.fullmatch(cleaned):
        check.fail("color", Code.INVALID, f"`color` must read #rrggbb, got {color!r}.")
        return None
    return cleaned.lower()


async def _team_name_free(check: Checker, name: str | None, team_id: int | None = None) -> None:
    """Team names are unique whatever their case, archived teams included."""
    if name is None or check.failed("name"):
        return
    twins = models.Team.filter(name__iexact=name)
    if team_id is not None:
        twins = twins.exclude(id=team_id)
    if await twins.exists():
        check.fail("name", Code.DUPLICATE, f"A team named {name!r} already exists.")


def _duplicate_team(name: str | None) -> str:
    return f"A team named {name!r} already exists."


@transactional
async def create_team(
    actor: Actor, *, name: str | None, description: str | None = "", color: str | None = None
) -> models.Team:
    require_admin(actor)
    check = Checker()
    name = _team_name(check, name)
    description = _description(check, description)
    fields: dict[str, Any] = {"name": name, "description": description}
    if color is not None:
        fields["color"] = _color(check, color)
    await _team_name_free(check, name)
    check.done()
    with unique("name", _duplicate_team(name)):
        return await save_new(actor, models.Team(**fields))


@transactional
async def update_team(
    actor: Actor,
    team_id: int,
    version: int,
    *,
    name: str | None = KEEP,
    description: str | None = KEEP,
    color: str | None = KEEP,
) -> models.Team:
    require_admin(actor)
    team = await fetch_for_write(actor, models.Team, team_id)
    check = Checker()
    changes: dict[str, Any] = {}
    if name is not KEEP:
        changes["name"] = _team_name(check, name)
        await _team_name_free(check, changes["name"], team.pk)
    if description is not KEEP:
        changes["description"] = _description(check, description)
    if color is not KEEP:
        changes["color"] = _color(check, color)
    check.done()
    with unique("name", _duplicate_team(changes.get("name"))):
        return await save_changes(actor, team, version, changes)


@transactional
async def archive_team(actor: Actor, team_id: int, version: int) -> models.Team:
    """Archive a team that owns no live goals or campaigns (hand them over first)."""
    require_admin(actor)
    team = await fetch_for_write(actor, models.Team, team_id, live=False)
    if team.archived_at is None:
        goals = await models.Goal.filter(owner_team_id=team.pk, archived_at__isnull=True).count()
        campaigns = await models.Campaign.filter(
            owner_team_id=team.pk, archived_at__isnull=True
        ).count()
        if goals or campaigns:
            raise Invalid(
                [
                    UserError(
                        "id",
                        Code.HAS_DEPENDENTS,
                        f"The team still owns {goals} live goal(s) and {campaigns} live "
                        "campaign(s); archive them or give them to another team first.",
                    )
                ]
            )
    return await archive(actor, team, version)


# -- users -------------------------------------------------------------------------------


def _user_name(check: Checker, name: str | None) -> str | None:
    return check.text("name", name, max_length=MAX_NAME, required=True)


def _email(check: Checker, email: str | None) -> str | None:
    cleaned = check.text("email", email, max_length=MAX_EMAIL, required=True)
    if cleaned is None or check.failed("email"):
        return None
    if not EMAIL.fullmatch(cleaned):
        check.fail("email", Code.INVALID, f"`email` {cleaned!r} is not an email address.")
        return None
    return cleaned


async def _email_free(check: Checker, email: str | None, user_id: int | None = None) -> None:
    """Emails are unique ignoring case, archived users included (they may come back)."""
    if email is None:
        return
    twins = models.User.filter(email_key=email.lower())
    if user_id is not None:
        twins = twins.exclude(id=user_id)
    if await twins.exists():
        check.fail("email", Code.DUPLICATE, _duplicate_email(email))


def _duplicate_email(email: str | None) -> str:
    return f"Another user already has the email address {email!r}."


def _role(check: Checker, role: Role | None) -> Role | None:
    return role if check.required("role", role) else None


def _capacity(check: Checker, hours: Decimal | None) -> Decimal | None:
    if not check.required("weeklyCapacityHours", hours):
        return None
    checked = check.decimal(
        "weeklyCapacityHours", hours, minimum=Decimal(0), maximum=MAX_WEEKLY_HOURS, places=2
    )
    # As the column holds it, so the history shows the same value a later read would.
    return None if checked is None else checked.quantize(HUNDREDTHS)


async def _teams(check: Checker, team_ids: Sequence[int | None] | None) -> list[int]:
    """The named live teams' keys, sorted and without repeats."""
    if not check.required("teamIds", team_ids):
        return []
    if len(team_ids) > MAX_TEAMS:
        check.fail("teamIds", Code.OUT_OF_RANGE, f"`teamIds` may name at most {MAX_TEAMS} teams.")
        return []
    found = set()
    for index, team_id in enumerate(team_ids):
        team = await reference(check, f"teamIds.{index}", models.Team, team_id, required=True)
        if team is not None:
            found.add(team.pk)
    return sorted(found)


async def _team_ids_of(user: models.User) -> list[int]:
    rows = await models.Membership.filter(user_id=user.pk).values_list("team_id", flat=True)
    return sorted(rows)


async def _set_memberships(user: models.User, before: list[int], after: list[int]) -> None:
    removed = set(before) - set(after)
    if removed:
        await models.Membership.filter(user_id=user.pk, team_id__in=sorted(removed)).delete()
    for team_id in sorted(set(after) - set(before)):
        await models.Membership.create(user_id=user.pk, team_id=team_id)


async def _other_live_admins(user: models.User) -> int:
    """Live administrators besides `user`, with their rows locked (on PostgreSQL) so two
    admins demoting each other at once cannot leave nobody in charge."""
    admins = await models.User.filter(
        role=Role.ADMIN, archived_at__isnull=True, service_account=False
    ).select_for_update()
    return sum(1 for admin in admins if admin.pk != user.pk)


def _not_allowed(field: str, message: str) -> Invalid:
    return Invalid([UserError(field, Code.NOT_ALLOWED, message)])


@transactional
async def create_user(
    actor: Actor,
    *,
    email: str | None,
    name: str | None,
    role: Role | None = Role.VIEWER,
    team_ids: Sequence[int | None] | None = (),
    weekly_capacity_hours: Decimal | None = Decimal(40),
    service_account: bool = False,
) -> models.User:
    """Create a user without a password: a person gets one through `reset-password`,
    a service account never does."""
    require_admin(actor)
    check = Checker()
    fields = {
        "email": _email(check, email),
        "name": _user_name(check, name),
        "role": _role(check, role),
        "weekly_capacity_hours": _capacity(check, weekly_capacity_hours),
    }
    await _email_free(check, fields["email"])
    teams = await _teams(check, team_ids)
    check.done()
    user = models.User(**fields, service_account=service_account)
    related: dict[str, dict[str, Any]] = {}
    if service_account:
        related["service_account"] = {"before": None, "after": True}
    if teams:
        related["team_ids"] = {"before": None, "after": teams}
    with unique("email", _duplicate_email(fields["email"])):
        await save_new(actor, user, related=related or None)
    await _set_memberships(user, [], teams)
    return user


SERVICE_DOMAIN = "service-accounts.invalid"
"""Where the addresses made up for service accounts point: nowhere (RFC 2606)."""


def service_email(name: str | None) -> str:
    """An address for a service account created without one: unique, and never mail."""
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")[:40] or "service"
    return f"{slug}-{secrets.token_hex(4)}@{SERVICE_DOMAIN}"


async def create_service_account(
    actor: Actor,
    *,
    name: str | None,
    email: str | None = None,
    role: Role | None = Role.VIEWER,
    team_ids: Sequence[int | None] | None = (),
) -> models.User:
    """A user that is not a person, for integrations: it can hold tokens and act, but
    not sign in with a password. Without an email it gets a made-up one."""
    return await create_user(
        actor,
        email=email if email is not None else service_email(name),
        name=name,
        role=role,
        team_ids=team_ids,
        weekly_capacity_hours=Decimal(0),
        service_account=True,
    )


@transactional
async def update_user(
    actor: Actor,
    user_id: int,
    version: int,
    *,
    email: str | None = KEEP,
    name: str | None = KEEP,
    role: Role | None = KEEP,
    team_ids: Sequence[int | None] | None = KEEP,
    weekly_capacity_hours: Decimal | None = KEEP,
) -> models.User:
    """Change a user; `team_ids` replaces all their memberships."""
    require_admin(actor)
    user = await fetch_for_write(actor, models.User, user_id)
    check = Checker()
    changes: dict[str, Any] = {}
    if email is not KEEP:
        changes["email"] = _email(check, email)
        await _email_free(check, changes["email"], user.pk)
        if changes["email"] is not None:
            changes["email_key"] = changes["email"].lower()
    if name is not KEEP:
        changes["name"] = _user_name(check, name)
    if role is not KEEP:
        changes["role"] = _role(check, role)
        demoted = user.role == Role.ADMIN and changes["role"] not in (None, Role.ADMIN)
        if demoted and not await _other_live_admins(user):
            check.fail("role", Code.NOT_ALLOWED, "The last administrator cannot be demoted.")
    if weekly_capacity_hours is not KEEP:
        changes["weekly_capacity_hours"] = _capacity(check, weekly_capacity_hours)
    related = None
    if team_ids is not KEEP:
        before, after = await _team_ids_of(user), await _teams(check, team_ids)
        if before != after:
            related = {"team_ids": {"before": before, "after": after}}
    check.done()
    with unique("email", _duplicate_email(changes.get("email"))):
        await save_changes(actor, user, version, changes, related=related)
    if related:
        await _set_memberships(user, before, after)
    return user


@transactional
async def archive_user(actor: Actor, user_id: int, version: int) -> models.User:
    """Archive a user: they can no longer sign in, and their refresh tokens are revoked."""
    require_admin(actor)
    user = await fetch_for_write(actor, models.User, user_id, live=False)
    if user.archived_at is None:
        if user.pk == actor.user_id:
            raise _not_allowed("id", "You cannot archive yourself; ask another administrator.")
        if user.role == Role.ADMIN and not await _other_live_admins(user):
            raise _not_allowed("id", "The last administrator cannot be archived.")
    archived = await archive(actor, user, version)
    await models.RefreshToken.filter(user_id=user.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    return archived

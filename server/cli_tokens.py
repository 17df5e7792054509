"""`throughline token create|list|revoke`: API tokens from the command line.

For bootstrapping automation: an operator with access to the database makes a token
for any live user, person or service account, and the secret is printed once. The
same checks apply as in the API (scopes the user's role can use, a name, an expiry in
the future); the history records the operator as no one, as other commands do.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from server.enums import ApiScope
from server.settings import Settings


class TokenCommandError(ValueError):
    """A refused token command: printed as one line, nothing written."""


def add_token_commands(commands, add_database_flags) -> None:
    token = commands.add_parser(
        "token",
        help="make, list and revoke API tokens",
        description="API tokens for people and service accounts, e.g. to bootstrap an "
        "integration. The secret of a new token is printed once and never again.",
    )
    actions = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="make a token and print its secret once",
        description="Make an API token for a user (a person or a service account) and "
        "print its secret on the first line, then what it is.",
    )
    create.add_argument("--user", required=True, metavar="EMAIL", help="whom the token acts as")
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=[scope.value.lower() for scope in ApiScope],
        help="what it may do (repeat for several): read, write, admin",
    )
    create.add_argument("--name", required=True, help="what it is for, 1 to 120 characters")
    create.add_argument(
        "--expires",
        metavar="YYYY-MM-DD",
        help="the day it stops working (at 00:00 UTC); it works until revoked otherwise",
    )
    add_database_flags(create)
    listing = actions.add_parser(
        "list", help="list a user's tokens", description="List a user's live tokens."
    )
    listing.add_argument("--user", required=True, metavar="EMAIL")
    add_database_flags(listing)
    revoke = actions.add_parser(
        "revoke",
        help="revoke a token at once",
        description="Revoke a token by the ID `token list` shows; it stops working at once.",
    )
    revoke.add_argument("id", help="the token's ID")
    add_database_flags(revoke)


def _expiry(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise TokenCommandError(f"--expires must read YYYY-MM-DD, got {raw!r}") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def _user(email: str):
    from server import models

    user = await models.User.filter(email_key=email.strip().lower()).first()
    if user is None:
        raise TokenCommandError(f"no user has the email {email}")
    if user.archived_at is not None:
        raise TokenCommandError(f"{user.email} is disabled; nothing was written")
    return user


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


async def _create(args: argparse.Namespace) -> str:
    from tortoise.transactions import in_transaction

    from server.writes.api_tokens import make_token
    from server.writes.errors import Invalid

    expires_at = _expiry(args.expires)
    scopes = [ApiScope(scope.upper()) for scope in args.scope]
    user = await _user(args.user)
    try:
        async with in_transaction():
            made = await make_token(user, args.name, scopes, expires_at, None)
    except Invalid as invalid:
        raise TokenCommandError(f"{invalid} Nothing was written.") from None
    token = made.token
    return (
        f"{made.secret}\n"
        f"token {token.pk} {token.name!r} for {user.email} ({token.scopes}; "
        f"expires {_when(token.expires_at)}): keep the secret above, it is not shown again"
    )


async def _list(args: argparse.Namespace) -> str:
    from server import models

    user = await _user(args.user)
    tokens = await models.ApiToken.filter(user_id=user.pk, archived_at__isnull=True)
    uses = dict(
        await models.ApiTokenUse.filter(token_id__in=[t.pk for t in tokens]).values_list(
            "token_id", "used_at"
        )
    )
    if not tokens:
        return f"{user.email} has no tokens"
    lines = ["ID\tNAME\tSCOPES\tHINT\tCREATED\tEXPIRES\tLAST USED"]
    for token in tokens:
        lines.append(
            "\t".join(
                [
                    str(token.pk),
                    token.name,
                    token.scopes,
                    token.hint,
                    _when(token.created_at),
                    _when(token.expires_at),
                    _when(uses.get(token.pk)),
                ]
            )
        )
    return "\n".join(lines)


async def _revoke(args: argparse.Namespace) -> str:
    from server.writes.api_tokens import revoke_as_operator
    from server.writes.errors import Missing

    raw = args.id.strip()
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise TokenCommandError(f"a token ID is a number from `token list`, got {args.id!r}")
    try:
        token = await revoke_as_operator(int(raw))
    except Missing:
        raise TokenCommandError(f"no token has the ID {raw}") from None
    return f"token {token.pk} {token.name!r} is revoked"


ACTIONS = {"create": _create, "list": _list, "revoke": _revoke}


async def run_token_command(settings: Settings, args: argparse.Namespace) -> str:
    from server.database import close_database, open_database

    if args.token_command == "create":
        _expiry(args.expires)  # refused before the database is opened
    await open_database(settings)
    try:
        return await ACTIONS[args.token_command](args)
    finally:
        await close_database()

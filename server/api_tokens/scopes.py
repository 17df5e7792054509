"""What a token's scopes allow: READ runs queries, WRITE runs mutations, ADMIN lets an
administrator's token administer.

A token acts as its user with the user's current role, capped by its scopes: without
WRITE it writes nothing (a viewer), without ADMIN it writes as an editor of the user's
teams at most. The cap is taken per request against the user's role as the read model
holds it, so a demoted user's tokens lose the rights at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.enums import ApiScope, Role

ORDER = (ApiScope.READ, ApiScope.WRITE, ApiScope.ADMIN)
RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def stored(scopes: Iterable[ApiScope]) -> str:
    """The scopes as the `api_token.scopes` column keeps them, in a fixed order."""
    held = set(scopes)
    return ",".join(scope.value for scope in ORDER if scope in held)


def parse(column: str) -> frozenset[ApiScope]:
    return frozenset(ApiScope(name) for name in column.split(",") if name)


def listed(scopes: Iterable[ApiScope]) -> list[ApiScope]:
    held = set(scopes)
    return [scope for scope in ORDER if scope in held]


def ceiling(scopes: frozenset[ApiScope]) -> Role:
    """The highest role a token with `scopes` may act with."""
    if ApiScope.ADMIN in scopes:
        return Role.ADMIN
    if ApiScope.WRITE in scopes:
        return Role.EDITOR
    return Role.VIEWER


def capped_role(role: Role, scopes: frozenset[ApiScope]) -> Role:
    cap = ceiling(scopes)
    return role if RANK[role] <= RANK[cap] else cap


def usable_by(role: Role) -> frozenset[ApiScope]:
    """The scopes that give a user of `role` something: a viewer cannot write."""
    return frozenset(scope for scope in ORDER if RANK[ceiling(frozenset({scope}))] <= RANK[role])

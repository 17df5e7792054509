"""Starlette authentication: a Bearer access token signs a request in.

The backend never rejects a request by itself: a missing or bad token leaves the
request signed out with the reason, and the GraphQL layer answers UNAUTHENTICATED
for everything but signing in.

An API token (`tl_pat_…`, `tl_sat_…`) is told from a JWT access token by its prefix
and found by its digest in the read model (`server.api_tokens.bearer`): it signs its
user in with the user's current role capped by its scopes.

For an access token the user is read from the read model, brought up to
date first (one statement when nothing changed), so a disabled account, a changed role
or sessions ended everywhere (the token's epoch is no longer the user's) take effect at
once, on every worker. The snapshot read here is the one the request goes on reading.
"""

from __future__ import annotations

from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    BaseUser,
    UnauthenticatedUser,
)
from starlette.requests import HTTPConnection

from server import clock, models
from server.api_tokens import secrets
from server.api_tokens.bearer import ApiTokenRejected, TokenBearer, bearer_of
from server.api_tokens.scopes import capped_role
from server.api_tokens.usage import TokenUses
from server.permissions import Actor
from server.read_model import ReadModel
from server.tokens import TokenRejected, TokenSigner

SIGNED_IN = "authenticated"
SNAPSHOT = "throughline.snapshot"
"""Where the request's snapshot of the read model is kept in the ASGI scope."""


class SignedIn(BaseUser):
    def __init__(self, user: models.User, token: TokenBearer | None = None) -> None:
        self.user = user
        self.token = token
        if token is None:
            self.actor = Actor(user_id=user.pk, role=user.role)
        else:
            self.actor = Actor(
                user_id=user.pk,
                role=capped_role(user.role, token.scopes),
                scopes=token.scopes,
                token_id=token.token.pk,
            )

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.user.name

    @property
    def identity(self) -> str:
        return str(self.user.pk)


class SignedOut(UnauthenticatedUser):
    def __init__(self, reason: str) -> None:
        self.reason = reason


NO_TOKEN = "Sign in first: send `Authorization: Bearer <access token>`."
ENDED = "The session of this access token has ended; sign in again."


class TokenAuthentication(AuthenticationBackend):
    def __init__(
        self, signer: TokenSigner, read_model: ReadModel, uses: TokenUses | None = None
    ) -> None:
        self.signer = signer
        self.read_model = read_model
        self.uses = uses or TokenUses()

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser]:
        header = conn.headers.get("authorization")
        if not header:
            return AuthCredentials(), SignedOut(NO_TOKEN)
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return AuthCredentials(), SignedOut(
                "The Authorization header must read `Bearer <access token>`."
            )
        if secrets.is_api_token(token.strip()):
            return await self.api_token(conn, token.strip())
        try:
            bearer = self.signer.bearer_of(token.strip())
        except TokenRejected as rejected:
            return AuthCredentials(), SignedOut(str(rejected))
        snapshot = await self.read_model.current()
        conn.scope[SNAPSHOT] = snapshot
        user = snapshot.live(models.User, bearer.user_id)
        if user is None:
            return AuthCredentials(), SignedOut("The account of this token is disabled.")
        if bearer.epoch != user.token_epoch:
            return AuthCredentials(), SignedOut(ENDED)
        return AuthCredentials([SIGNED_IN]), SignedIn(user)

    async def api_token(
        self, conn: HTTPConnection, secret: str
    ) -> tuple[AuthCredentials, BaseUser]:
        if not secrets.well_formed(secret):
            return AuthCredentials(), SignedOut("The API token is not valid.")
        snapshot = await self.read_model.current()
        conn.scope[SNAPSHOT] = snapshot
        now = clock.now()
        try:
            bearer = bearer_of(snapshot, secret, now)
        except ApiTokenRejected as rejected:
            return AuthCredentials(), SignedOut(str(rejected))
        self.uses.used(bearer.token.pk, now)
        return AuthCredentials([SIGNED_IN]), SignedIn(bearer.user, bearer)

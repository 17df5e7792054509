"""Starlette authentication: a Bearer access token signs a request in.

The backend never rejects a request by itself: a missing or bad token leaves the
request signed out with the reason, and the GraphQL layer answers UNAUTHENTICATED
for everything but signing in. The user is read from the read model, brought up to
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

from server import models
from server.permissions import Actor
from server.read_model import ReadModel
from server.tokens import TokenRejected, TokenSigner

SIGNED_IN = "authenticated"
SNAPSHOT = "throughline.snapshot"
"""Where the request's snapshot of the read model is kept in the ASGI scope."""


class SignedIn(BaseUser):
    def __init__(self, user: models.User) -> None:
        self.user = user
        self.actor = Actor(user_id=user.pk, role=user.role)

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
    def __init__(self, signer: TokenSigner, read_model: ReadModel) -> None:
        self.signer = signer
        self.read_model = read_model

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser]:
        header = conn.headers.get("authorization")
        if not header:
            return AuthCredentials(), SignedOut(NO_TOKEN)
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return AuthCredentials(), SignedOut(
                "The Authorization header must read `Bearer <access token>`."
            )
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

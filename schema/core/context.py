"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from schema.core.budget import RequestBudget
from schema.core.loaders import LoaderRegistry, ModelServed
from server import clock
from server.api_tokens.rate_limits import TokenRateLimits
from server.authentication import NO_TOKEN, SignedIn, SignedOut
from server.password_checks import PasswordChecks
from server.permissions import Actor
from server.read_model import ReadModel, Snapshot
from server.read_model.tables import HELD
from server.settings import Settings
from server.sign_in_backoff import address_key
from server.tokens import TokenSigner

L = TypeVar("L", bound=ModelServed)


@dataclass
class Context:
    request: Request | None = None
    response: Response | None = None
    read_model: ReadModel | None = None
    snapshot: Snapshot | None = None
    """The organisation as this request reads it: one state from start to end, moved
    on only after the request's own write (`after_write`)."""
    loaders: LoaderRegistry = field(default_factory=LoaderRegistry)
    settings: Settings | None = None
    signer: TokenSigner | None = None
    password_checks: PasswordChecks | None = None
    rate_limits: TokenRateLimits | None = None
    """The process's per-token limits, charged by operations run with an API token."""
    budget: RequestBudget = field(default_factory=RequestBudget)
    """Shared by every operation of the request (a batch is measured as one)."""
    today: date = field(default_factory=lambda: clock.today())
    """The day the request's computations read as today: read once, so every figure of
    the response agrees."""
    computed: dict[Hashable, Any] = field(default_factory=dict)
    """Work on the snapshot this request found finished (the rollups engine), by key:
    the thousands of computed fields of a tree look it up once."""

    def loader(self, loader_class: type[L]) -> L:
        return self.loaders.get(loader_class)

    def __post_init__(self) -> None:
        self.loaders.snapshot = self.snapshot

    def served(self, loader_class: type[ModelServed], key: Any) -> Any:
        """What a loader of the read model holds for `key`, looked up at once."""
        return self.loader(loader_class).served(key)

    def require_snapshot(self) -> Snapshot:
        """The request's snapshot; every request the app serves has one."""
        if self.snapshot is None:
            raise RuntimeError("this context was built without the read model")
        return self.snapshot

    async def after_write(self) -> None:
        """Read the organisation again after a write, so later fields see the new state."""
        if self.read_model is not None:
            self.snapshot = await self.read_model.current()
        self.loaders = LoaderRegistry(self.snapshot)
        self.computed = {}

    def as_served(self, row: Any) -> Any:
        """The request's snapshot's copy of a row a write returned, so a payload reads
        one state throughout (its edges come from the snapshot too, which may already
        hold another process's later write); the row itself when the model does not
        hold it (a deleted row, a table outside the model)."""
        if self.snapshot is None or type(row) not in HELD:
            return row
        served = self.snapshot.row(type(row), row.pk)
        return row if served is None else served

    @property
    def signed_in(self) -> SignedIn | None:
        user = self.request.scope.get("user") if self.request is not None else None
        return user if isinstance(user, SignedIn) else None

    @property
    def actor(self) -> Actor | None:
        signed_in = self.signed_in
        return signed_in.actor if signed_in else None

    @property
    def client_address(self) -> str:
        """The caller's address as failed sign-ins are counted against it."""
        client = self.request.client if self.request is not None else None
        return address_key(client.host if client else None)

    @property
    def signed_out_reason(self) -> str:
        user = self.request.scope.get("user") if self.request is not None else None
        return user.reason if isinstance(user, SignedOut) else NO_TOKEN


Info = strawberry.Info[Context, None]

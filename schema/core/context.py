"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from schema.core.batching import BatchLoader
from schema.core.loaders import LoaderRegistry

L = TypeVar("L", bound=BatchLoader)


@dataclass
class Context:
    request: Request | None = None
    response: Response | None = None
    loaders: LoaderRegistry = field(default_factory=LoaderRegistry)

    def loader(self, loader_class: type[L]) -> L:
        return self.loaders.get(loader_class)


Info = strawberry.Info[Context, None]

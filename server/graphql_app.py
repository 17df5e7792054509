"""Strawberry's ASGI view with Throughline's per-request context and strict bodies."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema.base import BaseSchema

from schema.core.context import Context
from server.settings import Settings
from server.tokens import TokenSigner


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: BaseSchema, *, settings: Settings, signer: TokenSigner) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.settings = settings
        self.signer = signer

    async def get_context(self, request: Request | WebSocket, response: Response | None) -> Context:
        return Context(
            request=request, response=response, settings=self.settings, signer=self.signer
        )

    def parse_json(self, data: str | bytes) -> Any:
        """Refuse JSON that is not an operation object (a bare string or number would
        otherwise fail deep inside the view with a 500)."""
        parsed = super().parse_json(data)
        items = parsed if isinstance(parsed, list) else [parsed]
        if not items or not all(isinstance(item, dict) for item in items):
            raise HTTPException(400, "The request body must be a JSON object with a `query`.")
        return parsed

"""Security headers on every response: the web client, the API, the health check, feeds.

- Content-Security-Policy: see `server.content_policy`; the GraphiQL page has its own.
- X-Content-Type-Options: nosniff, so a response is only ever read as what it says it is.
- Referrer-Policy: no-referrer, because feed addresses and the client's places carry
  secrets and identifiers that must not leak to other sites through links.

A header a response sets itself is kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHIQL_PATH = "/graphql"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, policy: str, graphiql_policy: str | None = None) -> None:
        self.app = app
        self.policy = policy
        self.graphiql_policy = graphiql_policy

    def _policy_for(self, scope: Scope, headers: MutableHeaders) -> str:
        is_page = headers.get("content-type", "").startswith("text/html")
        if self.graphiql_policy and is_page and scope["path"] == GRAPHIQL_PATH:
            return self.graphiql_policy
        return self.policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", self._policy_for(scope, headers))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, send_with_headers)

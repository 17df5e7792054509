"""Posting GraphQL operations over real HTTP requests, with assertions on the answer."""

from __future__ import annotations

from typing import Any

import httpx
from tortoise.exceptions import IntegrityError

from server import models
from server.enums import Role
from server.tokens import TokenSigner

ADMIN_EMAIL = "admin@throughline.test"


class GraphQLClient:
    """Speaks to /graphql, signed out, as a given user, or as a test administrator that
    is created on the first request (so tests that build their own data first see it
    only after their rows)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        signer: TokenSigner,
        user: models.User | None = None,
        *,
        admin: bool = False,
    ) -> None:
        self.http = http
        self.signer = signer
        self.user = user
        self.admin = admin

    def as_user(self, user: models.User) -> GraphQLClient:
        return GraphQLClient(self.http, self.signer, user)

    def as_admin(self) -> GraphQLClient:
        return GraphQLClient(self.http, self.signer, admin=True)

    async def signed_in_user(self) -> models.User | None:
        if self.user is None and self.admin:
            self.user = await models.User.filter(email_key=ADMIN_EMAIL).first()
            if self.user is None:
                try:
                    self.user = await models.User.create(
                        email=ADMIN_EMAIL, email_key=ADMIN_EMAIL, name="Test Admin", role=Role.ADMIN
                    )
                except IntegrityError:
                    # A concurrent first request created it.
                    self.user = await models.User.get(email_key=ADMIN_EMAIL)
        return self.user

    async def headers(self) -> dict[str, str]:
        user = await self.signed_in_user()
        if user is None:
            return {}
        return {"Authorization": f"Bearer {self.signer.issue(user.pk).token}"}

    async def raw(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The decoded response of a POST /graphql; the status must not be a server error."""
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers=await self.headers(),
        )
        assert response.status_code < 500, response.text
        return response.json()

    async def settle(self) -> None:
        """Bring the app's read model up to every row written so far, so a statement
        count that follows measures the steady state (one freshness check), not the
        catching up after the test's own setup."""
        await self.data("{ __typename }")

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a response that must carry no errors."""
        body = await self.raw(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single error of a response that must fail."""
        body = await self.raw(query, variables)
        assert body.get("errors"), body
        assert len(body["errors"]) == 1, body["errors"]
        return body["errors"][0]

    async def mutate(self, query: str, input: dict[str, Any], payload_field: str) -> dict[str, Any]:
        """The payload of a mutation taking `$input`, which must have no top-level errors."""
        data = await self.data(query, {"input": input})
        return data[payload_field]

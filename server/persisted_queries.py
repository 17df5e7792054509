"""Automatic persisted queries, as Apollo clients speak them: an operation may carry
`extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}` and leave its
`query` out.

With its query, the server checks that the hash is the query's SHA-256 (else the
request is refused with BAD_USER_INPUT) and remembers the text. Without it, the server
runs the text it remembers under that hash, or answers the operation with the error
`PersistedQueryNotFound` (`extensions.code` PERSISTED_QUERY_NOT_FOUND), on which the
client sends the query again with its hash. The texts are kept per process in a
least-recently-used map bounded by entries and characters. A text found by its hash
runs exactly as if it had been sent: every limit and check applies to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from server.bounded_lru import BoundedLRU

VERSION = 1
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")


class PersistedQueryRefused(Exception):
    """The operation's `persistedQuery` cannot be honoured; the message says why."""


class UnknownPersistedQuery(GraphQLRequestData):
    """An operation sent by a hash this process does not know: answered, not run."""


def sha256_of(text: str) -> str:
    # `surrogatepass`: a lone surrogate still hashes (the operation is refused later).
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The SHA-256 an operation's `extensions.persistedQuery` names, in lower case, or
    None when it names none."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != VERSION:
        raise PersistedQueryRefused(
            f"`extensions.persistedQuery` must be an object with `version` {VERSION} "
            "and a `sha256Hash`."
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or SHA256_HEX.fullmatch(digest) is None:
        raise PersistedQueryRefused(
            "`extensions.persistedQuery.sha256Hash` must be a SHA-256 hash in 64 hexadecimal "
            "digits."
        )
    return digest.lower()


def not_found() -> ExecutionResult:
    error = GraphQLError(NOT_FOUND_MESSAGE, extensions={"code": PERSISTED_QUERY_NOT_FOUND})
    return ExecutionResult(data=None, errors=[error])


class PersistedQueries:
    """Query texts by their SHA-256, as clients have sent them."""

    def __init__(self, max_entries: int, max_characters: int) -> None:
        self.texts: BoundedLRU[str, str] = BoundedLRU(max_entries, max_characters, len)

    def resolve(self, operation: GraphQLRequestData) -> GraphQLRequestData:
        """The operation with the text its hash names; the operation itself when it
        names no hash or sends its text (remembered once its hash is checked); an
        `UnknownPersistedQuery` for a hash not known here."""
        digest = requested_hash(operation.extensions)
        if digest is None:
            return operation
        if operation.query:
            if sha256_of(operation.query) != digest:
                raise PersistedQueryRefused(
                    "`extensions.persistedQuery.sha256Hash` is not the SHA-256 hash of the query."
                )
            self.texts.put(digest, operation.query)
            return operation
        text = self.texts.get(digest)
        if text is None:
            return UnknownPersistedQuery(**dataclasses.asdict(operation))
        return dataclasses.replace(operation, query=text)

"""Parsed and validated documents, kept by their text so a repeated query is neither
parsed nor validated again.

Parsing and validation depend on nothing but the text, the schema and the validation
rules; each schema holds its own cache (`ThroughlineSchema.documents`), and a
validation result is kept per set of rules, so a document validated where
introspection is allowed is validated again where it is not. Everything that depends
on the request still runs for every request, in the same order: the token count
(remembered with the document: a text's count never changes), the limits measured
with the request's variables and budget, the sign-in check and the check of strings.
Only then does `CachedDocuments` answer validation, and only for an operation nobody
has refused.

Strawberry's `ParserCache` and `ValidationCache` do not fit here: its validation cache
sets the validation result unconditionally, replacing a refusal set by an earlier
check, and both are bounded by entries alone, shared by every schema of the process.
This cache is bounded by entries and by the characters of the texts it holds, least
recently used first out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import strawberry.schema.schema as strawberry_schema
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

from schema.core.limits import count_tokens
from server.bounded_lru import BoundedLRU


@dataclass
class CachedDocument:
    text: str
    document: DocumentNode
    tokens: int
    """Every lexical token of the text (it parsed, so its count is exact)."""
    errors: dict[tuple, list[GraphQLError]] = field(default_factory=dict)
    """Validation errors by the validation rules they were found with."""
    measures: dict = field(default_factory=dict)
    """What the limits measured, by operation and the variables read
    (`schema.core.limits.remembered_measure`)."""


class DocumentCache:
    """Parsed documents by their text, bounded by entries and by the characters of
    the texts (`server.bounded_lru`)."""

    def __init__(self, max_entries: int, max_characters: int) -> None:
        self.entries: BoundedLRU[str, CachedDocument] = BoundedLRU(
            max_entries, max_characters, lambda entry: len(entry.text)
        )
        self.rules: tuple | None = None
        """The validation rules the schema's operations were last validated with."""

    def valid(self, text: str) -> CachedDocument | None:
        """The document of `text` if validation with the schema's rules found nothing
        wrong in it."""
        entry = self.entries.get(text)
        if entry is None or self.rules is None or entry.errors.get(self.rules) != []:
            return None
        return entry

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, text: str) -> CachedDocument | None:
        return self.entries.get(text)

    def tokens(self, text: str) -> int | None:
        """The token count of a text parsed before, if it is still kept."""
        entry = self.entries.get(text)
        return entry.tokens if entry is not None else None

    def add(self, text: str, document: DocumentNode) -> CachedDocument | None:
        """Keep `document`, parsed from `text`, unless the text alone passes a bound."""
        if len(text) > self.entries.max_size:
            return None
        entry = CachedDocument(text, document, count_tokens(text, len(text)))
        return entry if self.entries.put(text, entry) else None

    def clear(self) -> None:
        self.entries.clear()


def document_cache(execution_context) -> DocumentCache | None:
    """The cache of the schema running the operation, if it keeps one."""
    cache = getattr(execution_context.schema, "documents", None)
    return cache if isinstance(cache, DocumentCache) else None


class CachedDocuments(SchemaExtension):
    """Answers parsing and validation from the schema's cache. Listed after every check
    that may refuse an operation before validation, so it validates nothing they refuse
    and never replaces their refusal."""

    def __init__(self, *, execution_context=None) -> None:
        self.entry: CachedDocument | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        cache = document_cache(context)
        text = context.query
        if cache is None or context.graphql_document is not None or not isinstance(text, str):
            yield
            return
        self.entry = cache.get(text)
        if self.entry is not None:
            context.graphql_document = self.entry.document  # Strawberry then skips parsing
        yield
        if self.entry is None and context.graphql_document is not None:
            self.entry = cache.add(text, context.graphql_document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self.entry
        if (
            entry is not None
            and context.graphql_document is entry.document
            and context.pre_execution_errors is None
            and context.validation_rules
        ):
            rules = tuple(context.validation_rules)
            cache = document_cache(context)
            if cache is not None:
                cache.rules = rules
            errors = entry.errors.get(rules)
            if errors is None:
                # Strawberry's own validation, as it would have run it.
                errors = entry.errors[rules] = strawberry_schema.validate_document(
                    context.schema._schema, entry.document, rules
                )
            # A list, even empty, tells Strawberry validation has run.
            context.pre_execution_errors = list(errors)
        yield

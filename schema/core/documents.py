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

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

import strawberry.schema.schema as strawberry_schema
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension

from schema.core.limits import count_tokens


@dataclass
class CachedDocument:
    text: str
    document: DocumentNode
    tokens: int
    """Every lexical token of the text (it parsed, so its count is exact)."""
    errors: dict[tuple, list[GraphQLError]] = field(default_factory=dict)
    """Validation errors by the validation rules they were found with."""


class DocumentCache:
    """A bounded least-recently-used map from a query's text to its parsed document."""

    def __init__(self, max_entries: int, max_characters: int) -> None:
        self.max_entries = max_entries
        self.max_characters = max_characters
        self.characters = 0
        self._entries: OrderedDict[str, CachedDocument] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, text: str) -> CachedDocument | None:
        with self._lock:
            entry = self._entries.get(text)
            if entry is not None:
                self._entries.move_to_end(text)
            return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.characters = 0

    def tokens(self, text: str) -> int | None:
        """The token count of a text parsed before, if it is still kept."""
        entry = self.get(text)
        return entry.tokens if entry is not None else None

    def add(self, text: str, document: DocumentNode) -> CachedDocument | None:
        """Keep `document`, parsed from `text`, unless the text alone passes a bound."""
        if self.max_entries < 1 or len(text) > self.max_characters:
            return None
        entry = CachedDocument(text, document, count_tokens(text, len(text)))
        with self._lock:
            previous = self._entries.pop(text, None)
            if previous is not None:
                self.characters -= len(previous.text)
            self._entries[text] = entry
            self.characters += len(text)
            while len(self._entries) > self.max_entries or self.characters > self.max_characters:
                _, dropped = self._entries.popitem(last=False)
                self.characters -= len(dropped.text)
        return entry


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
            errors = entry.errors.get(rules)
            if errors is None:
                # Strawberry's own validation, as it would have run it.
                errors = entry.errors[rules] = strawberry_schema.validate_document(
                    context.schema._schema, entry.document, rules
                )
            # A list, even empty, tells Strawberry validation has run.
            context.pre_execution_errors = list(errors)
        yield

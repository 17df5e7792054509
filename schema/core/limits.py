"""Bounds on what one request may ask for, checked before anything runs.

Tokens are counted while lexing, before the document is parsed, so a huge document is
refused after reading at most `max_tokens + 1` tokens. Depth, aliases, selections and
cost are measured on the parsed document, with the request's variables, before it is
validated or run: validation compares fields pairwise and may take seconds on a
document it is cheap to measure. Tokens, selections and cost are summed over the
operations of a batch (`schema.core.budget`). Over any bound the operation is refused
with QUERY_TOO_COMPLEX, the figure and the limit; an accepted operation reports its
cost in the response's `extensions`.

Cost is the number of nodes the operation may return, as GitHub counts its node limit:
a connection contributes its page size (`first`, `last`, else the default page size)
times the page sizes of the connections above it; `nodes(ids:)` contributes the number
of IDs; any other list of objects contributes its size from the cost map, multiplied
likewise. The cost map adds the rows some fields read besides those they return, and
computations over the whole organisation, counted once per request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    Lexer,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.core import cost_map
from schema.core.budget import RequestBudget
from schema.core.connection import MAX_PAGE_SIZE
from schema.core.errors import QUERY_TOO_COMPLEX
from server.settings import Limits

DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE
"""What a connection returns when asked without `first` or `last`."""


@dataclass(frozen=True)
class Measure:
    """Figures of a selection: deepest field nesting, aliases, fields selected (each
    spread of a fragment again), nodes it may return, and the organisation-wide
    computations it needs."""

    depth: int = 0
    aliases: int = 0
    selections: int = 0
    cost: int = 0
    computations: frozenset[str] = frozenset()

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.selections + other.selections,
            self.cost + other.cost,
            self.computations | other.computations if other.computations else self.computations,
        )


def too_complex(measure: str, value: float, limit: float, message: str) -> GraphQLError:
    return GraphQLError(
        message,
        extensions={"code": QUERY_TOO_COMPLEX, "measure": measure, "value": value, "limit": limit},
    )


def count_tokens(source: str, limit: int) -> int:
    """Lexical tokens in `source`, counting no further than `limit + 1`.

    A document that does not lex is left for the parser to report.
    """
    lexer = Lexer(Source(source))
    count = 0
    try:
        while count <= limit and lexer.advance().kind is not TokenKind.EOF:
            count += 1
    except GraphQLError:
        pass
    return count


def is_connection(field: GraphQLField) -> bool:
    named = get_named_type(field.type)
    return (
        isinstance(named, GraphQLObjectType)
        and named.name.endswith("Connection")
        and ("first" in field.args or "last" in field.args)
    )


def max_page_size(field: GraphQLField) -> int:
    """The largest page a connection serves: `MAX_PAGE_SIZE` unless its Strawberry field
    declares another (`metadata={"max_page_size": n}`)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    metadata = getattr(definition, "metadata", None) or {}
    return metadata.get("max_page_size", MAX_PAGE_SIZE)


def spread_names(selection_set: SelectionSetNode) -> Iterator[str]:
    """Fragments a selection spreads directly, at any nesting within it."""
    for selection in selection_set.selections:
        if isinstance(selection, FragmentSpreadNode):
            yield selection.name.value
        elif selection.selection_set is not None:
            yield from spread_names(selection.selection_set)


def dependency_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """Fragment names, each after the fragments it spreads; a cycle (which validation
    refuses) is broken where it closes. Iterative, so a chain of hundreds of fragments
    cannot exhaust the interpreter's stack."""
    order: list[str] = []
    seen: set[str] = set()
    for first in fragments:
        if first in seen:
            continue
        seen.add(first)
        stack = [(first, spread_names(fragments[first].selection_set))]
        while stack:
            name, spreads = stack[-1]
            spread = next(spreads, None)
            if spread is None:
                stack.pop()
                order.append(name)
            elif spread in fragments and spread not in seen:
                seen.add(spread)
                stack.append((spread, spread_names(fragments[spread].selection_set)))
    return order


class OperationMeter:
    """Measures each fragment once, before the selections that spread it, so neither a
    fragment spread many times nor a long chain of fragments is walked more than once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.measured: dict[str, Measure] = {}
        for name in dependency_order(fragments):
            condition = self.schema.get_type(fragments[name].type_condition.name.value)
            self.measured[name] = self.selections(fragments[name].selection_set, condition)

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Measure:
        """`parent` is None below a field the schema lacks (validation refuses it, but its
        depth still counts: it is measured before validation)."""
        total = Measure()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self.schema.get_type(condition.name.value) if condition else None
                total += self.selections(selection.selection_set, narrowed or parent)
            elif isinstance(selection, FragmentSpreadNode):
                # Unknown, or closing a cycle: validation reports it.
                total += self.measured.get(selection.name.value, Measure())
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        aliases = 1 if node.alias else 0
        definition = self.definition(parent, node.name.value)
        below = Measure()
        if node.selection_set is not None:
            named = get_named_type(definition.type) if definition is not None else None
            below = self.selections(node.selection_set, named)
        fan_out = None
        computations = below.computations
        cost = below.cost
        if definition is not None and parent is not None:
            fan_out = self.fan_out(node, definition, parent)
            name = f"{parent.name}.{node.name.value}"
            cost = cost_map.ROWS_READ.get(name, 0)
            cost += below.cost if fan_out is None else fan_out + fan_out * below.cost
            if name in cost_map.ORGANISATION_FIELDS:
                computations = computations | {cost_map.ORGANISATION_FIELDS[name]}
        return Measure(
            1 + below.depth, aliases + below.aliases, 1 + below.selections, cost, computations
        )

    def definition(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def fan_out(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType
    ) -> int | None:
        """Nodes this field may return for each parent, or None for a single object."""
        if is_connection(definition):
            return self.page_size(node, max_page_size(definition))
        if not is_list_type(get_nullable_type(definition.type)):
            return None
        if not is_composite_type(get_named_type(definition.type)):
            return None  # a list of scalars or enums returns no nodes
        if parent.name.endswith("Connection"):
            return None  # `edges` and `nodes`: the page its connection counted
        ids = self.argument(node, "ids")
        if ids is not None:
            return len(ids) if isinstance(ids, list) else 1
        name = f"{parent.name}.{node.name.value}"
        return cost_map.LIST_SIZES.get(name, cost_map.LIST_ESTIMATE)

    def page_size(self, node: FieldNode, maximum: int = MAX_PAGE_SIZE) -> int:
        sizes = [
            size
            for size in (self.argument(node, "first"), self.argument(node, "last"))
            if isinstance(size, int) and not isinstance(size, bool)
        ]
        if not sizes:
            return DEFAULT_PAGE_SIZE
        # Larger pages are refused when the field runs; count what may come back.
        return max(0, min(min(sizes), maximum))

    def argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return value_from_ast_untyped(argument.value, self.variables)
        return None


def variables_with_defaults(
    operation: OperationDefinitionNode, given: Mapping[str, Any] | None
) -> dict[str, Any]:
    values = dict(given or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


class ReadVariables(dict):
    """The request's variables, noting the names the meter reads: a measure depends on
    the document and on those alone."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def measure_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    read: set[str] | None = None,
) -> Measure:
    """Depth, aliases and cost of the operation to run (none when the document names no
    operation to run: validation says why), and the selections of the whole document:
    every operation's fields, each fragment's again at each spread, and every fragment
    definition's (validation compares the fields within each of those)."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    given = ReadVariables(variables_with_defaults(operation, variables) if operation else {})
    meter = OperationMeter(schema, fragments, given)
    measure = Measure()
    if operation is not None and root is not None:
        measure = meter.selections(operation.selection_set, root)
    selections = sum(fragment.selections for fragment in meter.measured.values())
    for definition in document.definitions:
        if definition is operation and root is not None:
            selections += measure.selections
        elif isinstance(definition, OperationDefinitionNode):
            # Validation reads every operation of the document, not only the one to run.
            other = schema.get_root_type(definition.operation)
            selections += meter.selections(definition.selection_set, other).selections
    if read is not None:
        read.update(given.read)
    return replace(measure, selections=selections)


MEASURES_PER_DOCUMENT = 32
"""Measures remembered per document and operation, for as many sets of the variables
they read (page sizes, mostly)."""

_ABSENT = object()


def _frozen(value: Any) -> Any:
    """A hashable stand-in equal for equal JSON values; TypeError when there is none."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(each) for each in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(each)) for key, each in value.items()))
    hash(value)
    return (type(value), value)


def _key(variables: Mapping[str, Any] | None, names: tuple[str, ...]) -> tuple | None:
    values = variables if isinstance(variables, Mapping) else {}
    try:
        return tuple(_frozen(values.get(name, _ABSENT)) for name in names)
    except TypeError:
        return None


def remembered_measure(
    memo: dict[str | None, tuple[tuple[str, ...], dict[tuple, Measure]]],
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Measure:
    """`measure_operation`, remembered in `memo` (the cached document's) by the values
    of the variables it read; a value that is not plain JSON is measured afresh."""
    operation = get_operation_ast(document, operation_name)
    if operation is not None and operation.name is not None:
        operation_name = operation.name.value  # one entry, named or not in the request
    remembered = memo.get(operation_name)
    if remembered is not None:
        key = _key(variables, remembered[0])
        if key is not None and key in remembered[1]:
            return remembered[1][key]
    read: set[str] = set()
    measure = measure_operation(schema, document, operation_name, variables, read)
    names = tuple(sorted(read))
    if remembered is None or remembered[0] != names:
        remembered = memo[operation_name] = (names, {})
    key = _key(variables, names)
    if key is not None and len(remembered[1]) < MEASURES_PER_DOCUMENT:
        remembered[1][key] = measure
    return measure


def excess(measure: Measure, limits: Limits, budget: RequestBudget) -> GraphQLError | None:
    """The first bound the measured operation passes, as the error to answer with.
    Depth and aliases bound each operation; selections and cost, the whole request."""
    if measure.depth > limits.max_depth:
        return too_complex(
            "depth",
            measure.depth,
            limits.max_depth,
            f"The query is nested {measure.depth} levels deep; the limit is {limits.max_depth}.",
        )
    if measure.aliases > limits.max_aliases:
        return too_complex(
            "aliases",
            measure.aliases,
            limits.max_aliases,
            f"The query uses {measure.aliases} aliases; the limit is {limits.max_aliases}.",
        )
    subject = "The batch's operations" if budget.batched else "The query"
    selections = budget.selections + measure.selections
    if selections > limits.max_selections:
        verb = "select" if budget.batched else "selects"
        return too_complex(
            "selections",
            selections,
            limits.max_selections,
            f"{subject} {verb} {selections} fields (counting each spread of a fragment); "
            f"the limit is {limits.max_selections}.",
        )
    cost = budget.cost + request_cost(measure, budget)
    if cost > limits.max_cost:
        return too_complex(
            "cost",
            cost,
            limits.max_cost,
            f"{subject} may return {cost} nodes; the limit is {limits.max_cost}. "
            "Ask for smaller pages with `first` or `last`.",
        )
    return None


def request_cost(measure: Measure, budget: RequestBudget) -> int:
    """What the operation adds to the request's cost: its nodes, and the organisation-wide
    computations no earlier operation of the request needed."""
    return measure.cost + budget.shared_cost(measure.computations, cost_map.ORGANISATION_WEIGHTS)


def request_budget(execution_context: Any) -> RequestBudget:
    """The request's budget, kept on its context; a fresh one for an operation run
    without a Throughline context (scripts, tests)."""
    budget = getattr(execution_context.context, "budget", None)
    return budget if isinstance(budget, RequestBudget) else RequestBudget()


def admit_tokens(
    text: str, limits: Limits, budget: RequestBudget, known: int | None = None
) -> int | GraphQLError:
    """The tokens `text` adds to the request (counted while lexing, unless `known`
    from the document cache), or the refusal when they pass the bound."""
    used = budget.tokens
    allowed = max(0, limits.max_tokens - used)
    # A known count goes as far as `count_tokens` would count.
    tokens = count_tokens(text, allowed) if known is None else min(known, allowed + 1)
    if tokens <= allowed:
        return tokens
    subject = "The batch's documents have" if used else "The document has"
    return too_complex(
        "tokens",
        used + tokens,
        limits.max_tokens,
        f"{subject} at least {used + tokens} tokens; the limit is {limits.max_tokens}.",
    )


@dataclass(frozen=True)
class Admission:
    """An operation measured against the request's budget: its refusal, or what to
    grant it and the cost to report."""

    measure: Measure
    refusal: GraphQLError | None
    cost: int


def admit_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: Limits,
    budget: RequestBudget,
    memo: dict | None = None,
) -> Admission:
    """`memo`: the measures remembered with the document, when it is cached."""
    if memo is None:
        measure = measure_operation(schema, document, operation_name, variables)
    else:
        measure = remembered_measure(memo, schema, document, operation_name, variables)
    refusal = excess(measure, limits, budget)
    return Admission(measure, refusal, 0 if refusal else request_cost(measure, budget))


def grant(budget: RequestBudget, admission: Admission) -> None:
    measure = admission.measure
    budget.grant(measure.selections, admission.cost, measure.computations)


def cost_report(cost: int, limits: Limits) -> dict[str, Any]:
    """The response's `extensions` for an operation that ran."""
    return {"cost": {"nodes": cost, "limit": limits.max_cost}}


class QueryLimits(SchemaExtension):
    """Refuses an operation over a limit before it is validated or run; reports the cost
    of the others."""

    def __init__(self, *, limits: Limits, execution_context: Any = None) -> None:
        self.limits = limits
        self.cost: int | None = None
        self.budget = RequestBudget()

    def on_operation(self) -> Iterator[None]:
        self.budget = request_budget(self.execution_context)
        yield

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and isinstance(context.query, str):
            cache = getattr(context.schema, "documents", None)
            known = cache.tokens(context.query) if cache is not None else None
            tokens = admit_tokens(context.query, self.limits, self.budget, known)
            if isinstance(tokens, GraphQLError):
                raise tokens
            self.budget.tokens += tokens
        yield

    def on_validate(self) -> Iterator[None]:
        """Measured before validation, which costs far more than measuring (seconds for
        a thousand repeated fields), so a refused operation is not even validated."""
        context = self.execution_context
        admission = None
        if context.graphql_document is not None:
            cache = getattr(context.schema, "documents", None)
            entry = cache.get(context.query) if cache is not None else None
            known = entry is not None and entry.document is context.graphql_document
            admission = admit_operation(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
                self.limits,
                self.budget,
                entry.measures if known else None,
            )
        if admission is not None and admission.refusal is not None:
            context.pre_execution_errors = [admission.refusal]  # Strawberry skips validation
        elif admission is not None:
            grant(self.budget, admission)
        yield
        if admission is not None and admission.refusal is None and not context.pre_execution_errors:
            self.cost = admission.cost

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.result is not None:
            self.cost = None  # answered without running
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return cost_report(self.cost, self.limits)


def query_limits(limits: Limits) -> partial[QueryLimits]:
    """The extension for `Schema(extensions=[...])`, built afresh for every operation."""
    return partial(QueryLimits, limits=limits)

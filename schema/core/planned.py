"""Root fields completed along a plan compiled once per request, not field by field.

With reads served from the read model nearly every resolver is a plain lookup, and
graphql-core's general machinery became the cost: for each field a `Path`, a resolve
info, an argument dict, awaitable checks, a chain of type tests, then Strawberry's
wrapper with its own `Info` and argument conversion (5/6 of the time of the 10 000-node
goal tree). `PlannedExecution` compiles each selection once per request into a plan:
per object type and selection, the fields to answer, each with how to resolve it (a
plain `getattr` for a field without resolver, the field's own resolver with its
arguments coerced once otherwise) and how to complete its value (a serialize for a
leaf, a loop for a list, the runtime type's plan for an interface). The value of each
root field is then completed along the plan, synchronously.

The plan is only a faster road to the same answer. Whenever it meets something that
graphql-core handles in a way it does not copy (a resolver that raises or hands back
work still pending, a null for a non-null field, a value a scalar refuses, an
unexpected runtime type), it drops what it built and graphql-core completes that root
field from its value, as before. Resolvers below the root only read (a mutation's
write is its root resolver, which runs once), so doing that part twice changes nothing
but time; errors, their paths and partial data are always graphql-core's own.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import GeneratorType
from typing import Any
from weakref import finalize, ref

from graphql import (
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    Undefined,
    VariableNode,
    get_argument_values,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE
from tortoise.models import Model

from schema.core.plan_source import FieldStep, Unplanned, object_function, plain_attribute

ENABLED = True
"""Switched off only by the tests that compare planned answers with graphql-core's."""

Complete = Callable[[Any, Any], Any]
"""Completes a value for the request (the `PlannedExecution`) given second."""
Resolve = Callable[[Any], Any]


# Types whose values are never awaitable (grown as values of new types are met).
PLAIN: set[type] = {type(None), bool, int, float, str, list, tuple, dict}


def settled(value: Any) -> Any:
    """A resolver's value, or the result of a future the read model already settled;
    pending work (a coroutine, an unsettled future) is graphql-core's to await. A
    Tortoise row is a value: awaiting one only answers the row itself."""
    kind = type(value)
    if kind in PLAIN:
        return value
    if isinstance(value, asyncio.Future):
        if value.done() and not value.cancelled() and value.exception() is None:
            return value.result()
        raise Unplanned
    if isinstance(value, Exception):
        raise Unplanned
    if issubclass(kind, Model) or not inspect.isawaitable(value):
        if kind is not GeneratorType:  # only generators differ between instances
            PLAIN.add(kind)
        return value
    if inspect.iscoroutine(value):
        value.close()  # never started: nothing ran, nothing to clean up
    raise Unplanned


Plan = tuple[Any, Any, Complete]
"""A compiled object plan, with the schema and field details its key names."""


@dataclass(slots=True)
class KeptPlans:
    """The object plans of one operation, by schema, type and the selection's field
    nodes; `operation` is a weak reference, so keeping plans never keeps a document."""

    operation: ref
    plans: dict[tuple, Plan]


PLANS: dict[int, KeptPlans] = {}
"""Kept plans by the identity of their operation (an AST node's own hash walks its whole
tree, on every lookup). A document kept in the document cache brings the same operation
and nodes with every request, so its plans are compiled once, and they go when the cache
lets the document go (a document parsed for one request takes its plans with it)."""


def kept_plans(operation: Any) -> dict[tuple, Plan]:
    key = id(operation)
    kept = PLANS.get(key)
    if kept is None:
        kept = PLANS[key] = KeptPlans(ref(operation), {})
        finalize(operation, PLANS.pop, key, None)  # before the id can be reused
    return kept.plans


def conditional(details: Any, fragments: Any) -> bool:
    """Whether the fields this selection collects depend on the request: a directive
    (`@skip`, `@include`, `@defer`) on it or on a fragment it spreads, or fragment
    variables. Its plan is then compiled for the request alone."""
    pending = [each.node.selection_set for each in details if each.node.selection_set]
    if any(getattr(each, "fragment_variable_values", None) for each in details):
        return True
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if selection.directives:
                return True
            if isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)  # graphql-core's FragmentDetails
                definition = getattr(fragment, "definition", None)
                if definition is None or definition.directives or fragment.variable_signatures:
                    return True
                if name not in seen:
                    seen.add(name)
                    pending.append(definition.selection_set)
    return False


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with each root field's value completed along a
    plan (see the module's docstring); everything else is graphql-core's.

    A plan is request-free: what depends on the request (a resolver's arguments from
    the variables, the resolve info carrying the context) is bound on first use, into
    `_bound`, per request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_plans: dict[tuple, Plan] = {}
        self._bound: dict[object, Any] = {}
        self._planning = ENABLED and not (
            self.middleware_manager and self.middleware_manager.middlewares
        )
        awaitable = self.is_awaitable
        # Tortoise rows have `__await__` (answering the row itself): as values, they
        # cost no task each on graphql-core's road either.
        self.is_awaitable = lambda value: not isinstance(value, Model) and awaitable(value)  # type: ignore[assignment]

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._planning and path.prev is None and not isinstance(result, Exception):
            try:
                return self._completer(return_type, field_details_list, path)(result, self)
            except Exception:  # graphql-core answers it exactly below
                pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    # --- compiling ------------------------------------------------------------------

    def _completer(self, type_: GraphQLOutputType, details: Any, path: Path) -> Complete:
        """How to complete a value of `type_` selected by `details`."""
        if isinstance(type_, GraphQLNonNull):
            of_type = type_.of_type
            if (
                is_object_type(of_type)
                and getattr(of_type.is_type_of, "instances_of", None) is not None
                and not conditional(details, self.fragments)
            ):
                # Its plan refuses anything but an instance of its model (a null, pending
                # work) and never answers null: no check left for the wrappers.
                return self._object_completer(of_type, details, path)
            inner = self._completer(of_type, details, path)

            def non_null(value: Any, request: PlannedExecution) -> Any:
                completed = inner(value, request)
                if completed is None:
                    raise Unplanned
                return completed

            return non_null
        inner = self._nullable_completer(type_, details, path)

        def nullable(value: Any, request: PlannedExecution) -> Any:
            value = settled(value)
            if value is None or value is Undefined:
                return None
            return inner(value, request)

        return nullable

    def _nullable_completer(self, type_: GraphQLOutputType, details: Any, path: Path) -> Complete:
        if isinstance(type_, GraphQLList):
            item = self._completer(type_.of_type, details, path)

            def listed(value: Any, request: PlannedExecution) -> list:
                if not isinstance(value, list | tuple):
                    raise Unplanned
                return [item(each, request) for each in value]

            return listed
        if is_leaf_type(type_):
            coerce = type_.coerce_output_value

            def leaf(value: Any, _request: PlannedExecution) -> Any:
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    raise Unplanned
                return coerced

            return leaf
        if is_abstract_type(type_):
            return self._abstract_completer(type_, details, path)
        if is_object_type(type_):
            if conditional(details, self.fragments):
                # Compiled for each request: not built into a plan other requests use.
                def conditioned(value: Any, request: PlannedExecution) -> Any:
                    return request._object_completer(type_, details, path)(value, request)

                return conditioned
            return self._object_completer(type_, details, path)
        raise Unplanned

    def _abstract_completer(self, type_: GraphQLAbstractType, details: Any, path: Path) -> Complete:
        by_class = self._class_completer(type_, details, path)
        if by_class is not None:
            return by_class
        resolve_type = type_.resolve_type or self.type_resolver
        schema = self.schema
        slot = object()

        def abstract(value: Any, request: PlannedExecution) -> Any:
            info = request._bound.get(slot)
            if info is None:
                info = request._bound[slot] = request._info_for(type_, details, path)
            name = resolve_type(value, info, type_)
            runtime = schema.get_type(name) if isinstance(name, str) else None
            if not is_object_type(runtime) or not schema.is_sub_type(type_, runtime):
                raise Unplanned
            return request._object_completer(runtime, details, path)(value, request)

        return abstract

    def _class_completer(
        self, type_: GraphQLAbstractType, details: Any, path: Path
    ) -> Complete | None:
        """For an interface whose every type presents a model (`instance_test`) and that
        resolves types Strawberry's own way, the runtime type of a row follows from its
        class alone: the first possible type it is an instance of, as graphql-core's
        default type resolver finds it. Found once per class, without resolve info."""
        definition = (type_.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if definition is None or getattr(definition, "resolve_type", True) is not None:
            return None
        possible = self.schema.get_possible_types(type_)
        found_models = [getattr(each.is_type_of, "instances_of", None) for each in possible]
        models: list[type] = [model for model in found_models if model is not None]
        if not possible or len(models) != len(possible):
            return None
        origin = getattr(definition, "origin", None)
        runtime_of: dict[type, GraphQLObjectType] = {}

        def by_class(value: Any, request: PlannedExecution) -> Any:
            if hasattr(value, TYPE_CAST_ATTRIBUTE):  # cast to a type: Strawberry's rule
                raise Unplanned
            kind = type(value)
            runtime = runtime_of.get(kind)
            if runtime is None:
                strawberry_object = origin is not None and isinstance(value, origin)
                if strawberry_object or not issubclass(kind, Model):
                    raise Unplanned
                found = [
                    each
                    for each, model in zip(possible, models, strict=True)
                    if isinstance(value, model)
                ]
                if not found:
                    raise Unplanned
                runtime = runtime_of[kind] = found[0]
            return request._object_completer(runtime, details, path)(value, request)

        return by_class

    def _info_for(self, type_: GraphQLOutputType, details: Any, path: Path) -> GraphQLResolveInfo:
        """The resolve info graphql-core would pass along for this value (at the
        selection's first path: nothing below the root reads the path)."""
        parent = self.schema.get_type(path.typename) if path.typename else None
        return self.build_resolve_info(
            GraphQLFieldLike(type_),  # type: ignore[arg-type]
            [each.node for each in details],
            parent,  # type: ignore[arg-type]
            path,
        )

    def _object_completer(self, type_: GraphQLObjectType, details: Any, path: Path) -> Complete:
        key = (id(self.schema), type_.name, *(id(each.node) for each in details))
        kept = kept_plans(self.operation)
        planned = kept.get(key) or self._own_plans.get(key)
        if planned is None:
            # The nodes are kept with the plan, so their ids are not reused meanwhile.
            planned = (self.schema, details, self._compile_object(type_, details, path))
            if conditional(details, self.fragments):
                self._own_plans[key] = planned
            else:
                kept[key] = planned
        return planned[-1]

    def _compile_object(self, type_: GraphQLObjectType, details: Any, path: Path) -> Complete:
        grouped = self.collect_subfields(type_, details)[0]
        steps: list[FieldStep] = []
        binders: list[Callable[[PlannedExecution], Resolve]] = []
        for response_name, field_details in grouped.items():
            node = field_details[0].node
            field_def = self.schema.get_field(type_, node.name.value)
            if field_def is None:
                continue
            if node.name.value == "__typename":
                steps.append(FieldStep(response_name, "const", type_.name, None))
                continue
            field_path = Path(path, response_name, type_.name)
            read, how = self._reader(type_, field_def, field_details, field_path)
            if read == "bound":
                binders.append(how)
                how = len(binders) - 1
            completer = self._completer(field_def.type, field_details, field_path)
            steps.append(FieldStep(response_name, read, how, completer, field_def.type))
        is_type_of = type_.is_type_of
        instances_of = getattr(is_type_of, "instances_of", None)
        asks_info = is_type_of is not None and instances_of is None

        def bind(request: PlannedExecution) -> tuple[Any, tuple[Resolve, ...]]:
            """This request's resolve info for the type (when its test asks for one),
            and its resolver of each field bound to the request."""
            info = request._info_for(type_, details, path) if asks_info else None
            return info, tuple(binder(request) for binder in binders)

        return object_function(
            type_.name,
            steps,
            instances_of,
            is_type_of,
            bind if binders or asks_info else None,
            object(),
        )

    def _reader(
        self, parent: GraphQLObjectType, field_def: Any, details: Any, path: Path
    ) -> tuple[str, Any]:
        """How to read the field from its parent's value: `attr` and an attribute name,
        `call` and a function for every request, or `bound` and how to bind one to a
        request."""
        resolve = field_def.resolve or self.field_resolver
        definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if getattr(resolve, "_is_default", False) and definition is not None:
            python_name = definition.python_name
            default = definition.default_resolver
            if default is getattr:
                if plain_attribute(python_name):
                    return "attr", python_name
                return "call", lambda source: getattr(source, python_name)
            return "call", lambda source: default(source, python_name)
        call = self._direct_call(resolve, definition)
        constant = self._constant_arguments(field_def, details)
        if call is not None and constant is not None:
            # Arguments written in the document: converted once, when compiled.
            converted = call.convert(constant, None)
            if call.info_name is None:
                return "call", call.resolver(converted)
            return "bound", lambda request: call.resolver(
                {
                    **converted,
                    call.info_name: call.info(request._info_of(field_def, details, parent, path)),
                }
            )
        return "bound", lambda request: request._bind(
            parent, field_def, details, path, resolve, call
        )

    def _constant_arguments(self, field_def: Any, details: Any) -> dict[str, Any] | None:
        """The field's arguments when the document alone sets them (no variable, only
        leaf types, which convert without a resolve info); None otherwise."""
        node = details[0].node
        if details[0].fragment_variable_values or any(
            _uses_variables(argument.value) for argument in node.arguments or ()
        ):
            return None
        if not all(is_leaf_type(get_named_type(arg.type)) for arg in field_def.args.values()):
            return None
        if not field_def.args and not node.arguments:
            return {}
        return get_argument_values(field_def, node, None, None, self.hide_suggestions)

    def _info_of(
        self, field_def: Any, details: Any, parent: GraphQLObjectType, path: Path
    ) -> GraphQLResolveInfo:
        return self.build_resolve_info(field_def, [each.node for each in details], parent, path)

    def _bind(
        self, parent: GraphQLObjectType, field_def: Any, details: Any, path: Path,
        resolve: Any, call: DirectCall | None,
    ) -> Callable[[Any], Any]:  # fmt: skip
        """The field's resolver with this request's arguments and resolve info."""
        node = details[0].node
        args = (
            get_argument_values(
                field_def,
                node,
                self.variable_values,
                details[0].fragment_variable_values,
                self.hide_suggestions,
            )
            if field_def.args or node.arguments
            else {}
        )
        info = self._info_of(field_def, details, parent, path)
        if call is None:
            return lambda source: resolve(source, info, **args)
        return call.bound(info, args)

    def _direct_call(self, resolve: Any, field: Any) -> DirectCall | None:
        """How to call the field's Strawberry resolver as Strawberry's wrapper would,
        with its arguments converted once per request: only for a plain synchronous
        resolver (no field extension, no exception handler, not wrapped by anything of
        ours, such as the date checks of `schema.core.supported_dates`), taking its
        parent at most one way. Found once, when the plan is compiled."""
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        resolver = getattr(field, "base_resolver", None)
        if (
            strawberry_schema is None
            or resolver is None
            or resolver.is_async
            or field.extensions
            or strawberry_schema.schema_converter._exception_handler_specs
            or getattr(resolve, "__name__", None) != "_resolver"
            or getattr(resolve, "__module__", None) != GraphQLCoreConverter.__module__
        ):
            return None
        given_source = sorted(
            {
                parameter.name
                for parameter in (resolver.parent_parameter, resolver.root_parameter)
                if parameter is not None
            }
        )
        if len(given_source) > 1 or (given_source and resolver.self_parameter is not None):
            return None
        return DirectCall(
            strawberry_schema,
            field,
            resolver.wrapped_func,
            resolver.info_parameter.name if resolver.info_parameter is not None else None,
            "self" if resolver.self_parameter is not None else
            given_source[0] if given_source else None,
        )  # fmt: skip


POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class DirectCall:
    """A Strawberry resolver called without Strawberry's wrapper: what `bound` needs of
    the request is its resolve info and arguments."""

    def __init__(
        self, schema: Any, field: Any, function: Callable, info_name: str | None,
        source_name: str | None,
    ) -> None:  # fmt: skip
        self.schema = schema
        self.converter = schema.schema_converter
        self.field = field
        self.function = function
        self.info_name = info_name
        self.source_name = source_name
        """"self" when the source is passed first, by position; None when not at all."""
        parameters = list(inspect.signature(function).parameters.values())
        self.first_parameter = (
            parameters[0].name if parameters and parameters[0].kind in POSITIONAL else None
        )

    def info(self, info: GraphQLResolveInfo) -> Any:
        """Strawberry's `Info` for the field, as its wrapper would pass it."""
        return self.schema.config.info_class(_raw_info=info, _field=self.field)

    def convert(self, args: dict[str, Any], strawberry_info: Any) -> dict[str, Any]:
        """The arguments as the resolver takes them (input types built, names in
        Python)."""
        if not args:
            return {}
        return convert_arguments(
            args,
            self.field.arguments,
            scalar_registry=self.converter.scalar_registry,
            config=self.schema.config,
            info=strawberry_info,
        )

    def bound(self, info: GraphQLResolveInfo, args: dict[str, Any]) -> Resolve:
        strawberry_info = self.info(info)
        converted = self.convert(args, strawberry_info)
        if self.info_name is not None:
            converted[self.info_name] = strawberry_info
        return self.resolver(converted)

    def resolver(self, converted: dict[str, Any]) -> Resolve:
        """The resolver as a function of the parent alone, given its other arguments."""
        function, name = self.function, self.source_name
        if name == "self" or (name is not None and name == self.first_parameter):
            if not converted:
                return function  # called with the parent alone, by position
            return lambda source: function(source, **converted)
        if name is None:
            return lambda _source: function(**converted)
        return lambda source: function(**converted, **{name: source})


def _uses_variables(value: Any) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_uses_variables(each) for each in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_uses_variables(each.value) for each in value.fields)
    return False


class GraphQLFieldLike:
    """What `build_resolve_info` reads of a field (its type), for the infos handed to
    `is_type_of` and `resolve_type`."""

    def __init__(self, type_: GraphQLOutputType) -> None:
        self.type = type_

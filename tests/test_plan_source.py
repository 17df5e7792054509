"""Object plans written out as Python (`schema.core.plan_source`): each shortcut answers
exactly what the field's general completion answers, and hands it every value it does
not recognise."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from types import SimpleNamespace

import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLFloat,
    GraphQLInt,
    GraphQLNonNull,
    GraphQLString,
)

from schema import schema as strawberry_schema
from schema.core.plan_source import (
    FieldStep,
    Unplanned,
    object_function,
    plain_attribute,
    shortcut,
)
from server.enums import Role


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class General:
    """A field's general completion, recording what it was handed."""

    def __init__(self, answer: object = "general") -> None:
        self.answer = answer
        self.seen: list[object] = []

    def __call__(self, value: object, _request: object) -> object:
        self.seen.append(value)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def request() -> SimpleNamespace:
    return SimpleNamespace(_bound={})


def one_field(type_, general: General, read: str = "attr", how: object = "value"):
    step = FieldStep("answer", read, how, general, type_)
    return object_function("Thing", [step], None, None, None, object())


def answer_of(run, value: object) -> object:
    return run(SimpleNamespace(value=value), request())["answer"]


def test_a_string_answers_itself_and_anything_else_goes_to_the_general_completion():
    general = General("5")
    run = one_field(GraphQLString, general)
    assert answer_of(run, "text") == "text"
    assert answer_of(run, None) is None
    assert answer_of(run, 5) == "5"
    assert general.seen == [5]


def test_a_null_for_a_non_null_field_goes_to_the_general_completion():
    general = General(Unplanned())
    run = one_field(GraphQLNonNull(GraphQLString), general)
    assert answer_of(run, "text") == "text"
    with pytest.raises(Unplanned):
        answer_of(run, None)
    assert general.seen == [None]


def test_a_boolean_is_its_own_answer_but_a_number_is_not():
    general = General(True)
    run = one_field(GraphQLNonNull(GraphQLBoolean), general)
    assert answer_of(run, False) is False
    assert answer_of(run, 1) is True
    assert general.seen == [1]


def test_an_enum_member_is_answered_by_its_name_and_a_plain_value_by_the_completion():
    role_type = strawberry_schema._schema.get_type("Role")
    general = General("ADMIN")
    run = one_field(role_type, general)
    assert answer_of(run, Role.EDITOR) == "EDITOR"
    assert answer_of(run, Role.EDITOR.value) == "ADMIN"
    assert general.seen == [Role.EDITOR.value]


def test_an_enum_the_table_cannot_answer_has_no_shortcut():
    # graphql-core's own enum types take the values, not Python members
    colour = GraphQLEnumType("Colour", {"RED": "red", "BLUE": "blue"})
    colour.wrapped_cls = Colour
    assert shortcut(colour) is None
    assert shortcut(GraphQLEnumType("Plain", {"A": "a"})) is None


def test_dates_and_decimals_are_serialised_as_strawberry_does():
    schema = strawberry_schema._schema
    date_type, decimal_type = schema.get_type("Date"), schema.get_type("Decimal")
    general = General("general")
    assert answer_of(one_field(date_type, general), date(2026, 3, 1)) == "2026-03-01"
    assert answer_of(one_field(date_type, general), "2026-03-01") == "general"
    assert answer_of(one_field(decimal_type, general), Decimal("1.50")) == "1.50"
    assert general.seen == ["2026-03-01"]
    # a datetime is a date too, and answers with its time
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert answer_of(one_field(date_type, general), moment) == "2026-03-01T09:30:00+00:00"


def test_an_int_within_32_bits_answers_itself_and_any_other_goes_to_the_completion():
    general = General("general")
    run = one_field(GraphQLInt, general)
    assert answer_of(run, 7) == 7
    assert answer_of(run, -(2**31)) == -(2**31)
    assert answer_of(run, 2**31) == "general"
    assert answer_of(run, True) == "general"
    assert answer_of(run, None) is None
    assert general.seen == [2**31, True]


def test_a_float_graphql_refuses_raises_so_graphql_core_answers_the_field():
    floats = one_field(GraphQLFloat, General())
    assert answer_of(floats, 2) == 2.0
    with pytest.raises(GraphQLError):
        answer_of(floats, math.nan)


def test_fields_keep_their_response_names_and_order_and_each_reads_its_own_way():
    bound_general = General()
    steps = [
        FieldStep("kind", "const", "Thing", None),
        FieldStep("label", "attr", "title", General(), GraphQLString),
        FieldStep("twice", "call", lambda source: source.title * 2, General(), GraphQLString),
        FieldStep("shout", "bound", 0, bound_general, GraphQLString),
    ]
    binds: list[object] = []

    def bind(req):
        binds.append(req)
        return None, (lambda source: source.title.upper(),)

    run = object_function("Thing", steps, None, None, bind, object())
    req = request()
    first = run(SimpleNamespace(title="ab"), req)
    second = run(SimpleNamespace(title="cd"), req)
    assert first == {"kind": "Thing", "label": "ab", "twice": "abab", "shout": "AB"}
    assert list(first) == ["kind", "label", "twice", "shout"]
    assert second["shout"] == "CD"
    assert binds == [req]  # bound once per request


def test_a_value_of_another_model_is_left_to_graphql_core():
    step = FieldStep("label", "attr", "title", General(), GraphQLString)
    run = object_function("Thing", [step], SimpleNamespace, None, None, object())
    assert run(SimpleNamespace(title="a"), request()) == {"label": "a"}
    with pytest.raises(Unplanned):
        run(object(), request())


def test_names_outside_the_generators_checks_are_refused():
    assert plain_attribute("title")
    for name in ("class", "__dict__", "a.b", "a b", "1a", "x)\nimport os"):
        assert not plain_attribute(name)
        with pytest.raises(ValueError):
            one_field(GraphQLString, General(), how=name)
    bad_alias = FieldStep("x': 1, 'y", "attr", "title", General(), GraphQLString)
    with pytest.raises(ValueError):
        object_function("Thing", [bad_alias], None, None, None, object())


def test_types_without_a_shortcut_always_use_the_general_completion():
    schema = strawberry_schema._schema
    assert shortcut(schema.get_type("JSON")) is None
    assert shortcut(GraphQLNonNull(GraphQLString)).nullable is False

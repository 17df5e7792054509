"""Literal strategies, the answer contract and a write fingerprint for the property suite.

hypothesis-graphql writes argument values into the document as literals. The strategies
here make most of them plausible (real IDs of seeded rows, valid cursors, small versions
and page sizes, dates near the data, money with two decimals) so generated operations
get past validation, read real rows and really write, mixed with the malformed,
out-of-range and hostile values a careless or malicious client sends.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from random import Random

import graphql
import httpx
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from tortoise import Tortoise, connections
from tortoise.models import Model

from schema.core.connection import encode_cursor
from schema.core.errors import (
    BAD_USER_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    QUERY_TOO_COMPLEX,
    RATE_LIMITED,
    UNAUTHENTICATED,
)
from schema.core.ids import MAX_DATABASE_ID, encode_global_id, encode_opaque
from server import models
from server.enums import CURRENCIES

Literal = st.SearchStrategy[graphql.ValueNode]

DOCUMENTED_CODES = frozenset(
    {
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        CONFLICT,
        QUERY_TOO_COMPLEX,
        RATE_LIMITED,
    }
)
TRACEBACK_MARKERS = ("Traceback", 'File "')
BUILT_IN_SCALARS = frozenset({"Int", "Float", "String", "Boolean", "ID"})

MIN_INT, MAX_INT = -(2**31), 2**31 - 1
NEAR_DATA = date(2024, 1, 1), date(2028, 12, 31)

# Signing in and using an API token write these; every other table changes only through
# a successful write.
UNTRACKED_TABLES = frozenset(
    {"refresh_token", "sign_in_failures", "fixture_load", "tortoise_migrations", "api_token_use"}
)


def mostly(plausible: Literal, hostile: Literal) -> Literal:
    """Four draws in five plausible: an operation holds many values, and one bad value
    fails its whole field before any row is read or written."""
    return st.one_of(plausible, plausible, plausible, plausible, hostile)


def ints() -> Literal:
    """Versions (most rows are at 1), page sizes and counts are small; the rest are
    negative, past the page size limit, or at the edges of the 32-bit range."""
    return mostly(
        st.one_of(st.just(1), st.integers(0, 5), st.integers(0, 100)).map(nodes.Int),
        st.one_of(
            st.integers(-3, -1),
            st.integers(101, 200),
            st.sampled_from((MIN_INT, MAX_INT)),
            st.integers(MIN_INT, MAX_INT),
        ).map(nodes.Int),
    )


ODD_TEXTS = (
    "",
    " ",
    "\t\n",
    "x" * 200,
    "x" * 201,
    "y" * 10_000,
    "y" * 10_001,
    "\U0001f642" * 201,
    "a\x00b",
    "%",
    "_",
    "\\",
    "%_\\%",
    "' OR '1'='1",
    '"; DROP TABLE goal; --',
    "#1f6feb",
    "not-an-email",
)


def strings(words: Sequence[str] = ()) -> Literal:
    """A String argument may be a cursor, a name, a currency, a search or an e-mail
    address, so plausible draws mix them all (a valid cursor is harmless as a name);
    hostile ones are any Unicode with NUL, lengths at the limits, forged cursors."""
    plausible = [
        st.integers(0, 150).map(encode_cursor),
        st.text(string.ascii_letters + string.digits + " -.", min_size=1, max_size=30),
        st.sampled_from(sorted(CURRENCIES)),
    ]
    if words:
        plausible.append(st.sampled_from(sorted(words)))
    forged_cursors = st.one_of(
        st.sampled_from((10**12, 10**13)).map(encode_cursor),
        st.sampled_from(("offset:-1", "offset:1.5", "offset:", "page:3")).map(encode_opaque),
    )
    hostile = st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
        st.sampled_from(ODD_TEXTS + ("usd", "XXX", "EURO")),
        forged_cursors,
    )
    return mostly(st.one_of(plausible), hostile).map(nodes.String)


ODD_DECIMALS = (
    "0",
    "0.05",
    "0.5",
    "1",
    "1.00",
    "-0.01",
    "1.001",
    "0.3333",
    "1e3",
    "1E-2",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1E+999999",
    "1e-999999",
    "9" * 40,
    "0." + "0" * 30 + "1",
    "abc",
    "",
    " 1",
    "1,5",
)


def decimals() -> Literal:
    """Money and measures with two decimals, shares in twentieths; then any decimal,
    NaN, infinities, huge exponents and non-numbers, as strings, ints and floats."""
    amounts = st.decimals(min_value=0, max_value=Decimal(10**6), places=2, allow_nan=False)
    shares = st.integers(1, 20).map(lambda twentieths: Decimal(twentieths) / 20)
    return mostly(
        st.one_of(amounts, shares).map(nodes.String),
        st.one_of(
            st.decimals(allow_nan=False, allow_infinity=False).map(nodes.String),
            st.sampled_from(ODD_DECIMALS).map(nodes.String),
            st.integers(MIN_INT, MAX_INT).map(nodes.Int),
            st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        ),
    )


ODD_DATES = (
    "2026-02-30",
    "2026-13-01",
    "26-01-01",
    "20260101",
    "+12026-01-01",
    "2026-01-01T00:00:00",
    "tomorrow",
    "",
)


def dates() -> Literal:
    return st.one_of(
        st.dates(*NEAR_DATA).map(date.isoformat).map(nodes.String),
        st.dates().map(date.isoformat).map(nodes.String),
        st.sampled_from(ODD_DATES).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
    )


def datetimes() -> Literal:
    near = [datetime.combine(day, datetime.min.time()) for day in NEAR_DATA]
    odd = (*ODD_DATES, "2026-01-01T25:00:00Z", "2026-01-01 10:00")
    return st.one_of(
        st.datetimes(*near, timezones=st.just(UTC)).map(datetime.isoformat).map(nodes.String),
        st.datetimes(timezones=st.none() | st.just(UTC)).map(datetime.isoformat).map(nodes.String),
        st.sampled_from(odd).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
    )


# Dates and times at the edges of the supported range (`server.dates`): the range's own
# first and last days, the days just outside it, the ends of Python's calendar, offsets
# that carry a time across a date line, and text that is no date at all. Kept apart from
# the general strategies above so the date suite can use them alone.

EDGE_DAYS = ("1900-01-01", "2199-12-31")
UNSUPPORTED_DAYS = ("0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31")
EDGE_OFFSETS = ("+14:00", "-12:00", "+23:59", "-23:59", "Z", "")
UNSUPPORTED_MOMENTS = (
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-12:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31T23:59:59.999999+14:00",
    "1900-01-01T12:00:00+14:00",
    "1900-01-01T23:59:59Z",
    "2199-12-31T00:00:00Z",
    "2199-12-30T12:00:00-12:00",
)
# "+14" alone is an ISO 8601 offset of whole hours, which the API accepts; "+1" is not.
MALFORMED_MOMENTS = (*ODD_DATES, "2026-01-01T10:00:00+24:00", "2026-01-01T10:00:00+1", "T10:00")


def edge_moments(days: Sequence[str]) -> st.SearchStrategy[str]:
    """Times on `days` at the first or last second, with any of the edge offsets."""
    return st.builds(
        lambda day, clock, offset: f"{day}T{clock}{offset}",
        st.sampled_from(days),
        st.sampled_from(("00:00:00", "12:00:00", "23:59:59")),
        st.sampled_from(EDGE_OFFSETS),
    )


def unsupported_dates() -> Literal:
    """Only dates the API must refuse: outside the range, or not dates at all."""
    return st.one_of(
        st.sampled_from(UNSUPPORTED_DAYS),
        st.one_of(st.dates(max_value=date(1899, 12, 31)), st.dates(min_value=date(2200, 1, 1))).map(
            date.isoformat
        ),
        st.sampled_from(ODD_DATES),
    ).map(nodes.String)


def unsupported_datetimes() -> Literal:
    """Only times the API must refuse: outside the range in UTC or in some time zone,
    with extreme offsets, or malformed."""
    return st.one_of(
        st.sampled_from(UNSUPPORTED_MOMENTS),
        edge_moments(UNSUPPORTED_DAYS),
        st.sampled_from(MALFORMED_MOMENTS),
    ).map(nodes.String)


def edge_dates() -> Literal:
    """The range's own first and last days mixed with dates it refuses."""
    return st.one_of(st.sampled_from(EDGE_DAYS).map(nodes.String), unsupported_dates())


def edge_datetimes() -> Literal:
    """Times on the range's first and last days, with extreme offsets, mixed with times
    it refuses."""
    return st.one_of(edge_moments(EDGE_DAYS).map(nodes.String), unsupported_datetimes())


def with_date_literals(
    literals: Mapping[str, Literal], dates_: Literal, datetimes_: Literal
) -> dict[str, Literal]:
    """`literals` with Date and DateTime arguments drawn from the given strategies."""
    return {**literals, "Date": dates_, "DateTime": datetimes_}


def dated_throughout(document: str, schema: graphql.GraphQLSchema) -> bool:
    """Whether every top-level field of the operation has a Date or DateTime literal among
    its own arguments: then, with refused dates only, no field of it may write."""
    type_info = graphql.TypeInfo(schema)
    dated: dict[int, bool] = {}
    depth, current = [0], [-1]

    class Find(graphql.Visitor):
        def enter_field(self, node, *_):
            depth[0] += 1
            if depth[0] == 1:
                current[0] = len(dated)
                dated[current[0]] = False

        def leave_field(self, node, *_):
            depth[0] -= 1

        def enter_string_value(self, node, *_):
            named = graphql.get_named_type(type_info.get_input_type())
            if named is not None and named.name in ("Date", "DateTime") and depth[0] == 1:
                dated[current[0]] = True

    graphql.visit(graphql.parse(document), graphql.TypeInfoVisitor(type_info, Find()))
    return bool(dated) and all(dated.values())


def global_ids(real_ids: Mapping[str, Sequence[str]]) -> Literal:
    """Plausible draws name a seeded row (a type first, then one of its rows, so a rare
    type is as likely as a common one); hostile ones are out of range, of no node type,
    padded, re-cased, not base64, or not even a string."""
    types = sorted(name for name, ids in real_ids.items() if ids)
    if not types:
        raise ValueError("the seeded organisation has no rows to name")
    real = st.sampled_from(types).flatmap(lambda name: st.sampled_from(real_ids[name]))
    out_of_range = st.builds(
        encode_global_id,
        st.sampled_from(sorted(real_ids)),
        st.sampled_from((0, MAX_DATABASE_ID, MAX_DATABASE_ID + 1, 10**18)),
    )
    forged = st.sampled_from(
        ("PageInfo:1", "Goal:-1", "Goal:1.5", "Goal", ":1", "Goal:\u0663", "goal:1", "Goal:01")
    ).map(encode_opaque)
    return mostly(
        real.map(nodes.String),
        st.one_of(
            st.one_of(
                out_of_range,
                forged,
                real.map(lambda global_id: global_id + "=="),
                real.map(str.swapcase),
                st.text(max_size=20),
            ).map(nodes.String),
            st.integers(MIN_INT, MAX_INT).map(nodes.Int),
        ),
    )


def any_literal() -> Literal:
    """For JSON, and for a custom scalar added after this module: every kind of literal,
    objects and lists included."""
    leaves = st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    )
    names = st.text(string.ascii_letters, min_size=1, max_size=8)

    def nested(children: Literal) -> Literal:
        fields = st.dictionaries(names, children, max_size=4).map(
            lambda values: nodes.Object(
                [
                    graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v)
                    for k, v in values.items()
                ]
            )
        )
        return st.lists(children, max_size=4).map(nodes.List) | fields

    return st.recursive(leaves, nested, max_leaves=8)


def scalar_literals(
    schema: graphql.GraphQLSchema, real_ids: Mapping[str, Sequence[str]], words: Sequence[str]
) -> dict[str, Literal]:
    """A strategy for every scalar of `schema` that needs more than hypothesis-graphql's
    defaults, including custom scalars added after this module was written."""
    known: dict[str, Literal] = {
        "ID": global_ids(real_ids),
        "Int": ints(),
        "String": strings(words),
        "Decimal": decimals(),
        "Date": dates(),
        "DateTime": datetimes(),
    }
    scalars = [
        name
        for name, named in schema.type_map.items()
        if isinstance(named, graphql.GraphQLScalarType) and not name.startswith("__")
    ]
    return {
        name: known[name] if name in known else any_literal()
        for name in scalars
        if name in known or name not in BUILT_IN_SCALARS
    }


# Names of ID fields that say which role a row plays rather than its type.
ROLES = {"owner": "User", "assignee": "User", "parent": "Goal", "under": "Goal"}
AIMED = 0.75


def referenced_type(field: str, container: str, type_names: Collection[str]) -> str | None:
    """The node type an ID input field names: the `id` of a `GoalUpdateInput` a Goal;
    `ownerTeamId`, `teams`, `keyResultIds` what they say; `ownerId` or `parent` a role."""
    longest_first = sorted(type_names, key=len, reverse=True)
    if field == "id":
        return next((name for name in longest_first if container.startswith(name)), None)
    stem = re.sub(r"(Ids|Id|s)$", "", field)
    if stem in ROLES:
        return ROLES[stem]
    return next((name for name in longest_first if stem.lower().endswith(name.lower())), None)


def aim(
    document: str,
    schema: graphql.GraphQLSchema,
    real_ids: Mapping[str, Sequence[str]],
    random: Random,
) -> str:
    """Point most ID input fields at rows of the type their name implies, most `after`
    and `before` arguments at valid cursors and most `currency` fields at a known
    currency. Drawn alone, an ID names a row of any type and a String is seldom a
    cursor, so a write would seldom find its target and a page seldom be read."""
    type_info = graphql.TypeInfo(schema)
    cursors = [encode_cursor(offset) for offset in range(120)]
    currencies = sorted(CURRENCIES)

    def choices(name: str, scalar: str, container: str) -> Sequence[str]:
        if scalar == "ID":
            target = referenced_type(name, container, real_ids)
            return real_ids.get(target, ()) if target else ()
        if scalar == "String" and name in ("after", "before"):
            return cursors
        if scalar == "String" and name == "currency":
            return currencies
        return ()

    def retarget(value: graphql.ValueNode, options: Sequence[str]) -> graphql.ValueNode:
        if isinstance(value, graphql.ListValueNode):
            return graphql.ListValueNode(values=tuple(retarget(v, options) for v in value.values))
        if isinstance(value, graphql.StringValueNode) and random.random() < AIMED:
            return graphql.StringValueNode(value=random.choice(options))
        return value

    def aimed(node: graphql.ArgumentNode | graphql.ObjectFieldNode, container: str) -> object:
        scalar = graphql.get_named_type(type_info.get_input_type())
        options = choices(node.name.value, scalar.name if scalar else "", container)
        if not options:
            return None
        return type(node)(name=node.name, value=retarget(node.value, options))

    class Aim(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_) -> object:
            return aimed(node, "")

        def enter_object_field(self, node: graphql.ObjectFieldNode, *_) -> object:
            container = graphql.get_named_type(type_info.get_parent_input_type())
            return aimed(node, container.name if container else "")

    visitor = graphql.TypeInfoVisitor(type_info, Aim())
    return graphql.print_ast(graphql.visit(graphql.parse(document), visitor))


async def seeded_ids(
    schema: graphql.GraphQLSchema, *, exclude: Collection[str]
) -> dict[str, list[str]]:
    """Global IDs of the rows of every model that shares its name with a Node type."""
    found: dict[str, list[str]] = {}
    for node_type in schema.get_possible_types(schema.type_map["Node"]):
        model = getattr(models, node_type.name, None)
        if isinstance(model, type) and issubclass(model, Model):
            keys = await model.all().order_by("id").values_list("id", flat=True)
            ids = [encode_global_id(node_type.name, pk) for pk in keys]
            found[node_type.name] = [global_id for global_id in ids if global_id not in exclude]
    return found


def problems_with(response: httpx.Response) -> list[str]:
    """Every way an answer breaks the contract: a 5xx, a body that is not a GraphQL JSON
    result, an error without a documented code, internals leaking into a message, or a
    request that was still running at the time limit (on a small organisation, within
    the cost limit, that is a stall)."""
    if response.status_code >= 500:
        return [f"status {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        return [f"status {response.status_code} with a body that is not JSON"]
    if not isinstance(body, dict) or not {"data", "errors"} & body.keys():
        return ["the body is not a GraphQL result"]
    found = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        message = str(error.get("message"))
        if extensions.get("code") not in DOCUMENTED_CODES:
            found.append(f"error code {extensions.get('code')!r}: {message!r}")
        if any(marker in message for marker in TRACEBACK_MARKERS):
            found.append(f"a traceback in an error message: {message!r}")
        if extensions.get("measure") == "seconds":
            found.append(f"stopped by the time limit: {message!r}")
    return found


def error_codes(response: httpx.Response) -> list[str]:
    body = response.json()
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


async def write_fingerprint(own_account: int) -> dict[str, tuple[str, ...]]:
    """Row count, version total and archived count of every table writes touch: any
    create, update, archive or history entry changes it. The signed-in person's own
    account row, its API tokens and their history are left out: they may sign out
    everywhere, change their password or make a reading token whatever their role."""
    own_tokens = f"SELECT id FROM api_token WHERE user_id = {own_account}"
    own = {
        "app_user": f"id <> {own_account}",
        "api_token": f"user_id <> {own_account}",
        "history_entry": f"NOT ((node_type = 'User' AND node_id = {own_account}) OR "
        f"(node_type = 'ApiToken' AND node_id IN ({own_tokens})))",
    }
    fingerprint = {}
    connection = connections.get("default")
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        if table in UNTRACKED_TABLES:
            continue
        columns = ["COUNT(*)"]
        if "version" in model._meta.fields_map:
            columns += ["SUM(version)", "COUNT(archived_at)"]
        where = f" WHERE {own[table]}" if table in own else ""
        rows = await connection.execute_query_dict(
            f'SELECT {", ".join(columns)} FROM "{table}"{where}'
        )
        fingerprint[table] = tuple(str(value) for value in rows[0].values())
    return fingerprint


# --- text at the edges -------------------------------------------------------------------
# Kept apart from the literal strategies above: strings travel here as variables, the
# way clients send text, so that lone surrogates (which no GraphQL literal may hold) and
# megabyte values reach the server too.

EDGE_TEXTS = (
    "a\x00b",
    "\x00",
    "DEL\x7f",
    "Line one\nline two",
    "Carriage\rreturn",
    "CR LF\r\n",
    "Tab\there",
    "\x1b[31mred\x1b[0m",
    "Next\x85line",
    "Line\u2028separator",
    "Para\u2029graph",
    "Bell\x07",
    "Lone \ud800 high",
    "Lone \udfff low",
    "\udc00",
    "Zürich 🚀",
    "x" * 200,
    "x" * 201,
    "y" * 10_001,
    "é" * 400_000,
    "z" * 1_000_000,
)


def edge_strings() -> st.SearchStrategy[str]:
    """Strings at the edges: NUL, DEL, every kind of line break, other C0 and C1
    controls, lone surrogates, lengths at the limits and around a megabyte."""
    controls = st.characters(min_codepoint=0, max_codepoint=0x9F, categories=("Cc",))
    surrogates = st.characters(categories=("Cs",))
    return st.one_of(
        st.sampled_from(EDGE_TEXTS),
        st.text(controls | st.sampled_from("ab \u2028"), min_size=1, max_size=8),
        st.text(surrogates | st.sampled_from("ab"), min_size=1, max_size=8),
    )


def hoist_strings(
    document: str, schema: graphql.GraphQLSchema, values: Sequence[str]
) -> tuple[str, dict[str, str]]:
    """`document` with each String literal it passes to an argument or input field
    replaced by a variable holding the next of `values` (cycled), and those variables."""
    type_info = graphql.TypeInfo(schema)
    definitions: list[graphql.VariableDefinitionNode] = []
    variables: dict[str, str] = {}

    class Hoist(graphql.Visitor):
        def enter_string_value(self, node: graphql.StringValueNode, *_) -> object:
            expected = type_info.get_input_type()
            if expected is None or graphql.get_named_type(expected).name != "String":
                return None
            name = f"text{len(variables)}"
            variables[name] = values[len(variables) % len(values)]
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=graphql.VariableNode(name=graphql.NameNode(value=name)),
                    type=graphql.parse_type(str(expected)),
                )
            )
            return graphql.VariableNode(name=graphql.NameNode(value=name))

    visited = graphql.visit(graphql.parse(document), graphql.TypeInfoVisitor(type_info, Hoist()))
    operations = [
        graphql.OperationDefinitionNode(
            operation=definition.operation,
            name=definition.name,
            variable_definitions=(*(definition.variable_definitions or ()), *definitions),
            directives=definition.directives,
            selection_set=definition.selection_set,
        )
        if isinstance(definition, graphql.OperationDefinitionNode)
        else definition
        for definition in visited.definitions
    ]
    return graphql.print_ast(graphql.DocumentNode(definitions=tuple(operations))), variables

"""Literal strategies, the answer contract and a write fingerprint for the property suite.

hypothesis-graphql writes argument values into the document as literals. The strategies
here make most of them plausible (real IDs of seeded rows, small versions and page
sizes, dates near the data, money with two decimals) so generated writes get past
validation and really change rows, mixed with the malformed, out-of-range and hostile
values a careless or malicious client sends.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

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
    UNAUTHENTICATED,
)
from schema.core.ids import MAX_DATABASE_ID, encode_global_id, encode_opaque
from server import models
from server.enums import CURRENCIES

Literal = st.SearchStrategy[graphql.ValueNode]

DOCUMENTED_CODES = frozenset(
    {UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT, QUERY_TOO_COMPLEX}
)
TRACEBACK_MARKERS = ("Traceback", 'File "')
BUILT_IN_SCALARS = frozenset({"Int", "Float", "String", "Boolean", "ID"})

MIN_INT, MAX_INT = -(2**31), 2**31 - 1
NEAR_DATA = date(2024, 1, 1), date(2028, 12, 31)

# Tables whose rows only a successful write changes (tokens change on sign-in too).
UNTRACKED_TABLES = frozenset({"refresh_token", "fixture_load", "tortoise_migrations"})


def ints() -> Literal:
    """Versions, page sizes and counts are small: most draws are, some hit the edges."""
    return st.one_of(
        st.integers(-2, 12),
        st.integers(0, 120),
        st.sampled_from((MIN_INT, -1, 0, 1, 2, 100, 101, MAX_INT)),
        st.integers(MIN_INT, MAX_INT),
    ).map(nodes.Int)


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
    "\"; DROP TABLE goal; --",
    "#1f6feb",
    "not-an-email",
)


def strings(words: Sequence[str] = ()) -> Literal:
    """Plausible names, any Unicode (NUL included), lengths at the limits, currency codes,
    real and forged cursors, and words of the seeded data (e-mail addresses, names)."""
    currencies = sorted(CURRENCIES) + ["usd", "XXX", "EURO"]
    cursors = st.one_of(
        st.integers(0, 150), st.sampled_from((10**11, 10**12, 10**13))
    ).map(encode_cursor)
    forged_cursors = st.sampled_from(("offset:-1", "offset:1.5", "offset:", "page:3")).map(
        encode_opaque
    )
    options = [
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
        st.text(string.ascii_letters + string.digits + " -.", min_size=1, max_size=30),
        st.sampled_from(currencies),
        st.sampled_from(ODD_TEXTS),
        cursors,
        forged_cursors,
    ]
    if words:
        options.append(st.sampled_from(sorted(words)))
    return st.one_of(options).map(nodes.String)


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
    """Money and measures: mostly two decimals in a sane range; shares around (0, 1];
    then NaN, infinities, huge exponents and non-numbers, as strings, ints and floats."""
    plausible = st.decimals(
        min_value=Decimal(-1000), max_value=Decimal(10**9), places=2, allow_nan=False
    )
    shares = st.integers(0, 20).map(lambda twentieths: Decimal(twentieths) / 20)
    return st.one_of(
        st.one_of(plausible, shares, st.sampled_from(ODD_DECIMALS)).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
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
    return st.one_of(
        st.datetimes(*near, timezones=st.just(UTC)).map(datetime.isoformat).map(nodes.String),
        st.datetimes(timezones=st.none() | st.just(UTC))
        .map(datetime.isoformat)
        .map(nodes.String),
        st.sampled_from(ODD_DATES + ("2026-01-01T25:00:00Z", "2026-01-01 10:00")).map(
            nodes.String
        ),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
    )


def global_ids(real_ids: Sequence[str], type_names: Collection[str]) -> Literal:
    """Three in four draws name a seeded row (of any type, so often the wrong one); the
    rest are forged: out of range, of no node type, padded, re-cased, not base64, ints."""
    if not real_ids:
        raise ValueError("the seeded organisation has no rows to name")
    real = st.sampled_from(sorted(real_ids))
    out_of_range = st.builds(
        encode_global_id,
        st.sampled_from(sorted(type_names)),
        st.sampled_from((0, MAX_DATABASE_ID, MAX_DATABASE_ID + 1, 10**18)),
    )
    forged = st.sampled_from(
        ("PageInfo:1", "Goal:-1", "Goal:1.5", "Goal", ":1", "Goal:\u0663", "goal:1", "Goal:01")
    ).map(encode_opaque)
    return st.one_of(
        real.map(nodes.String),
        real.map(nodes.String),
        real.map(nodes.String),
        st.one_of(
            out_of_range,
            forged,
            real.map(lambda global_id: global_id + "=="),
            real.map(str.swapcase),
            st.text(max_size=20),
        ).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
    )


def any_literal() -> Literal:
    """For a custom scalar this module does not know yet: every kind of literal."""
    return st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(MIN_INT, MAX_INT).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.booleans().map(nodes.Boolean),
    )


def scalar_literals(
    schema: graphql.GraphQLSchema, real_ids: Sequence[str], words: Sequence[str]
) -> dict[str, Literal]:
    """A strategy for every scalar of `schema` that needs more than hypothesis-graphql's
    defaults, including custom scalars added after this module was written."""
    node_types = [t.name for t in schema.get_possible_types(schema.type_map["Node"])]
    known: dict[str, Literal] = {
        "ID": global_ids(real_ids, node_types),
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
        name: known.get(name, any_literal())
        for name in scalars
        if name in known or name not in BUILT_IN_SCALARS
    }


async def seeded_ids(schema: graphql.GraphQLSchema, *, exclude: Collection[str]) -> list[str]:
    """Global IDs of every row whose model shares its name with a Node type."""
    found: list[str] = []
    for node_type in schema.get_possible_types(schema.type_map["Node"]):
        model = getattr(models, node_type.name, None)
        if isinstance(model, type) and issubclass(model, Model):
            keys = await model.all().values_list("id", flat=True)
            found += [encode_global_id(node_type.name, pk) for pk in keys]
    return [global_id for global_id in found if global_id not in exclude]


def problems_with(response: httpx.Response) -> list[str]:
    """Every way an answer breaks the contract: a 5xx, a body that is not a GraphQL JSON
    result, an error without a documented code, or internals leaking into a message."""
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
        code = (error.get("extensions") or {}).get("code")
        message = str(error.get("message"))
        if code not in DOCUMENTED_CODES:
            found.append(f"error code {code!r}: {message!r}")
        if any(marker in message for marker in TRACEBACK_MARKERS):
            found.append(f"a traceback in an error message: {message!r}")
    return found


def error_codes(response: httpx.Response) -> list[str]:
    body = response.json()
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


async def write_fingerprint() -> Mapping[str, tuple]:
    """Row count, version total and archived count of every table writes touch: any
    create, update, archive or history entry changes it."""
    fingerprint = {}
    connection = connections.get("default")
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        if table in UNTRACKED_TABLES:
            continue
        columns = ["COUNT(*)"]
        if "version" in model._meta.fields_map:
            columns += ["SUM(version)", "COUNT(archived_at)"]
        rows = await connection.execute_query_dict(
            f'SELECT {", ".join(columns)} FROM "{table}"'
        )
        fingerprint[table] = tuple(str(value) for value in rows[0].values())
    return fingerprint

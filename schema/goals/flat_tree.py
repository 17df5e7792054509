"""`goalTreeFlat`: the goal tree as one connection of flat rows with computed figures.

Every row is built here, in one pass, as a plain object whose fields are already
values: no field of a `TreeNode` resolves anything, so a page of a thousand rows costs
the engine no more than reading attributes. The figures come from the request's rollups,
the same ones the nested fields (`Goal.progress`, `Campaign.money`, ...) read.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated

import strawberry

from schema.core.connection import Connection, Edge, PageInfo
from schema.core.context import Info
from schema.core.errors import BadUserInput
from schema.core.ids import decode_id_of, decode_opaque, encode_global_id, encode_opaque
from schema.core.money import Money
from schema.rollups.loaders import rollups
from schema.rollups.types import Health
from server import flat_tree as domain
from server.rollups import engine
from server.rollups.arithmetic import cents, fraction
from server.rollups.money import MoneySummary

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 10_000
"""Rows are small and flat, so a page may hold more of them than other connections."""
CURSOR_PREFIX = "tree:"
MONEY_FIELDS = frozenset({"budget", "spend"})

TreeNodeKind = strawberry.enum(domain.NodeKind, name="TreeNodeKind")

TYPE_NAMES = {
    domain.NodeKind.GOAL: "Goal",
    domain.NodeKind.KEY_RESULT: "KeyResult",
    domain.NodeKind.CAMPAIGN: "Campaign",
    domain.NodeKind.TASK: "Task",
}


@strawberry.type(
    description="One node of the goal tree, placed by its parent and depth; a campaign "
    "supporting several key results is a row under each of them (with that share), and "
    "so are its tasks."
)
class TreeNode:
    id: strawberry.ID = strawberry.field(description="The node's global ID.")
    kind: TreeNodeKind
    parent_id: strawberry.ID | None = strawberry.field(
        description="The node it hangs under: a goal's parent goal (null at the top), a "
        "key result's goal, a campaign's key result, a task's campaign or key result."
    )
    depth: int = strawberry.field(description="Levels below the tree's first row (0).")
    title: str = strawberry.field(description="The title; a campaign's name.")
    team_id: strawberry.ID | None = strawberry.field(
        description="The owner team (a key result's goal's; a task's own, else its "
        "campaign's or key result's goal's)."
    )
    team_name: str | None
    share: Decimal | None = strawberry.field(
        description="For a campaign, the share of it allocated to the key result above."
    )
    progress: Decimal | None = strawberry.field(
        description="As the node's own `progress`; null for tasks."
    )
    health: Health | None = strawberry.field(
        description="As the node's own `health`; null for tasks."
    )
    budget: Money | None = strawberry.field(
        description="As `money.budget` (a key result's or goal's through the alignment "
        "shares; null for tasks, or when amounts are in several currencies)."
    )
    spend: Money | None = strawberry.field(description="As `money.spendToDate`.")
    has_children: bool = strawberry.field(description="Whether rows follow below it.")


def encode_cursor(key: str) -> str:
    return encode_opaque(f"{CURSOR_PREFIX}{key}")


def decode_cursor(cursor: str) -> str:
    raw = decode_opaque(cursor) or ""
    key = raw.removeprefix(CURSOR_PREFIX)
    if not raw.startswith(CURSOR_PREFIX) or not domain.valid_key(key):
        raise BadUserInput("`after` is not a valid cursor.", argument="after")
    if encode_cursor(key) != str(cursor).rstrip("="):
        raise BadUserInput("`after` is not a valid cursor.", argument="after")
    return key


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise BadUserInput("`first` must not be negative.", argument="first")
    if first > MAX_PAGE_SIZE:
        raise BadUserInput(
            f"`first` must be at most {MAX_PAGE_SIZE}, got {first}.",
            argument="first",
            maxPageSize=MAX_PAGE_SIZE,
        )
    return first


def _selected_names(selections: Iterable) -> set[str]:
    """Names of every field (and fragment) selected below, at any depth."""
    names: set[str] = set()
    for selection in selections:
        name = getattr(selection, "name", None)
        if name:
            names.add(name)
        names |= _selected_names(getattr(selection, "selections", ()))
    return names


def _money(summary: MoneySummary, which: str) -> Money | None:
    figures = summary.total
    bag = figures.budget if which == "budget" else figures.spend
    if bag is None or figures.currency is None:
        return None
    return Money(amount=cents(bag.get(figures.currency)), currency=figures.currency)


def _node(row: domain.TreeRow, computed: engine.Rollups, with_money: bool) -> TreeNode:
    progress = money = None
    kind = row.kind
    if kind is domain.NodeKind.GOAL:
        progress = computed.goal_progress(row.id)
        money = computed.goal_money(row.id) if with_money else None
    elif kind is domain.NodeKind.KEY_RESULT:
        progress = computed.key_result_progress(row.id)
        money = computed.key_result_money(row.id) if with_money else None
    elif kind is domain.NodeKind.CAMPAIGN:
        progress = computed.campaign_progress(row.id)
        money = computed.campaign_money(row.id) if with_money else None
    return TreeNode(
        id=encode_global_id(TYPE_NAMES[kind], row.id),
        kind=kind,
        parent_id=(
            None
            if row.parent_id is None
            else encode_global_id(TYPE_NAMES[row.parent_kind], row.parent_id)
        ),  # fmt: skip
        depth=row.depth,
        title=row.title,
        team_id=None if row.team_id is None else encode_global_id("Team", row.team_id),
        team_name=row.team_name,
        share=None if row.share is None else fraction(row.share),
        progress=None if progress is None else fraction(progress.progress),
        health=None if progress is None else progress.health,
        budget=None if money is None else _money(money, "budget"),
        spend=None if money is None else _money(money, "spend"),
        has_children=row.has_children,
    )


@strawberry.type
class GoalTreeQueries:
    @strawberry.field(
        description="The goal tree as flat rows in depth-first order (a goal, its key "
        "results each followed by their campaigns and tasks, then its child goals), with "
        "progress, health, budget and spend computed. `root`: one goal's subtree, else "
        f"every top-level goal's. Pages of `first` rows (default {DEFAULT_PAGE_SIZE}, at "
        f"most {MAX_PAGE_SIZE}) after the cursor `after`.",
        metadata={"max_page_size": MAX_PAGE_SIZE},
    )
    async def goal_tree_flat(
        self,
        info: Info,
        root_: Annotated[strawberry.ID | None, strawberry.argument(name="root")] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TreeNode]:
        size = page_size(first)
        key = None if after is None else decode_cursor(after)
        root_id = None if root_ is None else decode_id_of(root_, "Goal")
        try:
            page = domain.tree_page(info.context.require_snapshot(), root_id, size, key)
        except domain.UnknownRoot:
            raise BadUserInput(f"{root_!r} is not a goal that exists.", argument="root") from None
        with_money = bool(MONEY_FIELDS & _selected_names(info.selected_fields))
        sections = (*engine.PROGRESS, *engine.CAMPAIGN_PROGRESS)
        if with_money:
            sections += engine.MONEY
        computed = await rollups(info, sections) if page.rows else None
        nodes = [_node(row, computed, with_money) for row in page.rows]
        return KeyedPage(nodes, [row.key for row in page.rows], page, key is not None)  # type: ignore[return-value]


class KeyedPage:
    """A page of tree rows shown as a `Connection`, its cursors (the rows' position
    keys) encoded only when edges or page info are read."""

    __slots__ = ("_keys", "has_next_page", "has_previous_page", "nodes", "total_count")

    def __init__(
        self, nodes: list[TreeNode], keys: list[str], page: domain.TreePage, after: bool
    ) -> None:
        self.nodes, self._keys = nodes, keys
        self.total_count, self.has_next_page = page.total, page.has_next_page
        self.has_previous_page = after

    @property
    def edges(self) -> list[Edge[TreeNode]]:
        return [
            Edge(node=node, cursor=encode_cursor(key))
            for node, key in zip(self.nodes, self._keys, strict=True)
        ]

    @property
    def page_info(self) -> PageInfo:
        keys = self._keys
        return PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=encode_cursor(keys[0]) if keys else None,
            end_cursor=encode_cursor(keys[-1]) if keys else None,
        )

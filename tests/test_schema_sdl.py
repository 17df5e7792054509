"""The committed schema.graphql is the live schema: an API change shows in review."""

from __future__ import annotations

from pathlib import Path

from schema import schema

SDL_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_sdl_matches_the_live_schema():
    committed = SDL_FILE.read_text(encoding="utf-8")

    assert committed == schema.as_str().rstrip("\n") + "\n", (
        "schema.graphql is out of date: run `throughline export-schema` and commit it"
    )


def test_every_entity_is_a_relay_node():
    sdl = schema.as_str()

    for type_name in (
        "Team",
        "User",
        "Goal",
        "KeyResult",
        "CheckIn",
        "Campaign",
        "Alignment",
        "SpendEntry",
        "ResultEntry",
        "Task",
        "Milestone",
    ):
        assert f"type {type_name} implements Node & Versioned" in sdl, type_name

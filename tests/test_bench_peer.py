"""The peer's helpers: object counts that make the comparison fair, and the way the
benchmark goes on without the peer. None of this needs Node.js."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

import pytest

from bench import peer_server
from bench.peer_queries import count_objects, describe, peer_type, throughline_type
from bench.peer_workloads import merged_entries, peer_paths, same
from schema.core.ids import encode_global_id


def peer_id(type_name: str, key: int) -> str:
    return base64.b64encode(json.dumps([type_name, key]).encode()).decode()


def test_ids_of_both_schemas_name_their_type() -> None:
    # given / when / then
    assert peer_type(peer_id("KeyResult", 7)) == "KeyResult"
    assert throughline_type(encode_global_id("KeyResult", 7)) == "KeyResult"
    assert peer_type("not an id") is None


def test_both_trees_count_the_same_objects() -> None:
    # given one goal, its key result, a campaign and its task, in each schema's shape
    ours = {"goals": {"pageInfo": {"endCursor": "x"}, "nodes": [{
        "id": encode_global_id("Goal", 1),
        "keyResults": {"nodes": [{"id": encode_global_id("KeyResult", 2), "campaigns": {
            "nodes": [{"id": encode_global_id("Campaign", 3),
                       "tasks": {"nodes": [{"id": encode_global_id("Task", 4)}]}}]}}]},
    }]}}  # fmt: skip
    theirs = {"allGoals": {"nodes": [{
        "id": peer_id("Goal", 1),
        "keyResultsByGoalId": {"nodes": [{"id": peer_id("KeyResult", 2),
            "alignmentsByKeyResultId": {"nodes": [{"campaignByCampaignId": {
                "id": peer_id("Campaign", 3),
                "tasksByCampaignId": {"nodes": [{"id": peer_id("Task", 4)}]}}}]}}]},
    }]}}  # fmt: skip

    # when
    counted = count_objects(ours, throughline_type), count_objects(theirs, peer_type)

    # then
    assert counted[0] == counted[1] == Counter(Goal=1, KeyResult=1, Campaign=1, Task=1)
    assert same(*counted).startswith("same objects: 4 (Campaign 1, Goal 1")


def test_a_difference_in_objects_is_spelled_out() -> None:
    # given / when
    note = same(Counter(Goal=2), Counter(Goal=1))

    # then
    assert note == "objects DIFFER: Throughline 2 (Goal 2), peer 1 (Goal 1)"
    assert describe(Counter()) == "0 ()"


def test_the_peer_calendar_lists_merge_by_start_and_keep_the_first_ones() -> None:
    # given three lists, each ordered by start
    data = {
        "allCampaigns": {"nodes": [{"id": "c1", "startDate": "2026-04-03"}]},
        "allMilestones": {"nodes": [{"id": "m1", "startDate": "2026-04-01"},
                                    {"id": "m2", "startDate": "2026-05-01"}]},
        "allTasks": {"nodes": [{"id": "t1", "dueDate": "2026-04-03"}]},
    }  # fmt: skip

    # when
    merged = merged_entries(data, limit=3)

    # then
    assert [entry["id"] for entry in merged] == ["m1", "c1", "t1"]


@pytest.mark.parametrize(
    ("task", "paths"),
    [
        ({"campaignByCampaignId": {"alignmentsByCampaignId": {"nodes": [{}, {}]}},
          "keyResultByKeyResultId": None}, 2),
        ({"campaignByCampaignId": None, "keyResultByKeyResultId": {"id": "k"}}, 1),
        ({"campaignByCampaignId": None, "keyResultByKeyResultId": None}, 0),
    ],
)  # fmt: skip
def test_a_peer_trace_has_one_path_per_key_result_reached(task: dict, paths: int) -> None:
    # given / when / then
    assert peer_paths({"taskByRowId": task}) == paths


def test_without_npm_the_peer_is_skipped_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given no installed peer and no npm
    monkeypatch.setattr(peer_server, "NODE", tmp_path / "node")
    monkeypatch.setattr(peer_server.shutil, "which", lambda name: None)

    # when
    reason = peer_server.install()

    # then
    assert reason is not None and reason.startswith("npm is not installed")

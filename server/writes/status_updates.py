"""Posting a status update on a goal, key result or campaign.

Whoever may edit the node may post on it (its owner team's editors and admins,
`server.permissions`). The update is recorded in the node's history as
STATUS_UPDATE_POSTED, which the event log turns into `statusUpdate.posted`
(`server.events.catalogue`); the node itself is not changed, so its version stays.
"""

from __future__ import annotations

from dataclasses import replace

from server import clock, models
from server.enums import HistoryAction, ReportedHealth
from server.history import record
from server.permissions import Actor, require_writer
from server.writes.checks import MAX_TEXT, Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.unit import fetch_for_write, transactional

TARGETS: dict[str, type[models.Goal] | type[models.KeyResult] | type[models.Campaign]] = {
    "Goal": models.Goal,
    "KeyResult": models.KeyResult,
    "Campaign": models.Campaign,
}
"""The node types that take status updates, by type name."""

TARGET_COLUMN = {
    models.Goal: "goal_id",
    models.KeyResult: "key_result_id",
    models.Campaign: "campaign_id",
}

MAX_BODY = MAX_TEXT


@transactional
async def post_status_update(
    actor: Actor,
    node_type: str,
    node_id: int,
    *,
    health: ReportedHealth | None,
    body: str | None,
    computed_health: str | None = None,
) -> models.StatusUpdate:
    """Record an update on the node `node_type` `node_id`; `computed_health` is the
    health computed for it when the update is posted, kept beside the reported one."""
    require_writer(actor)
    model = TARGETS.get(node_type)
    if model is None:
        raise Invalid(
            [
                UserError(
                    "nodeId",
                    UserErrorCode.INVALID,
                    "`nodeId` must name a goal, a key result or a campaign.",
                )
            ]
        )
    try:
        node = await fetch_for_write(actor, model, node_id)
    except Invalid as refused:  # an archived node: say so of the input's field
        raise Invalid([replace(e, field="nodeId") for e in refused.errors]) from None
    check = Checker()
    check.required("health", health)
    text = check.text("body", body, max_length=MAX_BODY, required=True, multiline=True)
    check.done()
    assert health is not None and text is not None
    update = models.StatusUpdate(
        health=health,
        computed_health=computed_health or "",
        body=text,
        author_id=actor.user_id,
        posted_at=clock.now(),
        **{TARGET_COLUMN[model]: node.pk},
    )
    await update.save()
    changes = {
        "status_update_id": {"before": None, "after": update.pk},
        "reported_health": {"before": None, "after": health.value},
        "computed_health": {"before": None, "after": computed_health},
    }
    await record(actor.user_id, node, HistoryAction.STATUS_UPDATE_POSTED, changes)
    return update

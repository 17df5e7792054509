"""Attempts of the deliveries a request lists, in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from server import models


async def attempts_by_delivery(keys: Sequence[int]) -> list[list[models.WebhookAttempt]]:
    grouped: dict[int, list[models.WebhookAttempt]] = defaultdict(list)
    for attempt in await models.WebhookAttempt.filter(delivery_id__in=list(keys)).order_by("id"):
        grouped[attempt.delivery_id].append(attempt)
    return [grouped.get(key, []) for key in keys]

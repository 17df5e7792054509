"""A campaign's alignments to key results: shares in (0, 1] that add up to exactly 1.

Three writes change them, each ending in `_apply`: set them all at once, align one key
result (the others shrink in proportion), unalign one (the others grow in proportion).
Every change moves the campaign's version and records ALIGNMENTS_SET on the campaign
with the alignments before and after (and an entry on each alignment row it changes).
The invariant lets money and results roll up through the shares without being counted
twice or lost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from server import models
from server.enums import HistoryAction
from server.permissions import Actor
from server.writes.checks import Checker
from server.writes.errors import Invalid, UserError, UserErrorCode
from server.writes.unit import (
    archive,
    fetch_for_write,
    reference,
    save_changes,
    save_new,
    transactional,
)

ONE = Decimal(1)
QUANTUM = Decimal("0.0001")
MAX_ALIGNMENTS = 100

Code = UserErrorCode


@transactional
async def set_alignments(
    actor: Actor,
    campaign_id: int,
    version: int,
    alignments: list[tuple[int | None, Decimal | None]],
) -> models.Campaign:
    """Replace all alignments by (key result, share) pairs; an empty list unaligns."""
    campaign = await fetch_for_write(actor, models.Campaign, campaign_id)
    check = Checker()
    if len(alignments) > MAX_ALIGNMENTS:
        check.fail(
            "alignments",
            Code.INVALID,
            f"A campaign can be aligned to at most {MAX_ALIGNMENTS} key results.",
        )
        check.done()
    shares: dict[int, Decimal] = {}
    first_index: dict[int, int] = {}
    valid_shares: list[Decimal] = []
    for index, (key_result_id, share) in enumerate(alignments):
        prefix = f"alignments.{index}"
        valid_share = _share(check, f"{prefix}.share", share)
        if valid_share is not None:
            valid_shares.append(valid_share)
        key_result = await reference(
            check, f"{prefix}.keyResultId", models.KeyResult, key_result_id, required=True
        )
        if key_result is None:
            continue
        if key_result.pk in first_index:
            check.fail(
                f"{prefix}.keyResultId",
                Code.DUPLICATE,
                f"This key result is already in `alignments.{first_index[key_result.pk]}`.",
            )
            continue
        first_index[key_result.pk] = index
        if valid_share is not None:
            shares[key_result.pk] = valid_share
    if alignments and len(valid_shares) == len(alignments):
        total = sum(valid_shares, Decimal(0))
        if total != ONE:
            check.fail(
                "alignments",
                Code.SHARES_DO_NOT_SUM_TO_ONE,
                f"The shares add up to {_text(total)}; they must add up to exactly 1.",
            )
    check.done()
    return await _apply(actor, campaign, version, shares)


@transactional
async def align(
    actor: Actor,
    campaign_id: int,
    version: int,
    key_result_id: int | None,
    share: Decimal | None,
) -> models.Campaign:
    """Align the campaign to a key result with `share` (or re-share an alignment it
    has); the other alignments are scaled in proportion to make up the rest."""
    campaign = await fetch_for_write(actor, models.Campaign, campaign_id)
    check = Checker()
    share = _share(check, "share", share)
    key_result = await reference(
        check, "keyResultId", models.KeyResult, key_result_id, required=True
    )
    check.done()
    assert key_result is not None and share is not None
    others = {
        pk: other for pk, other in (await _live_shares(campaign.pk)).items() if pk != key_result.pk
    }
    rest = _rescale(others, ONE - share) if others else {}
    if not others and share != ONE:
        check.fail(
            "share",
            Code.SHARES_DO_NOT_SUM_TO_ONE,
            f"The campaign's only alignment must have share 1, not {_text(share)}.",
        )
    elif others and rest is None:
        check.fail(
            "share",
            Code.OUT_OF_RANGE,
            f"A share of {_text(share)} leaves too little for the campaign's other "
            f"{len(others)} alignment(s) (each needs at least {QUANTUM}); choose a smaller "
            "share, or set all alignments at once with `campaignSetAlignments`.",
        )
    check.done()
    return await _apply(actor, campaign, version, {**(rest or {}), key_result.pk: share})


@transactional
async def unalign(
    actor: Actor, campaign_id: int, version: int, key_result_id: int | None
) -> models.Campaign:
    """Remove one alignment; the others are scaled up in proportion to add up to 1."""
    campaign = await fetch_for_write(actor, models.Campaign, campaign_id)
    current = await _live_shares(campaign.pk)
    if key_result_id not in current:
        raise Invalid(
            [
                UserError(
                    "keyResultId",
                    Code.NOT_FOUND,
                    "This campaign is not aligned to the key result `keyResultId` names.",
                )
            ]
        )
    others = {pk: share for pk, share in current.items() if pk != key_result_id}
    rest = _rescale(others, ONE) if others else {}
    assert rest is not None  # scaling up never rounds a share away
    return await _apply(actor, campaign, version, rest)


def _share(check: Checker, field: str, value: Decimal | None) -> Decimal | None:
    """A share in (0, 1] with at most four decimal places, as a four-place decimal."""
    if not check.required(field, value):
        return None
    value = check.decimal(field, value, places=4)
    if value is None:
        return None
    if not Decimal(0) < value <= ONE:
        check.fail(
            field, Code.OUT_OF_RANGE, f"`{field}` must be above 0 and at most 1, not {value}."
        )
        return None
    return value.quantize(QUANTUM)


def _text(value: Decimal) -> str:
    """A decimal as people write it: 0.9, 1, 0.3333."""
    return format(value.normalize(), "f")


def _rescale(shares: dict[int, Decimal], total: Decimal) -> dict[int, Decimal] | None:
    """`shares` scaled in proportion to add up to exactly `total`.

    Each is rounded to four places and the rounding remainder goes to the largest
    (the first of equal ones, in alignment order). None when a share would round to
    nothing."""
    current = sum(shares.values(), Decimal(0))
    scaled = {
        pk: (share * total / current).quantize(QUANTUM, ROUND_HALF_UP)
        for pk, share in shares.items()
    }
    largest = max(shares, key=shares.__getitem__)
    scaled[largest] += total - sum(scaled.values(), Decimal(0))
    if any(share <= 0 for share in scaled.values()):
        return None
    return scaled


async def _live_shares(campaign_id: int) -> dict[int, Decimal]:
    """Key result -> share of the campaign's live alignments, in alignment order."""
    rows = await models.Alignment.filter(
        campaign_id=campaign_id, archived_at__isnull=True
    ).order_by("id")
    return {row.key_result_id: row.share for row in rows}


def _listing(shares: dict[int, Decimal]) -> list[dict[str, object]]:
    return [{"keyResult": pk, "share": _text(shares[pk])} for pk in sorted(shares)]


async def _apply(
    actor: Actor, campaign: models.Campaign, version: int, target: dict[int, Decimal]
) -> models.Campaign:
    """Make the campaign's live alignments exactly `target` (key result -> share).

    Rows are reused, archived ones revived, so (campaign, key result) stays unique;
    each row that changes gets its own history entry besides the campaign's."""
    rows = await models.Alignment.filter(campaign_id=campaign.pk).order_by("id")
    live = {row.key_result_id: row for row in rows if row.archived_at is None}
    before = _listing({pk: row.share for pk, row in live.items()})
    after = _listing(target)
    related = {"alignments": {"before": before, "after": after}} if before != after else None
    # Saved first: the conditional UPDATE locks the campaign before its alignments change.
    await save_changes(actor, campaign, version, {}, HistoryAction.ALIGNMENTS_SET, related=related)
    if before == after:
        return campaign
    for key_result_id, row in live.items():
        if key_result_id not in target:
            await archive(actor, row, row.version)
    by_key_result = {row.key_result_id: row for row in rows}
    for key_result_id, share in target.items():
        row = by_key_result.get(key_result_id)
        if row is None:
            await save_new(
                actor,
                models.Alignment(campaign_id=campaign.pk, key_result_id=key_result_id, share=share),
            )
        elif row.archived_at is not None or row.share != share:
            await save_changes(actor, row, row.version, {"share": share, "archived_at": None})
    return campaign

"""The external key of entries that other systems send in bulk (`server/ingest`)."""

from __future__ import annotations

import strawberry


@strawberry.type
class ExternalKey:
    source: str | None = strawberry.field(
        description="The system it was sent from (a bulk upsert or CSV import); null when "
        "typed in here."
    )
    external_id: str | None = strawberry.field(
        description="Its ID in that system: sending it again updates it."
    )

"""The GraphQL schema: each domain's queries merged into one root type."""

from __future__ import annotations

import functools

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.api_tokens.mutations import ApiTokenMutations
from schema.api_tokens.queries import ApiTokenQueries
from schema.auth.mutations import AuthMutations
from schema.auth.queries import AuthQueries
from schema.calendar.mutations import MilestoneMutations
from schema.calendar.queries import CalendarQueries
from schema.calendar.types import Milestone
from schema.campaigns.mutations import CampaignMutations
from schema.campaigns.queries import CampaignQueries
from schema.campaigns.types import Alignment, Campaign, ResultEntry, SpendEntry
from schema.core.api_tokens import TokenRules
from schema.core.documents import CachedDocuments, DocumentCache
from schema.core.errors import ErrorCodes
from schema.core.iso_dates import OVERRIDES as ISO_DATE_OVERRIDES
from schema.core.known_queries import answer_known_query
from schema.core.limits import query_limits
from schema.core.node import NodeQueries
from schema.core.planned import PlannedExecution
from schema.core.recent_changes import RecentChangeQueries
from schema.core.restore import RestoreMutations
from schema.core.sign_in import SignInRequired
from schema.core.storable_text import StorableText
from schema.core.supported_dates import hold_dates_to_supported_range
from schema.core.viewer_can import ViewerQueries
from schema.currency.mutations import CurrencyMutations
from schema.currency.queries import CurrencyQueries
from schema.external_calendars.mutations import ExternalCalendarMutations
from schema.external_calendars.queries import ExternalCalendarQueries
from schema.external_calendars.types import ExternalCalendar
from schema.feeds.mutations import FeedMutations
from schema.feeds.queries import FeedQueries
from schema.goals.flat_tree import GoalTreeQueries
from schema.goals.mutations import GoalMutations, KeyResultMutations
from schema.goals.queries import GoalQueries
from schema.goals.types import CheckIn, Goal, KeyResult
from schema.ingest.mutations import IngestMutations
from schema.live.socket import refusals_as_errors
from schema.live.subscriptions import LiveSubscriptions
from schema.org.mutations import OrgMutations
from schema.org.queries import OrgQueries
from schema.org.service_accounts import ServiceAccountMutations
from schema.org.types import Team, User
from schema.rollups.funnel import FunnelQueries
from schema.rollups.prepare import computed_first
from schema.rollups.queries import RollupQueries
from schema.status_updates.mutations import StatusUpdateMutations
from schema.status_updates.types import StatusUpdate
from schema.tasks.mutations import TaskMutations
from schema.tasks.queries import TaskQueries
from schema.tasks.types import Task
from schema.trace.queries import TraceQueries
from schema.webhooks.mutations import WebhookMutations
from schema.webhooks.queries import WebhookQueries
from server.settings import Limits, Settings

NODE_TYPES = [
    Team,
    User,
    Goal,
    KeyResult,
    CheckIn,
    Campaign,
    Alignment,
    SpendEntry,
    ResultEntry,
    Task,
    Milestone,
    ExternalCalendar,
    StatusUpdate,
]


@strawberry.type(description="Read the goal graph.")
class Query(
    NodeQueries,
    GoalQueries,
    GoalTreeQueries,
    CampaignQueries,
    TaskQueries,
    CalendarQueries,
    OrgQueries,
    TraceQueries,
    AuthQueries,
    RollupQueries,
    FeedQueries,
    ExternalCalendarQueries,
    ApiTokenQueries,
    WebhookQueries,
    CurrencyQueries,
    FunnelQueries,
    ViewerQueries,
    RecentChangeQueries,
):
    pass


# Each domain's `XxxMutations` class, merged into the root `Mutation` type.
MUTATION_CLASSES: list[type] = [
    CampaignMutations,
    GoalMutations,
    KeyResultMutations,
    AuthMutations,
    TaskMutations,
    MilestoneMutations,
    OrgMutations,
    FeedMutations,
    ExternalCalendarMutations,
    ApiTokenMutations,
    ServiceAccountMutations,
    IngestMutations,
    WebhookMutations,
    CurrencyMutations,
    StatusUpdateMutations,
    RestoreMutations,
]


def merged_mutation() -> type | None:
    if not MUTATION_CLASSES:
        return None
    return strawberry.type(
        type("Mutation", tuple(MUTATION_CLASSES), {}), description="Change the goal graph."
    )


@strawberry.type(description="Hear about changes as they happen (over WebSocket).")
class Subscription(LiveSubscriptions):
    pass


class ThroughlineSchema(strawberry.Schema):
    def __init__(self, *args, documents: DocumentCache, limits: Limits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        hold_dates_to_supported_range(self._schema)
        self.documents = documents
        """Parsed and validated documents of this schema alone (`schema.core.documents`)."""
        self.limits = limits

    async def execute(  # type: ignore[override]
        self,
        query: str | None,
        variable_values: dict | None = None,
        context_value=None,
        root_value=None,
        operation_name: str | None = None,
        allowed_operation_types=None,
        operation_extensions: dict | None = None,
    ) -> ExecutionResult:
        """A known query that runs cleanly skips the extension machinery
        (`schema.core.known_queries`); everything else takes Strawberry's road."""
        answer = await answer_known_query(
            self,
            self.documents,
            self.limits,
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES,
            operation_extensions,
            prepare=computed_first,
        )
        if answer is not None:
            return answer
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    async def stream(self, *args, **kwargs):  # type: ignore[override]
        """Subscriptions' results (the WebSocket runs nothing else: queries and mutations
        go over HTTP, with its limits); a document the limits refuse gets its error."""
        kwargs["allowed_operation_types"] = (OperationType.SUBSCRIPTION,)
        return refusals_as_errors(await super().stream(*args, **kwargs))

    def process_errors(self, errors, execution_context=None) -> None:
        """Client mistakes are not server errors: `ErrorCodes` logs the unexpected ones.

        With field suggestions off, no message hints at names the client did not send
        (graphql-core suggests fields, arguments, types and enum values)."""
        if self.config.disable_field_suggestions:
            for error in errors:
                error.message = error.message.split(" Did you mean ")[0]


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the limits and switches of `settings`; without settings, the
    development defaults (the schema exported as SDL)."""
    if settings is None:
        return configured_schema(Limits(), introspection=True, field_suggestions=True)
    return configured_schema(
        settings.limits,
        introspection=settings.introspection,
        field_suggestions=settings.field_suggestions,
    )


@functools.lru_cache(maxsize=16)
def configured_schema(
    limits: Limits, *, introspection: bool, field_suggestions: bool
) -> strawberry.Schema:
    """Built once per configuration: every app (and test) with the same settings shares it."""
    # The limits measure first; sign-in then refuses, before validation, what a
    # signed-out caller may not run, and an API token's scopes and cost per minute
    # what it may not; then no string holding NUL goes any further.
    # Only what they let through is validated, or its validation found in the cache.
    extensions: list = [
        query_limits(limits),
        SignInRequired,
        TokenRules,
        StorableText,
        CachedDocuments,
        ErrorCodes,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return ThroughlineSchema(
        query=Query,
        mutation=merged_mutation(),
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions,
        documents=DocumentCache(limits.query_cache_entries, limits.query_cache_characters),
        limits=limits,
        execution_context_class=PlannedExecution,
        scalar_overrides=ISO_DATE_OVERRIDES,
        config=StrawberryConfig(
            auto_camel_case=True,
            disable_field_suggestions=not field_suggestions,
            batching_config={"max_operations": limits.max_batch},
        ),
    )


schema = build_schema()

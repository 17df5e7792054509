"""The graph's tables (Tortoise ORM).

Every mutable entity carries `version` (optimistic concurrency), `created_at`,
`updated_at` and `archived_at` (entities are archived, never deleted). Money and
measures are Decimal columns; campaign channels are kept in their own table so that
filtering by channel is a plain join on every database engine.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from server.enums import (
    CampaignStatus,
    Channel,
    GoalCategory,
    HistoryAction,
    KeyResultSource,
    MeasureUnit,
    MilestoneKind,
    ReportedHealth,
    ResultMetric,
    Role,
    TaskStatus,
)

MONEY = {"max_digits": 16, "decimal_places": 2}
MEASURE = {"max_digits": 20, "decimal_places": 4}


class Entity(Model):
    id = fields.IntField(primary_key=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    archived_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class ExternallyKeyed(Model):
    """A row another system may send again: its `source` and `external_id` name it there,
    so a second delivery updates it instead of adding it twice (unique per table; rows
    typed in by hand have neither, and NULLs never collide)."""

    source = fields.CharField(max_length=100, null=True)
    external_id = fields.CharField(max_length=200, null=True)

    class Meta:
        abstract = True


class Team(Entity):
    name = fields.CharField(max_length=120, unique=True)
    description = fields.TextField(default="")
    color = fields.CharField(max_length=7, default="#4f6bed")

    class Meta:
        table = "team"
        ordering = ["name"]


class User(Entity):
    email = fields.CharField(max_length=254)
    email_key = fields.CharField(max_length=254, unique=True, description="email, lower-cased")
    name = fields.CharField(max_length=120)
    role = fields.CharEnumField(Role, max_length=16, default=Role.VIEWER)
    weekly_capacity_hours = fields.DecimalField(max_digits=6, decimal_places=2, default=40)
    password_hash = fields.CharField(max_length=255, null=True)
    token_epoch = fields.IntField(
        default=0,
        db_default=0,  # so the column can be added to a table that has users
        description="access tokens signed with another epoch no longer sign in",
    )
    service_account = fields.BooleanField(
        default=False,
        db_default=False,
        description="a non-human user: signs in with API tokens only, never a password",
    )

    class Meta:
        table = "app_user"
        ordering = ["name"]
        indexes = (("name", "id"), ("role",))

    async def save(self, *args, **kwargs) -> None:
        self.email_key = self.email.strip().lower()
        await super().save(*args, **kwargs)


class Membership(Model):
    """A user's membership of a team (many-to-many, loaded in batches like any edge)."""

    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("models.Team", related_name="memberships", db_index=True)
    team_id: int
    user = fields.ForeignKeyField("models.User", related_name="memberships", db_index=True)
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"
        unique_together = (("team", "user"),)


class Goal(Entity):
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    category = fields.CharEnumField(GoalCategory, max_length=32, default=GoalCategory.OTHER)
    parent = fields.ForeignKeyField(
        "models.Goal", related_name="children", null=True, on_delete=fields.RESTRICT, db_index=True
    )
    parent_id: int | None
    owner_team = fields.ForeignKeyField(
        "models.Team", related_name="goals", on_delete=fields.RESTRICT, db_index=True
    )
    owner_team_id: int
    owner = fields.ForeignKeyField(
        "models.User",
        related_name="owned_goals",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    owner_id: int | None
    period_start = fields.DateField()
    period_end = fields.DateField()
    weight = fields.DecimalField(max_digits=8, decimal_places=3, default=1)

    class Meta:
        table = "goal"
        ordering = ["id"]
        indexes = (("period_end", "period_start"), ("period_start",), ("category",))


class KeyResult(Entity):
    goal = fields.ForeignKeyField("models.Goal", related_name="key_results", db_index=True)
    goal_id: int
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    unit = fields.CharEnumField(MeasureUnit, max_length=16, default=MeasureUnit.NUMBER)
    currency = fields.CharField(max_length=3, null=True)
    start_value = fields.DecimalField(**MEASURE)
    target_value = fields.DecimalField(**MEASURE)
    current_value = fields.DecimalField(**MEASURE)
    due_date = fields.DateField()
    weight = fields.DecimalField(max_digits=8, decimal_places=3, default=1)
    owner = fields.ForeignKeyField(
        "models.User",
        related_name="owned_key_results",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    owner_id: int | None
    source = fields.CharEnumField(
        KeyResultSource,
        max_length=16,
        default=KeyResultSource.MANUAL,
        db_default=KeyResultSource.MANUAL.value,  # so the column can be added to a table with rows
        description="MANUAL for check-ins, else a formula over the aligned campaigns entries",
    )
    source_metric = fields.CharEnumField(
        ResultMetric,
        max_length=16,
        null=True,
        description="the metric summed (METRIC), the unit (COST_PER) "
        "or the numerator (CONVERSION_RATE)",
    )
    source_base_metric = fields.CharEnumField(
        ResultMetric, max_length=16, null=True, description="the denominator of CONVERSION_RATE"
    )

    class Meta:
        table = "key_result"
        ordering = ["id"]
        indexes = (("due_date",), ("unit",))


class CheckIn(Entity, ExternallyKeyed):
    key_result = fields.ForeignKeyField("models.KeyResult", related_name="check_ins", db_index=True)
    key_result_id: int
    value = fields.DecimalField(**MEASURE)
    note = fields.TextField(default="")
    author = fields.ForeignKeyField(
        "models.User", related_name="check_ins", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    author_id: int | None
    checked_in_at = fields.DatetimeField()

    class Meta:
        table = "check_in"
        unique_together = (("source", "external_id"),)
        ordering = ["checked_in_at", "id"]


class Campaign(Entity):
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    owner_team = fields.ForeignKeyField(
        "models.Team", related_name="campaigns", on_delete=fields.RESTRICT, db_index=True
    )
    owner_team_id: int
    owner = fields.ForeignKeyField(
        "models.User",
        related_name="owned_campaigns",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    owner_id: int | None
    audience = fields.CharField(max_length=200, default="")
    start_date = fields.DateField()
    end_date = fields.DateField()
    status = fields.CharEnumField(CampaignStatus, max_length=16, default=CampaignStatus.DRAFT)
    budget = fields.DecimalField(**MONEY)
    currency = fields.CharField(max_length=3, default="USD")

    class Meta:
        table = "campaign"
        ordering = ["start_date", "id"]
        indexes = (("end_date", "start_date"), ("start_date", "id"), ("status",))


class CampaignChannel(Model):
    """One channel a campaign runs on."""

    id = fields.IntField(primary_key=True)
    campaign = fields.ForeignKeyField("models.Campaign", related_name="channel_rows", db_index=True)
    campaign_id: int
    channel = fields.CharEnumField(Channel, max_length=24)

    class Meta:
        table = "campaign_channel"
        unique_together = (("campaign", "channel"),)


class Alignment(Entity):
    """A campaign supports a key result with a share of its money and results."""

    campaign = fields.ForeignKeyField("models.Campaign", related_name="alignments", db_index=True)
    campaign_id: int
    key_result = fields.ForeignKeyField(
        "models.KeyResult", related_name="alignments", db_index=True
    )
    key_result_id: int
    share = fields.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        table = "alignment"
        unique_together = (("campaign", "key_result"),)
        ordering = ["id"]


class SpendEntry(Entity, ExternallyKeyed):
    campaign = fields.ForeignKeyField(
        "models.Campaign", related_name="spend_entries", db_index=True
    )
    campaign_id: int
    date = fields.DateField()
    channel = fields.CharEnumField(Channel, max_length=24, null=True)
    amount = fields.DecimalField(**MONEY)
    currency = fields.CharField(max_length=3, default="USD")
    note = fields.TextField(default="")

    class Meta:
        table = "spend_entry"
        unique_together = (("source", "external_id"),)
        ordering = ["date", "id"]


class ResultEntry(Entity, ExternallyKeyed):
    campaign = fields.ForeignKeyField(
        "models.Campaign", related_name="result_entries", db_index=True
    )
    campaign_id: int
    date = fields.DateField()
    channel = fields.CharEnumField(Channel, max_length=24, null=True)
    metric = fields.CharEnumField(ResultMetric, max_length=16)
    value = fields.DecimalField(**MEASURE)
    note = fields.TextField(default="")

    class Meta:
        table = "result_entry"
        unique_together = (("source", "external_id"),)
        ordering = ["date", "id"]


class Task(Entity, ExternallyKeyed):
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    campaign = fields.ForeignKeyField(
        "models.Campaign", related_name="tasks", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    campaign_id: int | None
    key_result = fields.ForeignKeyField(
        "models.KeyResult",
        related_name="tasks",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    key_result_id: int | None
    assignee = fields.ForeignKeyField(
        "models.User",
        related_name="assigned_tasks",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    assignee_id: int | None
    team = fields.ForeignKeyField(
        "models.Team", related_name="tasks", null=True, on_delete=fields.SET_NULL, db_index=True
    )
    team_id: int | None
    status = fields.CharEnumField(TaskStatus, max_length=16, default=TaskStatus.TODO)
    start_date = fields.DateField(null=True)
    due_date = fields.DateField(null=True, db_index=True)
    estimate_hours = fields.DecimalField(max_digits=8, decimal_places=2, null=True)

    class Meta:
        table = "task"
        unique_together = (("source", "external_id"),)
        ordering = ["id"]
        indexes = (("status",),)


class Milestone(Entity):
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    team = fields.ForeignKeyField("models.Team", related_name="milestones", db_index=True)
    team_id: int
    kind = fields.CharEnumField(MilestoneKind, max_length=16, default=MilestoneKind.OTHER)
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)
    campaign = fields.ForeignKeyField(
        "models.Campaign",
        related_name="milestones",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    campaign_id: int | None
    key_result = fields.ForeignKeyField(
        "models.KeyResult",
        related_name="milestones",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    key_result_id: int | None
    starts_at = fields.DatetimeField(
        null=True,
        description="UTC start of a timed milestone (a webinar at 16:00), null when all-day",
    )
    ends_at = fields.DatetimeField(null=True, description="UTC end of a timed milestone")

    class Meta:
        table = "milestone"
        ordering = ["start_date", "id"]
        indexes = (("end_date", "start_date"), ("start_date", "id"), ("kind",))


class FixtureLoad(Model):
    """A data set that has been loaded, so loading it again is a no-op."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    loaded_at = fields.DatetimeField(auto_now_add=True)
    rows = fields.IntField(default=0)

    class Meta:
        table = "fixture_load"


class RefreshToken(Model):
    """A refresh token, kept only as its SHA-256 digest.

    Rotation marks the old token used and issues a new one in the same `family`;
    presenting a used token again revokes the whole family (it was stolen or replayed).
    """

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="refresh_tokens", db_index=True)
    user_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, db_index=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"


class ApiToken(Entity):
    """A personal access token or a service account's token, kept only as its digest.

    It acts as its user, narrowed by `scopes` (comma-separated `ApiScope` names);
    archiving it revokes it. Held by the read model, so a revocation reaches every
    worker with the freshness check every request makes anyway.
    """

    user = fields.ForeignKeyField("models.User", related_name="api_tokens", db_index=True)
    user_id: int
    name = fields.CharField(max_length=120)
    scopes = fields.CharField(max_length=64, description="ApiScope names, comma-separated")
    digest = fields.CharField(max_length=64, unique=True, description="SHA-256 of the secret")
    hint = fields.CharField(max_length=32, description="prefix and last characters, not secret")
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
        ordering = ["name", "id"]


class ApiTokenUse(Model):
    """When a token was last used, at most a minute out of date.

    Kept apart from `api_token` and outside the change record: recording a use must not
    make every worker read the token table again.
    """

    token_id = fields.IntField(primary_key=True, generated=False)
    used_at = fields.DatetimeField()

    class Meta:
        table = "api_token_use"


class SignInFailures(Model):
    """Failed sign-ins of one account (by email, known or not) or one client address.

    Each attempt is counted before its password is checked and taken back when it
    succeeds, so parallel guessers cannot all slip in before the first failure lands.
    """

    id = fields.IntField(primary_key=True)
    scope = fields.CharField(max_length=8, description="account or address")
    subject = fields.CharField(max_length=254, description="email, lower-cased, or address")
    failures = fields.IntField(default=0)
    last_failed_at = fields.DatetimeField(db_index=True)
    blocked_until = fields.DatetimeField(null=True, description="no attempt is checked before")

    class Meta:
        table = "sign_in_failures"
        unique_together = (("scope", "subject"),)


class HistoryEntry(Model):
    """One recorded change of one node: who, when, what, and each field before and after."""

    id = fields.IntField(primary_key=True)
    node_type = fields.CharField(max_length=32)
    node_id = fields.IntField()
    actor = fields.ForeignKeyField(
        "models.User", related_name="history", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    at = fields.DatetimeField()
    action = fields.CharEnumField(HistoryAction, max_length=24)
    changes = fields.JSONField(default=dict)

    class Meta:
        table = "history_entry"
        ordering = ["id"]
        indexes = (("node_type", "node_id"),)


class CalendarFeed(Entity):
    """A named iCalendar feed over a calendar filter, read by anyone holding its secret URL.

    Only the secret's SHA-256 digest is kept; archiving the feed revokes it.
    """

    owner = fields.ForeignKeyField("models.User", related_name="calendar_feeds", db_index=True)
    owner_id: int
    name = fields.CharField(max_length=120)
    secret_hash = fields.CharField(max_length=64, unique=True)
    criteria = fields.JSONField(default=dict, description="the calendar filter, as plain values")

    class Meta:
        table = "calendar_feed"
        ordering = ["name", "id"]


class ExternalCalendar(Entity):
    """An imported calendar (public holidays, industry events), from a URL or an upload."""

    name = fields.CharField(max_length=120)
    url = fields.CharField(max_length=2000, null=True, description="null for an uploaded file")
    blocking = fields.BooleanField(default=False, description="its events clash with launches")
    color = fields.CharField(max_length=7, default="#6b7280")
    refresh_minutes = fields.IntField(default=360)
    refreshed_at = fields.DatetimeField(null=True)
    next_refresh_at = fields.DatetimeField(null=True, db_index=True)
    last_error = fields.TextField(default="")
    content_hash = fields.CharField(max_length=64, default="")

    class Meta:
        table = "external_calendar"
        ordering = ["name", "id"]


class ExternalEvent(Model):
    """One VEVENT of an imported calendar (a recurring one keeps its rule and expands on read).

    `first_date`/`last_date` bound every occurrence (last_date null: the rule never ends),
    so a range query is an indexed overlap test before any expansion.
    """

    id = fields.IntField(primary_key=True)
    calendar = fields.ForeignKeyField(
        "models.ExternalCalendar", related_name="events", on_delete=fields.CASCADE, db_index=True
    )
    calendar_id: int
    uid = fields.CharField(max_length=255)
    sequence = fields.IntField(default=0)
    summary = fields.CharField(max_length=500, default="")
    description = fields.TextField(default="")
    location = fields.CharField(max_length=500, default="")
    all_day = fields.BooleanField(default=True)
    first_date = fields.DateField()
    last_date = fields.DateField(null=True)
    source = fields.TextField(description="the event's own iCalendar text, for expansion")

    class Meta:
        table = "external_event"
        ordering = ["first_date", "id"]
        indexes = (("first_date", "last_date"),)


class Event(Model):
    """One thing that happened, in the form integrations read it: written in the same
    transaction as the change it describes (`server/events`), so a rolled-back write
    leaves none. Webhooks deliver these; nothing else writes them."""

    id = fields.BigIntField(primary_key=True)
    type = fields.CharField(max_length=48, description="from the catalogue, e.g. task.updated")
    node_type = fields.CharField(max_length=32)
    node_id = fields.IntField()
    actor = fields.ForeignKeyField(
        "models.User", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    at = fields.DatetimeField()
    changes = fields.JSONField(default=dict, description="API field -> {before, after}")
    dispatched = fields.BooleanField(default=False, description="fanned out to webhooks")

    class Meta:
        table = "event"
        ordering = ["id"]
        indexes = (("node_type", "node_id"), ("dispatched", "id"))


class EventStep(Model):
    """Bookkeeping of the background steps that read the event log, one row each
    (`dispatch`, `risks`): locked while a process runs the step, so only one does."""

    name = fields.CharField(max_length=32, primary_key=True)
    data_version = fields.BigIntField(default=0, description="the data version handled last")
    epoch = fields.CharField(max_length=64, default="")
    day = fields.CharField(max_length=10, default="")

    class Meta:
        table = "event_step"


class RiskState(Model):
    """The risks as last recorded: what "risk raised" and "risk cleared" compare with."""

    key = fields.CharField(max_length=255, primary_key=True)
    kind = fields.CharField(max_length=32)
    severity = fields.CharField(max_length=16)
    node_type = fields.CharField(max_length=32)
    node_id = fields.IntField()
    message = fields.TextField(default="")

    class Meta:
        table = "risk_state"


class MeasuredState(Model):
    """Each measured key result's value and progress as last reported, shown as the API
    shows them: what a computed "key result updated" compares with."""

    key_result_id = fields.IntField(primary_key=True, generated=False)
    value = fields.CharField(max_length=64, null=True, description="null: a ratio without value")
    progress = fields.CharField(max_length=16)

    class Meta:
        table = "measured_state"


class WebhookEndpoint(Entity):
    """An address that receives signed events. The signing secret is kept as is: the
    server must sign with it (Standard Webhooks uses a shared secret)."""

    owner = fields.ForeignKeyField("models.User", related_name="webhooks", db_index=True)
    owner_id: int
    url = fields.CharField(max_length=2000)
    events = fields.JSONField(default=list, description="event types, empty for every type")
    criteria = fields.JSONField(default=dict, description="teams and node types, as keys")
    signing_secret = fields.CharField(max_length=80)
    previous_signing_secret = fields.CharField(max_length=80, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.TextField(default="")
    consecutive_failures = fields.IntField(default=0)
    failing_since = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_endpoint"
        ordering = ["id"]


class WebhookDelivery(Model):
    """One event on its way to one endpoint, with its retry state and claim."""

    id = fields.BigIntField(primary_key=True)
    endpoint = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event = fields.ForeignKeyField(
        "models.Event", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id: int
    node_key = fields.CharField(max_length=48, description="node type and id, the unit of ordering")
    body = fields.TextField(description="the signed JSON, fixed when queued so retries repeat it")
    status = fields.CharField(max_length=12, default="PENDING")
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    lease_until = fields.DatetimeField(null=True)
    claim = fields.CharField(max_length=32, default="")
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_delivery"
        ordering = ["id"]
        indexes = (("status", "next_attempt_at"), ("endpoint_id", "node_key", "event_id"))


class WebhookAttempt(Model):
    """One try at sending a delivery: what came back and how long it took."""

    id = fields.BigIntField(primary_key=True)
    delivery = fields.ForeignKeyField(
        "models.WebhookDelivery", related_name="attempt_rows", on_delete=fields.CASCADE
    )
    delivery_id: int
    at = fields.DatetimeField()
    succeeded = fields.BooleanField()
    status_code = fields.IntField(null=True)
    latency_ms = fields.IntField()
    error = fields.TextField(default="")

    class Meta:
        table = "webhook_attempt"
        ordering = ["id"]
        indexes = (("delivery_id", "id"),)


class StatusUpdate(Entity):
    """An owner's written update on a goal, key result or campaign (exactly one of the
    three is set): the health they report, the computed health when it was posted, and
    a Markdown body kept as written (rendered safely when read)."""

    goal = fields.ForeignKeyField(
        "models.Goal", related_name="status_updates", null=True, db_index=True
    )
    goal_id: int | None
    key_result = fields.ForeignKeyField(
        "models.KeyResult", related_name="status_updates", null=True, db_index=True
    )
    key_result_id: int | None
    campaign = fields.ForeignKeyField(
        "models.Campaign", related_name="status_updates", null=True, db_index=True
    )
    campaign_id: int | None
    health = fields.CharEnumField(ReportedHealth, max_length=16)
    computed_health = fields.CharField(max_length=16, default="")
    body = fields.TextField()
    author = fields.ForeignKeyField(
        "models.User",
        related_name="status_updates",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    author_id: int | None
    posted_at = fields.DatetimeField()

    class Meta:
        table = "status_update"
        ordering = ["posted_at", "id"]

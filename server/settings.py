"""Settings read once from the environment (or `serve` flags), validated up front.

A bad value raises `SettingsError` with a one-line message; the CLI prints it and
exits instead of letting a traceback reach the person starting the server.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

from server.enums import CURRENCIES, ResultMetric
from server.external_calendars.addresses import parse_networks

SUPPORTED_SCHEMES = {
    "sqlite": "sqlite",
    "postgres": "postgres",
    "postgresql": "postgres",
    "asyncpg": "postgres",
}
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(ValueError):
    """A setting has a value the server cannot start with."""


ENVIRONMENTS = ("development", "production")
MIN_SECRET_LENGTH = 32
JSON_ESCAPE_FACTOR = 6
"""Bytes one byte of text may take inside a JSON string at most (a control character
becomes `\\u0001`)."""
UPLOAD_ENVELOPE_BYTES = 64 * 1024
"""Room for the operation and the other fields around an uploaded calendar."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what one request may ask of the server (see README, "Limits")."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 3000
    max_selections: int = 500
    max_cost: int = 50_000
    max_body_bytes: int = 1_000_000
    max_batch: int = 10
    request_seconds: float = 30.0
    max_in_flight: int = 4
    query_cache_entries: int = 500
    query_cache_characters: int = 500_000
    """Bounds on each cache of query texts: parsed and validated documents (per schema)
    and persisted queries (per process)."""


@dataclass(frozen=True)
class Thresholds:
    """When computed progress, money and workload turn into a health or a risk
    (see README, "Progress, health and risk")."""

    health_at_risk_gap: Decimal = Decimal("0.10")
    health_off_track_gap: Decimal = Decimal("0.25")
    stale_check_in_days: int = 14
    stale_status_update_days: int = 30
    """A goal or key result whose latest status update is older raises STALE_CHECK_IN."""
    budget_critical_overrun: Decimal = Decimal("0.10")
    overdue_tasks_high: int = 3
    unestimated_task_hours: Decimal = Decimal("4")
    capacity_weeks: int = 4
    capacity_high_overload: Decimal = Decimal("0.25")
    launches_per_day: int = 1
    reporting_currency: str = "USD"
    """The currency every money figure is also converted into (`server.currency`): part
    of what the rollups are computed for, like the thresholds above."""


@dataclass(frozen=True)
class CalendarImports:
    """Bounds on imported calendars (see README, "Imported calendars")."""

    max_bytes: int = 2_000_000
    max_events: int = 5000
    fetch_seconds: float = 10.0
    scheduler: bool = True
    allow_networks: tuple = ()
    """Networks imports may reach though not public (`THROUGHLINE_IMPORT_ALLOW_NETWORKS`)."""


@dataclass(frozen=True)
class Webhooks:
    """How webhooks are delivered (see README, "Webhooks")."""

    worker: bool = True
    poll_seconds: float = 1.0
    timeout_seconds: float = 10.0
    lease_seconds: float = 60.0
    """A delivery claimed this long ago and not finished (its process died) is sent again."""
    retry_base_seconds: float = 10.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 15
    """A delivery tried this often is given up; the node's later events go on."""
    disable_after_failures: int = 20
    disable_after_hours: float = 24.0
    """An endpoint failing `disable_after_failures` times in a row, for longer than this,
    is disabled."""
    secret_grace_hours: float = 24.0
    """How long a rotated-out signing secret keeps signing beside the new one."""
    allow_networks: tuple = ()
    """Networks endpoints may be on though not public (`THROUGHLINE_WEBHOOK_ALLOW_NETWORKS`)."""
    keep_days: int = 30
    """Days the event log keeps an event once delivered everywhere it was due."""


@dataclass(frozen=True)
class SignInLimits:
    """How failed sign-ins slow further attempts down, and how much password hashing
    one process does at once (see README, "Limits")."""

    account_failures: int = 5
    address_failures: int = 20
    backoff_seconds: int = 1
    max_backoff_seconds: int = 900
    forget_hours: int = 24
    password_checks: int = 4
    password_queue: int = 16


@dataclass(frozen=True)
class TokenLimits:
    """How much one API token may ask per minute, per server process (see README,
    "API tokens")."""

    requests_per_minute: int = 600
    cost_per_minute: int = 500_000


FUNNEL_STAGES = (
    ResultMetric.MQL,
    ResultMetric.SQL,
    ResultMetric.OPPORTUNITIES,
    ResultMetric.REVENUE,
)
"""The default stages of funnels (`server.rollups.funnel`)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    host: str
    port: int
    log_level: str
    environment: str = "development"
    jwt_secret: str | None = field(default=None, repr=False)
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    graphiql: bool = True
    introspection: bool = True
    field_suggestions: bool = True
    limits: Limits = field(default_factory=Limits)
    thresholds: Thresholds = field(default_factory=Thresholds)
    calendar_imports: CalendarImports = field(default_factory=CalendarImports)
    sign_in: SignInLimits = field(default_factory=SignInLimits)
    token_limits: TokenLimits = field(default_factory=TokenLimits)
    webhooks: Webhooks = field(default_factory=Webhooks)
    public_url: str = "http://127.0.0.1:8000"
    workers: int = 1
    pool_size: int = 10
    statement_timeout_seconds: float = 30.0
    busy_timeout_seconds: float = 5.0
    clock_start: ClockStart | None = None
    live: Live = field(default_factory=lambda: Live())
    fiscal_year_start_month: int = 1
    """The first month of the fiscal year (`server.periods`): 4 makes FY2027 run from
    2026-04-01 to 2027-03-31."""

    @property
    def reporting_currency(self) -> str:
        return self.thresholds.reporting_currency
    funnel_stages: tuple[ResultMetric, ...] = FUNNEL_STAGES
    """The stages of funnels, in order (`THROUGHLINE_FUNNEL_STAGES`)."""

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def max_request_bytes(self) -> int:
        """The request body limit: the general one, raised where needed so that an
        uploaded calendar at the import limit fits however its text is escaped."""
        upload = self.calendar_imports.max_bytes * JSON_ESCAPE_FACTOR + UPLOAD_ENVELOPE_BYTES
        return max(self.limits.max_body_bytes, upload)

    @property
    def engine(self) -> str:
        """`sqlite` or `postgres`."""
        return SUPPORTED_SCHEMES[urlsplit(self.database_url).scheme]


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"THROUGHLINE_PORT must be a whole number, got {raw!r}") from None
    if not 1 <= port <= 65535:
        raise SettingsError(f"THROUGHLINE_PORT must be between 1 and 65535, got {port}")
    return port


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        choices = ", ".join(LOG_LEVELS)
        raise SettingsError(f"THROUGHLINE_LOG_LEVEL must be one of {choices}, got {raw!r}")
    return level


def _whole(name: str, raw: object, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _seconds(name: str, raw: object) -> float:
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0.1 <= value <= 3600:
        raise SettingsError(f"{name} must be between 0.1 and 3600 seconds, got {value}")
    return value


def _switch(name: str, raw: object) -> bool:
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _secret(raw: object | None) -> str | None:
    if raw is None or str(raw) == "":
        return None
    if len(str(raw)) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"THROUGHLINE_JWT_SECRET must be at least {MIN_SECRET_LENGTH} characters long"
        )
    return str(raw)


def _public_url(raw: str) -> str:
    """The address people reach the server at, for links in feeds (no trailing slash)."""
    url = raw.strip().rstrip("/")
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or parts.query or parts.fragment or parts.username:
        raise SettingsError(
            f"THROUGHLINE_PUBLIC_URL must be an http(s) address such as "
            f"https://plans.example.com, got {raw!r}"
        )
    return url


@dataclass(frozen=True)
class ClockStart:
    """THROUGHLINE_CLOCK: the server's clock shows `instant` at the real moment `real`
    (None: when the server starts) and runs on from there."""

    instant: datetime
    real: datetime | None = None


def _clock_start(raw: object, environment: str) -> ClockStart | None:
    """THROUGHLINE_CLOCK, for demos and tests only (a production server always runs on
    real time): an ISO 8601 date (midnight UTC) or date and time with an offset, where
    the clock starts; `@<UNIX seconds>` after it names the real moment at which the
    clock shows that instant, so several processes started one after another agree."""
    if raw is None or str(raw).strip() == "":
        return None
    if environment == "production":
        raise SettingsError("THROUGHLINE_CLOCK is for development; production runs on real time")
    text, _, since = str(raw).strip().partition("@")
    problem = (
        "THROUGHLINE_CLOCK must be a date such as 2027-02-28, or a date and time with an "
        f"offset such as 2027-02-28T09:00:00Z, optionally followed by @<UNIX seconds>; got {raw!r}"
    )
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        real = datetime.fromtimestamp(float(since), UTC) if since else None
    except (ValueError, OverflowError, OSError):
        raise SettingsError(problem) from None
    if instant.tzinfo is None:
        if "T" in text:
            raise SettingsError(problem)
        instant = instant.replace(tzinfo=UTC)
    return ClockStart(instant, real)


def _environment(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ENVIRONMENTS:
        raise SettingsError(f"THROUGHLINE_ENV must be development or production, got {raw!r}")
    return value


def _limits(setting) -> Limits:
    return Limits(
        max_depth=_whole("THROUGHLINE_MAX_DEPTH", setting("max_depth", 15), 2, 1000),
        max_aliases=_whole("THROUGHLINE_MAX_ALIASES", setting("max_aliases", 30), 0, 100_000),
        max_tokens=_whole("THROUGHLINE_MAX_TOKENS", setting("max_tokens", 3000), 10, 10_000_000),
        max_selections=_whole(
            "THROUGHLINE_MAX_SELECTIONS", setting("max_selections", 500), 1, 10_000_000
        ),
        max_cost=_whole("THROUGHLINE_MAX_COST", setting("max_cost", 50_000), 1, 10**15),
        max_body_bytes=_whole(
            "THROUGHLINE_MAX_BODY_BYTES", setting("max_body_bytes", 1_000_000), 1000, 10**9
        ),
        max_batch=_whole("THROUGHLINE_MAX_BATCH", setting("max_batch", 10), 1, 1000),
        request_seconds=_seconds("THROUGHLINE_REQUEST_SECONDS", setting("request_seconds", 30)),
        max_in_flight=_whole("THROUGHLINE_MAX_IN_FLIGHT", setting("max_in_flight", 4), 1, 10_000),
        query_cache_entries=_whole(
            "THROUGHLINE_QUERY_CACHE_ENTRIES", setting("query_cache_entries", 500), 0, 10**6
        ),
        query_cache_characters=_whole(
            "THROUGHLINE_QUERY_CACHE_CHARACTERS",
            setting("query_cache_characters", 500_000),
            0,
            10**9,
        ),
    )


def _calendar_imports(setting) -> CalendarImports:
    return CalendarImports(
        max_bytes=_whole(
            "THROUGHLINE_IMPORT_MAX_BYTES", setting("import_max_bytes", 2_000_000), 1000, 10**8
        ),
        max_events=_whole(
            "THROUGHLINE_IMPORT_MAX_EVENTS", setting("import_max_events", 5000), 1, 100_000
        ),
        fetch_seconds=_seconds(
            "THROUGHLINE_IMPORT_FETCH_SECONDS", setting("import_fetch_seconds", 10)
        ),
        scheduler=_switch("THROUGHLINE_IMPORT_SCHEDULER", setting("import_scheduler", True)),
        allow_networks=_networks(
            "THROUGHLINE_IMPORT_ALLOW_NETWORKS", setting("import_allow_networks", "")
        ),
    )


def _hours(name: str, raw: object) -> float:
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of hours, got {raw!r}") from None
    if not 0 <= value <= 24 * 365:
        raise SettingsError(f"{name} must be between 0 and 8760 hours, got {value}")
    return value


def _webhooks(setting) -> Webhooks:
    timeout = _seconds("THROUGHLINE_WEBHOOK_TIMEOUT", setting("webhook_timeout", 10))
    lease = _seconds("THROUGHLINE_WEBHOOK_LEASE", setting("webhook_lease", 60))
    if lease <= timeout:
        raise SettingsError(
            "THROUGHLINE_WEBHOOK_LEASE must be longer than THROUGHLINE_WEBHOOK_TIMEOUT"
        )
    base = _seconds("THROUGHLINE_WEBHOOK_RETRY_BASE", setting("webhook_retry_base", 10))
    most = _seconds("THROUGHLINE_WEBHOOK_RETRY_MAX", setting("webhook_retry_max", 3600))
    if most < base:
        raise SettingsError(
            "THROUGHLINE_WEBHOOK_RETRY_MAX must not be below THROUGHLINE_WEBHOOK_RETRY_BASE"
        )
    return Webhooks(
        worker=_switch("THROUGHLINE_WEBHOOK_WORKER", setting("webhook_worker", True)),
        poll_seconds=_seconds("THROUGHLINE_WEBHOOK_POLL", setting("webhook_poll", 1)),
        timeout_seconds=timeout,
        lease_seconds=lease,
        retry_base_seconds=base,
        retry_max_seconds=most,
        max_attempts=_whole(
            "THROUGHLINE_WEBHOOK_MAX_ATTEMPTS", setting("webhook_max_attempts", 15), 1, 100
        ),
        disable_after_failures=_whole(
            "THROUGHLINE_WEBHOOK_DISABLE_AFTER_FAILURES",
            setting("webhook_disable_after_failures", 20),
            1,
            10_000,
        ),
        disable_after_hours=_hours(
            "THROUGHLINE_WEBHOOK_DISABLE_AFTER_HOURS", setting("webhook_disable_after_hours", 24)
        ),
        secret_grace_hours=_hours(
            "THROUGHLINE_WEBHOOK_SECRET_GRACE_HOURS", setting("webhook_secret_grace_hours", 24)
        ),
        allow_networks=_networks(
            "THROUGHLINE_WEBHOOK_ALLOW_NETWORKS", setting("webhook_allow_networks", "")
        ),
        keep_days=_whole("THROUGHLINE_EVENT_KEEP_DAYS", setting("event_keep_days", 30), 1, 3650),
    )


def _sign_in(setting) -> SignInLimits:
    backoff = _whole(
        "THROUGHLINE_LOGIN_BACKOFF_SECONDS", setting("login_backoff_seconds", 1), 1, 3600
    )
    max_backoff = _whole(
        "THROUGHLINE_LOGIN_MAX_BACKOFF_SECONDS",
        setting("login_max_backoff_seconds", 900),
        1,
        86_400,
    )
    if max_backoff < backoff:
        raise SettingsError(
            "THROUGHLINE_LOGIN_MAX_BACKOFF_SECONDS must not be below "
            "THROUGHLINE_LOGIN_BACKOFF_SECONDS"
        )
    return SignInLimits(
        account_failures=_whole(
            "THROUGHLINE_LOGIN_ACCOUNT_FAILURES", setting("login_account_failures", 5), 1, 1000
        ),
        address_failures=_whole(
            "THROUGHLINE_LOGIN_ADDRESS_FAILURES", setting("login_address_failures", 20), 1, 100_000
        ),
        backoff_seconds=backoff,
        max_backoff_seconds=max_backoff,
        forget_hours=_whole(
            "THROUGHLINE_LOGIN_FORGET_HOURS", setting("login_forget_hours", 24), 1, 24 * 365
        ),
        password_checks=_whole(
            "THROUGHLINE_PASSWORD_CHECKS", setting("password_checks", 4), 1, 256
        ),
        password_queue=_whole(
            "THROUGHLINE_PASSWORD_QUEUE", setting("password_queue", 16), 0, 10_000
        ),
    )


def _token_limits(setting) -> TokenLimits:
    return TokenLimits(
        requests_per_minute=_whole(
            "THROUGHLINE_TOKEN_REQUESTS_PER_MINUTE",
            setting("token_requests_per_minute", 600),
            1,
            10**9,
        ),
        cost_per_minute=_whole(
            "THROUGHLINE_TOKEN_COST_PER_MINUTE",
            setting("token_cost_per_minute", 500_000),
            1,
            10**15,
        ),
    )


def _networks(name: str, raw: object) -> tuple:
    try:
        return parse_networks(str(raw))
    except ValueError as error:
        raise SettingsError(f"{name} must list networks such as 10.1.0.0/16: {error}") from None


def _fraction(name: str, raw: object, high: Decimal = Decimal(10)) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise SettingsError(f"{name} must be a decimal number, got {raw!r}") from None
    if not value.is_finite() or not 0 <= value <= high:
        raise SettingsError(f"{name} must be between 0 and {high}, got {raw!r}")
    return value


def _thresholds(setting) -> Thresholds:
    at_risk = _fraction("THROUGHLINE_HEALTH_AT_RISK_GAP", setting("health_at_risk_gap", "0.10"), 1)
    off_track = _fraction(
        "THROUGHLINE_HEALTH_OFF_TRACK_GAP", setting("health_off_track_gap", "0.25"), 1
    )
    if off_track < at_risk:
        raise SettingsError(
            "THROUGHLINE_HEALTH_OFF_TRACK_GAP must not be below THROUGHLINE_HEALTH_AT_RISK_GAP"
        )
    return Thresholds(
        health_at_risk_gap=at_risk,
        health_off_track_gap=off_track,
        stale_check_in_days=_whole(
            "THROUGHLINE_STALE_CHECK_IN_DAYS", setting("stale_check_in_days", 14), 1, 3650
        ),
        stale_status_update_days=_whole(
            "THROUGHLINE_STALE_STATUS_UPDATE_DAYS",
            setting("stale_status_update_days", 30),
            1,
            3650,
        ),
        budget_critical_overrun=_fraction(
            "THROUGHLINE_BUDGET_CRITICAL_OVERRUN", setting("budget_critical_overrun", "0.10")
        ),
        overdue_tasks_high=_whole(
            "THROUGHLINE_OVERDUE_TASKS_HIGH", setting("overdue_tasks_high", 3), 1, 10_000
        ),
        unestimated_task_hours=_fraction(
            "THROUGHLINE_UNESTIMATED_TASK_HOURS",
            setting("unestimated_task_hours", 4),
            Decimal(1000),
        ),
        capacity_weeks=_whole("THROUGHLINE_CAPACITY_WEEKS", setting("capacity_weeks", 4), 1, 52),
        capacity_high_overload=_fraction(
            "THROUGHLINE_CAPACITY_HIGH_OVERLOAD", setting("capacity_high_overload", "0.25")
        ),
        launches_per_day=_whole(
            "THROUGHLINE_LAUNCHES_PER_DAY", setting("launches_per_day", 1), 1, 1000
        ),
        reporting_currency=_currency(
            "THROUGHLINE_REPORTING_CURRENCY", setting("reporting_currency", "USD")
        ),
    )


def _currency(name: str, raw: object) -> str:
    code = str(raw).strip().upper()
    if code not in CURRENCIES:
        known = ", ".join(sorted(CURRENCIES))
        raise SettingsError(f"{name} must be one of {known}, got {raw!r}")
    return code


def normalise_database_url(raw: str) -> str:
    """Check the scheme and rewrite it to the one Tortoise ORM expects."""
    url = raw.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or not rest:
        raise SettingsError(
            f"DATABASE_URL must look like sqlite:///path/db.sqlite3 or "
            f"postgresql://user@host:5432/name, got {raw!r}"
        )
    engine = SUPPORTED_SCHEMES.get(scheme.lower())
    if engine is None:
        raise SettingsError(
            f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite or postgresql"
        )
    if engine == "postgres" and not urlsplit(url).path.strip("/"):
        raise SettingsError("DATABASE_URL for PostgreSQL must name a database")
    return f"{engine}://{rest}"


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
) -> Settings:
    """Build settings from the environment, with explicit overrides (CLI flags) winning."""
    env = os.environ if env is None else env
    given = {k: v for k, v in (overrides or {}).items() if v is not None}

    data_dir = Path(str(given.get("data_dir") or env.get("THROUGHLINE_DATA_DIR") or "data"))
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"THROUGHLINE_DATA_DIR {str(data_dir)!r} exists and is not a folder")
    raw_url = given.get("database_url") or env.get("DATABASE_URL")
    if raw_url:
        database_url = normalise_database_url(str(raw_url))
    else:
        database_url = f"sqlite://{(data_dir / 'throughline.sqlite3').as_posix()}"
    host = str(given.get("host") or env.get("THROUGHLINE_HOST") or "127.0.0.1").strip()
    if not host:
        raise SettingsError("THROUGHLINE_HOST must not be empty")

    def setting(name: str, default: object) -> object:
        """An override, else THROUGHLINE_<NAME> from the environment, else the default."""
        if name in given:
            return given[name]
        return env.get(f"THROUGHLINE_{name.upper()}", default)

    environment = _environment(str(setting("env", "development")))
    developing = environment == "development"
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        host=host,
        port=_port(str(given.get("port") or env.get("THROUGHLINE_PORT") or "8000")),
        log_level=_log_level(
            str(given.get("log_level") or env.get("THROUGHLINE_LOG_LEVEL") or "INFO")
        ),
        environment=environment,
        jwt_secret=_secret(setting("jwt_secret", None)),
        access_token_minutes=_whole(
            "THROUGHLINE_ACCESS_TOKEN_MINUTES", setting("access_token_minutes", 15), 1, 24 * 60
        ),
        refresh_token_days=_whole(
            "THROUGHLINE_REFRESH_TOKEN_DAYS", setting("refresh_token_days", 30), 1, 365
        ),
        graphiql=_switch("THROUGHLINE_GRAPHIQL", setting("graphiql", developing)),
        introspection=_switch("THROUGHLINE_INTROSPECTION", setting("introspection", developing)),
        field_suggestions=_switch(
            "THROUGHLINE_FIELD_SUGGESTIONS", setting("field_suggestions", developing)
        ),
        limits=_limits(setting),
        thresholds=_thresholds(setting),
        calendar_imports=_calendar_imports(setting),
        sign_in=_sign_in(setting),
        token_limits=_token_limits(setting),
        webhooks=_webhooks(setting),
        public_url=_public_url(str(setting("public_url", "http://127.0.0.1:8000"))),
        workers=_whole("THROUGHLINE_WORKERS", setting("workers", 1), 1, 64),
        pool_size=_whole("THROUGHLINE_DB_POOL_SIZE", setting("db_pool_size", 10), 1, 1000),
        statement_timeout_seconds=_seconds(
            "THROUGHLINE_DB_STATEMENT_TIMEOUT", setting("db_statement_timeout", 30)
        ),
        busy_timeout_seconds=_seconds(
            "THROUGHLINE_SQLITE_BUSY_TIMEOUT", setting("sqlite_busy_timeout", 5)
        ),
        clock_start=_clock_start(setting("clock", None), environment),
        live=_live(setting),
        fiscal_year_start_month=_whole(
            "THROUGHLINE_FISCAL_YEAR_START_MONTH", setting("fiscal_year_start_month", 1), 1, 12
        ),
        funnel_stages=_funnel_stages(setting("funnel_stages", ",".join(FUNNEL_STAGES))),
    )


def _funnel_stages(raw: object) -> tuple[ResultMetric, ...]:
    """Result metrics, comma-separated, each once, at least two (a funnel has a step)."""
    text = ",".join(map(str, raw)) if isinstance(raw, list | tuple) else str(raw)
    names = [name.strip().upper() for name in text.split(",") if name.strip()]
    known = ", ".join(ResultMetric)
    if len(names) < 2 or len(set(names)) != len(names):
        raise SettingsError(
            f"THROUGHLINE_FUNNEL_STAGES must name at least two different metrics, got {raw!r}"
        )
    unknown = [name for name in names if name not in ResultMetric.__members__]
    if unknown:
        raise SettingsError(
            f"THROUGHLINE_FUNNEL_STAGES: {', '.join(unknown)} is not one of {known}"
        )
    return tuple(ResultMetric(name) for name in names)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.log_level != "DEBUG":
        # Tortoise announces every start and shutdown at INFO; keep it for debugging.
        logging.getLogger("tortoise").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Live:
    """GraphQL subscriptions (see README, "Live updates")."""

    redis_url: str = ""
    """Redis pub/sub between server processes; empty: PostgreSQL LISTEN/NOTIFY, or a tail."""
    max_connections: int = 5
    """Live connections one user may hold open, per server process."""
    max_subscriptions: int = 10
    """Subscriptions one connection may run at once."""
    queue_size: int = 100
    """Events waiting for one slow subscriber before its connection is closed."""
    poll_seconds: float = 1.0
    """Interval of the tail of the event table while someone listens."""


def _live(setting) -> Live:
    url = str(setting("redis_url", "") or "").strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("THROUGHLINE_REDIS_URL must start with redis://, rediss:// or unix://")
    return Live(
        redis_url=url,
        max_connections=_whole(
            "THROUGHLINE_LIVE_MAX_CONNECTIONS", setting("live_max_connections", 5), 1, 1000
        ),
        max_subscriptions=_whole(
            "THROUGHLINE_LIVE_MAX_SUBSCRIPTIONS", setting("live_max_subscriptions", 10), 1, 1000
        ),
        queue_size=_whole("THROUGHLINE_LIVE_QUEUE", setting("live_queue", 100), 1, 100_000),
        poll_seconds=_seconds("THROUGHLINE_LIVE_POLL", setting("live_poll", 1)),
    )

"""Closed vocabularies of the domain, shared by the models, the API and the fixtures."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "VIEWER"
    EDITOR = "EDITOR"
    ADMIN = "ADMIN"


class ApiScope(StrEnum):
    """What an API token may do, on top of its user's role: READ runs queries, WRITE
    runs mutations, ADMIN runs what only administrators may (users, teams, service
    accounts, other users' tokens)."""

    READ = "READ"
    WRITE = "WRITE"
    ADMIN = "ADMIN"


class HistoryAction(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    ARCHIVED = "ARCHIVED"
    MOVED = "MOVED"
    CHECKED_IN = "CHECKED_IN"
    ALIGNMENTS_SET = "ALIGNMENTS_SET"
    SPEND_ADDED = "SPEND_ADDED"
    RESULT_ADDED = "RESULT_ADDED"
    PASSWORD_SET = "PASSWORD_SET"
    SESSIONS_REVOKED = "SESSIONS_REVOKED"
    STATUS_UPDATE_POSTED = "STATUS_UPDATE_POSTED"
    DELETED = "DELETED"


class GoalCategory(StrEnum):
    REVENUE = "REVENUE"
    BRAND_AWARENESS = "BRAND_AWARENESS"
    LEAD_GENERATION = "LEAD_GENERATION"
    CUSTOMER_RETENTION = "CUSTOMER_RETENTION"
    MARKET_SHARE = "MARKET_SHARE"
    PRODUCT_ADOPTION = "PRODUCT_ADOPTION"
    OTHER = "OTHER"


class MeasureUnit(StrEnum):
    NUMBER = "NUMBER"
    PERCENT = "PERCENT"
    CURRENCY = "CURRENCY"


class CampaignStatus(StrEnum):
    DRAFT = "DRAFT"
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class Channel(StrEnum):
    EMAIL = "EMAIL"
    PAID_SEARCH = "PAID_SEARCH"
    PAID_SOCIAL = "PAID_SOCIAL"
    ORGANIC_SOCIAL = "ORGANIC_SOCIAL"
    CONTENT = "CONTENT"
    SEO = "SEO"
    DISPLAY = "DISPLAY"
    VIDEO = "VIDEO"
    EVENTS = "EVENTS"
    WEBINAR = "WEBINAR"
    PR = "PR"
    PARTNER = "PARTNER"
    AFFILIATE = "AFFILIATE"
    DIRECT_MAIL = "DIRECT_MAIL"
    OUTBOUND = "OUTBOUND"
    IN_PRODUCT = "IN_PRODUCT"
    OTHER = "OTHER"


class ResultMetric(StrEnum):
    LEADS = "LEADS"
    MQL = "MQL"
    SQL = "SQL"
    OPPORTUNITIES = "OPPORTUNITIES"
    REVENUE = "REVENUE"
    SIGNUPS = "SIGNUPS"
    IMPRESSIONS = "IMPRESSIONS"
    CLICKS = "CLICKS"


class KeyResultSource(StrEnum):
    """Where a key result's current value comes from: typed check-ins (MANUAL), or its
    aligned campaigns' entries over its period, each campaign weighted by its alignment
    share: a metric's total (METRIC), spend per unit of a metric (COST_PER), one metric
    over another (CONVERSION_RATE) or (revenue - spend) / spend (ROI)."""

    MANUAL = "MANUAL"
    METRIC = "METRIC"
    COST_PER = "COST_PER"
    CONVERSION_RATE = "CONVERSION_RATE"
    ROI = "ROI"


class TaskStatus(StrEnum):
    TODO = "TODO"
    IN_PROGRESS = "IN_PROGRESS"
    BLOCKED = "BLOCKED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class MilestoneKind(StrEnum):
    LAUNCH = "LAUNCH"
    RELEASE = "RELEASE"
    EVENT = "EVENT"
    WEBINAR = "WEBINAR"
    SALES_KICKOFF = "SALES_KICKOFF"
    DEADLINE = "DEADLINE"
    OTHER = "OTHER"


CURRENCIES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CHF",
        "CAD",
        "AUD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "CNY",
        "SGD",
        "HKD",
        "BRL",
        "MXN",
        "ZAR",
        "KRW",
        "ILS",
        "AED",
    }
)


class ReportedHealth(StrEnum):
    """The health an owner reports in a status update, beside the computed one."""

    ON_TRACK = "ON_TRACK"
    AT_RISK = "AT_RISK"
    OFF_TRACK = "OFF_TRACK"

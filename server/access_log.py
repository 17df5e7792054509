"""Feed secrets kept out of the access log.

A calendar feed's URL is its only credential, and uvicorn's access log prints every
request path: `/calendar/<secret>.ics` would hand the feed to whoever reads the logs.
`FeedSecretFilter` shortens the secret to its first characters (enough to tell feeds
apart). `log_config()` is uvicorn's logging configuration with the filter on the access
logger; uvicorn applies it in every process it starts, one worker or several.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from server.redaction import mask

ACCESS_LOGGER = "uvicorn.access"
FEED_PATH = re.compile(r"(/calendar/)([^/?#\s\"]+?)(\.ics)")


def redact(text: str) -> str:
    """`/calendar/AbCdEf….ics` for `/calendar/AbCdEfGh...xyz.ics`, wherever it occurs."""
    return FEED_PATH.sub(lambda found: found[1] + mask(found[2]) + found[3], text)


class FeedSecretFilter(logging.Filter):
    """Rewrites a record's message and text arguments; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration, with the filter on its access logger."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["feed_secrets"] = {"()": f"{__name__}.FeedSecretFilter"}
    config["loggers"][ACCESS_LOGGER]["filters"] = ["feed_secrets"]
    return config

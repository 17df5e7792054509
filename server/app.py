"""The ASGI application: GraphQL, the health check, feeds, exports, CSV imports, the web
client's session endpoints and the static web client."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from schema import build_schema
from schema.core.mutations import key_of
from schema.live.socket import LiveService
from server import clock
from server.api_tokens.gate import TokenGate
from server.api_tokens.usage import TokenUses
from server.authentication import TokenAuthentication
from server.content_policy import client_policy, graphiql_policy
from server.currency.endpoint import rates_import_route
from server.database import close_database, database_reachable, open_database
from server.events.retention import prune_events
from server.exports.endpoint import export_endpoint
from server.external_calendars.refresh import RefreshScheduler
from server.faults import DatabaseFaults
from server.feeds.endpoint import feed_endpoint
from server.graphql_app import GraphQLApp
from server.ingest.endpoint import import_route
from server.live.access import ConnectionCount
from server.live.commits import WritesWake
from server.live.runtime import LiveRuntime
from server.memory import tune_garbage_collector
from server.periodic import Periodic
from server.read_model import ReadModel
from server.read_model.pruning import KEEP_VERSIONS, PRUNE_SECONDS, prune
from server.security_headers import SecurityHeaders
from server.settings import Settings
from server.signing_key import signing_secret
from server.tokens import TokenSigner
from server.web_session import session_routes
from server.webhooks.worker import WebhookWorker, in_turn, measured_step, risk_step

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


async def healthz(request: Request) -> JSONResponse:
    if await database_reachable():
        return JSONResponse({"status": "ok", "database": "reachable"})
    return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """Build the app; `manage_database=False` leaves opening the database to the caller."""
    if settings.clock_start is not None:
        clock.start_at(settings.clock_start.instant, settings.clock_start.real)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        await open_database(settings)
        await read_model.current()  # built before the first request, not during it
        tune_garbage_collector()
        refresher = RefreshScheduler(settings.calendar_imports)
        if settings.calendar_imports.scheduler:
            refresher.start()
        pruner = Periodic("change-record-prune", lambda: prune(KEEP_VERSIONS), PRUNE_SECONDS)
        pruner.start()
        event_pruner = Periodic(
            "event-prune", lambda: prune_events(settings.webhooks.keep_days), PRUNE_SECONDS
        )
        event_pruner.start()
        webhooks = WebhookWorker(
            settings.webhooks,
            in_turn(
                risk_step(read_model.current, settings.thresholds),
                measured_step(
                    read_model.current, settings.thresholds, lambda: bool(live.hub.subscribers)
                ),
            ),
            committed=live.hub.committed,
        )
        if settings.webhooks.worker:
            webhooks.start()
        live.start()
        try:
            log.info("Throughline is serving on http://%s:%s", settings.host, settings.port)
            yield
        finally:
            await token_uses.settled()
            await refresher.stop()
            await pruner.stop()
            await webhooks.stop()
            await event_pruner.stop()
            await live.stop()
            await close_database()

    signer = TokenSigner(signing_secret(settings), settings.access_token_minutes)
    read_model = ReadModel()
    token_uses = TokenUses()
    graphql = GraphQLApp(
        build_schema(settings), settings=settings, signer=signer, read_model=read_model
    )
    gate = TokenGate(graphql.rate_limits)
    live = LiveRuntime(settings, read_model)
    graphql.live = LiveService(
        live.hub, read_model, signer, settings.live, ConnectionCount(settings.live.max_connections)
    )
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz, methods=["GET"]),
            Route(
                "/calendar/{secret}.ics",
                feed_endpoint(settings, read_model),
                methods=["GET", "HEAD"],
            ),
            Route("/export/{name}", export_endpoint(settings, read_model, gate), methods=["GET"]),
            *session_routes(settings, signer),
            rates_import_route(settings, gate),
            import_route(lambda type_name, text: key_of(text, type_name), gate),
            Mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web"),
        ],
        middleware=[
            Middleware(
                SecurityHeaders,
                policy=client_policy((WEB_DIR / "index.html").read_text(encoding="utf-8")),
                graphiql_policy=graphiql_policy(graphql.graphql_ide_html)
                if settings.graphiql
                else None,
            ),
            Middleware(DatabaseFaults),
            Middleware(
                AuthenticationMiddleware,
                backend=TokenAuthentication(signer, read_model, token_uses),
            ),
            Middleware(WritesWake, committed=live.hub.committed),
        ],
        lifespan=lifespan,
    )
    app.state.token_uses = token_uses
    app.state.graphql = graphql
    app.state.live = live
    return app

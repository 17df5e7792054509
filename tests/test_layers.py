"""The domain code never imports the GraphQL layer: only the app setup (the Starlette
app, the GraphQL view and its persisted queries, the web client's session, the CLI)
does, so the read model, writes and computations can be used without it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_SETUP = {"app.py", "cli.py", "graphql_app.py", "persisted_queries.py", "web_session.py"}
GRAPHQL_LAYER = ("schema", "strawberry", "graphql")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_domain_module_imports_the_graphql_layer() -> None:
    modules = sorted((ROOT / "server").rglob("*.py"))
    assert len(modules) > 50
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported(path) if name.split(".")[0] in GRAPHQL_LAYER
        )
        for path in modules
        if path.parent != ROOT / "server" or path.name not in APP_SETUP
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_app_setup_is_what_imports_it() -> None:
    for name in APP_SETUP:
        assert any(
            module.split(".")[0] in GRAPHQL_LAYER for module in imported(ROOT / "server" / name)
        ), name

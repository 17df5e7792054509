"""Security headers on every response, and the content policies of the client and
GraphiQL checked against the pages they protect."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from server.content_policy import inline_script_hashes
from tests.test_calendar_feed_http import make_feed

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def sha256_source(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/main.js"),
        ("GET", "/vendor/uplot/uPlot.esm.js"),
        ("GET", "/no-such-file"),
        ("POST", "/graphql"),
        ("GET", "/healthz"),
        ("GET", "/calendar/not-a-secret.ics"),
    ],
)
async def test_every_response_carries_the_security_headers(http, method, path):
    # when
    response = await http.request(method, path, json={"query": "{ __typename }"})

    # then
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name
    policy = directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


async def test_a_calendar_feed_carries_the_security_headers(gql, http):
    # given
    path, _ = await make_feed(gql)

    # when
    response = await http.get(path)

    # then
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_the_client_runs_only_its_own_scripts_and_its_import_map(http):
    # given
    page = await http.get("/")
    (import_map,) = re.findall(r'<script type="importmap">(.*?)</script>', page.text, re.S)

    # when
    policy = directives(page.headers["content-security-policy"])

    # then
    assert policy["script-src"] == ["'self'", sha256_source(import_map)]
    assert policy["style-src"] == ["'self'"]
    assert "https://unpkg.com" not in page.headers["content-security-policy"]


async def test_graphiql_gets_a_policy_of_its_own_for_its_cdn_and_inline_script(http):
    # given
    page = await http.get("/graphql", headers={"accept": "text/html"})
    (inline,) = re.findall(r"<script>(.*?)</script>", page.text, re.S)

    # when
    policy = directives(page.headers["content-security-policy"])

    # then
    assert policy["script-src"] == ["'self'", "https://unpkg.com", sha256_source(inline)]
    assert policy["frame-ancestors"] == ["'none'"]


def test_inline_script_hashes_skip_external_scripts_and_read_line_ends_as_browsers_do():
    # given
    html = '<script src="a.js"></script>\r\n<script type="importmap">\r\n{"a": 1}\r\n</script>'

    # when
    hashes = inline_script_hashes(html)

    # then
    assert hashes == [sha256_source('\n{"a": 1}\n')]

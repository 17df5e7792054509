"""The Content-Security-Policy of the web client, and the looser one of GraphiQL.

The client runs only scripts it serves itself. Its one inline script, the import map
(import maps cannot be external files), is allowed by its sha256 hash, read from the
HTML served at start-up, so a script injected into the page would not run. GraphiQL, a
development aid, loads React and itself from a CDN and keeps inline styles; it gets a
policy of its own that is never used for the client.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

GRAPHIQL_CDN = "https://unpkg.com"

# What every page of ours forbids: being framed, a <base> that redirects relative URLs,
# plugins, and forms that post elsewhere.
LOCKED_DOWN = (
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


class _InlineScripts(HTMLParser):
    """The text of each <script> without a src, as the browser hashes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_script_hashes(html: str) -> list[str]:
    """CSP hash sources (`'sha256-…'`) of the inline scripts of `html`."""
    parser = _InlineScripts()
    # Browsers turn CR LF into LF before they read a document, and hash what they read.
    parser.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    hashes = []
    for script in parser.scripts:
        digest = hashlib.sha256(script.encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def _policy(*directives: str) -> str:
    return "; ".join((*directives, *LOCKED_DOWN))


def client_policy(index_html: str) -> str:
    """The policy of the web client, whose page is `index_html`, and of every other
    response (API answers, feeds, files): they never need more."""
    scripts = " ".join(("'self'", *inline_script_hashes(index_html)))
    return _policy(
        "default-src 'self'",
        f"script-src {scripts}",
        # Styles come from our files only; the libraries and the client set styles
        # through the CSSOM (element.style), which a policy does not restrict.
        "style-src 'self'",
        # The page's empty favicon is a data: URL, so no request goes out for one.
        "img-src 'self' data:",
    )


def graphiql_policy(graphiql_html: str) -> str:
    """The policy of the GraphiQL page (development only): its libraries come from a
    CDN (pinned with subresource integrity), and its editors write inline styles."""
    scripts = " ".join(("'self'", GRAPHIQL_CDN, *inline_script_hashes(graphiql_html)))
    return _policy(
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src 'self' 'unsafe-inline' {GRAPHIQL_CDN}",
        f"font-src 'self' data: {GRAPHIQL_CDN}",
        "img-src 'self' data:",
    )

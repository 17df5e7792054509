"""Markdown of status updates rendered to HTML that is safe to put in a page.

Everything is escaped; only a small subset becomes markup: paragraphs, bullet and
numbered lists, fenced code blocks, inline code, bold, italic and links whose address is
http or https (any other link stays visible text). Written here rather than taken from
a library: the subset is small, and every tag that can come out is listed below, so a
reviewer can check the whole of what reaches a browser.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

TAGS = frozenset({"p", "ul", "ol", "li", "pre", "code", "strong", "em", "a", "br"})
"""Every element the renderer can produce (a test holds it to this list)."""

LINK_SCHEMES = frozenset({"http", "https"})

_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<bold>[^\n]+?)\*\*"
    r"|(?<![\w*])\*(?P<star>[^*\n]+?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<under>[^_\n]+?)_(?![\w_])"
)
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s{0,3}```")


def safe_url(url: str) -> str | None:
    """The address as an attribute value, if it is an absolute http(s) URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    return escape(url, quote=True)


def inline(text: str) -> str:
    """One line's (or paragraph's) inline markup, everything else escaped."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        if match["code"] is not None:
            out.append(f"<code>{escape(match['code'])}</code>")
        elif match["label"] is not None:
            href = safe_url(match["url"])
            if href is None:
                out.append(escape(match.group(0)))
            else:
                label = inline(match["label"])
                out.append(f'<a href="{href}" rel="nofollow noopener noreferrer">{label}</a>')
        elif match["bold"] is not None:
            out.append(f"<strong>{inline(match['bold'])}</strong>")
        else:
            out.append(f"<em>{inline(match['star'] or match['under'])}</em>")
    out.append(escape(text[position:]))
    return "".join(out)


def render(source: str) -> str:
    """The HTML of a Markdown text (see the module's docstring for the subset)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def close() -> None:
        nonlocal list_tag
        if paragraph:
            html.append("<p>" + "<br>".join(inline(line.strip()) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            listed = "".join(f"<li>{item}</li>" for item in items)
            html.append(f"<{list_tag}>{listed}</{list_tag}>")
            items.clear()
            list_tag = ""

    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if _FENCE.match(line):
            close()
            code: list[str] = []
            while index < len(lines) and not _FENCE.match(lines[index]):
                code.append(lines[index])
                index += 1
            index += 1  # the closing fence (or the end)
            html.append("<pre><code>" + escape("\n".join(code)) + "</code></pre>")
            continue
        if not line.strip():
            close()
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        found = bullet or numbered
        if found is not None:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and tag != list_tag):
                close()
            list_tag = tag
            items.append(inline(found.group(1).strip()))
            continue
        if items:
            close()
        paragraph.append(line)
    close()
    return "".join(html)

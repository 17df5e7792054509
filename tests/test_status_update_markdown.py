"""The Markdown of status updates: the safe subset becomes markup, everything else is
escaped, and no element outside the renderer's list can come out."""

from __future__ import annotations

import re

import pytest

from server.status_updates.markdown import TAGS, render


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("Plain text.", "<p>Plain text.</p>"),
        (
            "**bold** and *italic* and _also_",
            "<p><strong>bold</strong> and <em>italic</em> and <em>also</em></p>",
        ),
        ("snake_case_name stays", "<p>snake_case_name stays</p>"),
        ("use `a<b>` here", "<p>use <code>a&lt;b&gt;</code> here</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>two</p><p>three</p>"),
        (
            "- a\n- *b*\n\n1. first\n2) second",
            "<ul><li>a</li><li><em>b</em></li></ul><ol><li>first</li><li>second</li></ol>",
        ),
        ("intro\n- item", "<p>intro</p><ul><li>item</li></ul>"),
        (
            "```\n<b>x</b>\n  kept\n```\nafter",
            "<pre><code>&lt;b&gt;x&lt;/b&gt;\n  kept</code></pre><p>after</p>",
        ),
        (
            "[report](https://example.com/a?x=1&y=2)",
            '<p><a href="https://example.com/a?x=1&amp;y=2" rel="nofollow noopener noreferrer">'
            "report</a></p>",
        ),
    ],
)
def test_the_safe_subset_becomes_markup(source, html):
    assert render(source) == html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](//evil.example/x)",
        '[click](https://x.example/"onmouseover="alert(1))',
        "**<iframe src=https://evil.example>**",
        "```\n</code></pre><script>x</script>\n```",
        "- <svg onload=alert(1)>",
    ],
)
def test_nothing_else_becomes_markup(source):
    # when
    html = render(source)

    # then: every tag is one of the renderer's, with no attribute but a link's href/rel
    tags = re.findall(r"<(/?)([a-zA-Z0-9]+)([^>]*)>", html)
    assert {name for _, name, _ in tags} <= TAGS
    for closing, name, attributes in tags:
        if name == "a" and not closing:
            assert re.fullmatch(
                r' href="https?://[^"]*" rel="nofollow noopener noreferrer"', attributes
            )
        else:
            assert attributes == ""
    assert "javascript:" not in html.replace("[click](javascript:", "")


def test_links_to_other_schemes_stay_text():
    assert render("[x](javascript:void)") == "<p>[x](javascript:void)</p>"
    assert render("[x](mailto:a@b.example)") == "<p>[x](mailto:a@b.example)</p>"

"""Accessibility checks with axe-core, run inside a Playwright page.

axe-core is vendored like the client's other libraries (web/vendor/axe-core, pinned in
scripts/fetch-vendor.py) but only the tests load it: the app never does. The server
serves it as a static file from its own origin, so the page's Content-Security-Policy
(scripts from 'self' only) lets it in without loosening anything.

    from tests.browser.axe import assert_no_serious_violations
    assert_no_serious_violations(page)                     # the whole page
    assert_no_serious_violations(page, include=".detail")  # one region
    assert_no_serious_violations(page, disable=["aria-required-parent"])  # a rule off
"""

from __future__ import annotations

from typing import Any

AXE_URL = "/vendor/axe-core/axe.min.js"
SERIOUS = ("serious", "critical")


def load_axe(page) -> None:
    """Put axe on the page once (a navigation or reload needs it again)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
        page.wait_for_function("() => typeof window.axe === 'object'")


def violations(
    page,
    *,
    include: str | None = None,
    exclude: list[str] | tuple[str, ...] = (),
    impacts: tuple[str, ...] = SERIOUS,
    disable: list[str] | tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The violations axe finds on the page (or inside `include`, without the parts under
    `exclude`, with the rules named in `disable` off) whose impact is one of `impacts`."""
    load_axe(page)
    context: dict[str, Any] = {}
    if include:
        context["include"] = [[include]]
    if exclude:
        context["exclude"] = [[selector] for selector in exclude]
    rules = {rule: {"enabled": False} for rule in disable}
    results = page.evaluate(
        """async ([context, rules]) => {
            const target = Object.keys(context).length ? context : document;
            const result = await window.axe.run(target, { resultTypes: ["violations"], rules });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    impact: n.impact, target: n.target.join(" "), html: n.html,
                    summary: n.failureSummary,
                })),
            }));
        }""",
        [context, rules],
    )
    found = []
    for violation in results:
        nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in impacts]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


def describe(found: list[dict[str, Any]]) -> str:
    """One readable block per rule: what is wrong and where (first few elements)."""
    lines = []
    for violation in found:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            summary = (node["summary"] or "").replace("\n", " / ")
            lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_no_serious_violations(
    page,
    *,
    include: str | None = None,
    exclude: list[str] | tuple[str, ...] = (),
    disable: list[str] | tuple[str, ...] = (),
) -> None:
    """Fail with axe's own explanation when anything serious or critical is found."""
    found = violations(page, include=include, exclude=exclude, disable=disable)
    assert not found, "axe-core found serious or critical violations:\n" + describe(found)

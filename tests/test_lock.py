"""The lock a fresh machine installs from pins every dependency, with hashes, at versions
pyproject.toml accepts, so what runs is exactly what was tested."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(?: ; [^\\]+)? \\$")
"""A pinned line: `name==version \\`, with an environment marker where one is declared."""


def locked() -> dict[str, tuple[str, int]]:
    """Each locked package: its version and how many file hashes it carries."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(name) for name in names]


def test_every_declared_dependency_is_locked_at_an_accepted_version():
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is missing from requirements/lock.txt"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{name}=={pins[name][0]} is outside {requirement.specifier}"
        )


def test_every_locked_package_carries_hashes():
    pins = locked()
    assert len(pins) >= len(declared())
    assert all(hashes > 0 for _, hashes in pins.values())


def test_the_setup_script_installs_from_the_lock_with_hashes():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes -r requirements/lock.txt" in setup
    assert "--no-deps" in setup

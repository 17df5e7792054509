#!/usr/bin/env python3
"""Fetch the web client's third-party files from the npm registry into web/vendor/.

The client runs with no internet and no CDN, so its libraries are committed under
web/vendor/. This script is how they are updated: each package is pinned to a version
and to the `dist.integrity` (sha512) the registry published for it; a tarball whose
digest differs is refused and nothing is written. It copies only the files the client
loads, the package's licence, and records everything in web/vendor/MANIFEST.json.

    python3 scripts/fetch-vendor.py            # fetch, verify, write
    python3 scripts/fetch-vendor.py --check    # verify the committed files, fetch nothing

To move a package to a new version, change `version` and `integrity` below (the
integrity is `dist.integrity` in https://registry.npmjs.org/<name>/<version>).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "web" / "vendor"
REGISTRY = "https://registry.npmjs.org"

PACKAGES = [
    {
        "name": "@event-calendar/build",
        "version": "5.10.1",
        "integrity": (
            "sha512-iAR/l5oeFwqt7mfjBGsrpTiWFOt8yfI7PxV0OqnGaTzZGxvre2QeI0TNNlTpuefoMPd15qseQlf"
            "WpxiORzJOMA=="
        ),
        "licence": "MIT",
        "dir": "event-calendar",
        "files": ["dist/event-calendar.min.js", "dist/event-calendar.min.css"],
        # The package ships no licence file: the upstream repository's is written instead.
        "licence_file": None,
        "licence_text": ("MIT License\n\nCopyright (c) 2021 vkurko\n\n" + "{MIT}"),
        "licence_source": "https://github.com/vkurko/calendar/blob/master/LICENSE",
        "purpose": "shared calendar: month, week, list and resource-timeline views, drag and drop",
    },
    {
        "name": "uplot",
        "version": "1.6.32",
        "integrity": (
            "sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3"
            "tOkyTxpiQIw=="
        ),
        "licence": "MIT",
        "dir": "uplot",
        "files": ["dist/uPlot.esm.js", "dist/uPlot.min.css"],
        "licence_file": "LICENSE",
        "purpose": "check-in history charts",
    },
    {
        "name": "axe-core",
        "version": "4.14.1",
        "integrity": (
            "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37O"
            "gudVGtQ=="
        ),
        "licence": "MPL-2.0",
        "dir": "axe-core",
        "files": ["axe.min.js", "LICENSE-3RD-PARTY.txt"],
        "licence_file": "LICENSE",
        "purpose": (
            "accessibility checks in the browser tests (tests/browser/axe.py); "
            "never loaded by the app"
        ),
    },
]


MIT_TERMS = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def tarball_url(name: str, version: str) -> str:
    base = name.split("/")[-1]
    return f"{REGISTRY}/{name}/-/{base}-{version}.tgz"


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def extract(package: dict, tarball: bytes) -> dict[str, bytes]:
    """The wanted files of the tarball (npm tarballs put everything under package/)."""
    wanted = list(package["files"])
    if package["licence_file"]:
        wanted.append(package["licence_file"])
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            relative = member.name.removeprefix("package/")
            if relative in wanted and member.isfile():
                found[relative] = archive.extractfile(member).read()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise SystemExit(f"{package['name']}@{package['version']}: missing {', '.join(missing)}")
    return found


def fetch() -> None:
    manifest = []
    staged: list[tuple[Path, bytes]] = []
    for package in PACKAGES:
        url = tarball_url(package["name"], package["version"])
        print(f"fetching {package['name']}@{package['version']}", file=sys.stderr)
        tarball = download(url)
        actual = integrity_of(tarball)
        if actual != package["integrity"]:
            raise SystemExit(
                f"{package['name']}@{package['version']}: integrity {actual} "
                f"does not match the pinned {package['integrity']}; nothing written"
            )
        files = extract(package, tarball)
        entries = []
        for relative, data in sorted(files.items()):
            target = Path(package["dir"]) / Path(relative).name
            staged.append((VENDOR / target, data))
            entries.append({"path": target.as_posix(), "from": relative, "sha256": sha256_of(data)})
        licence_path = f"{package['dir']}/LICENSE"
        if package["licence_file"]:
            licence_path = f"{package['dir']}/{package['licence_file']}"
        else:
            text = package["licence_text"].replace("{MIT}", MIT_TERMS)
            staged.append((VENDOR / licence_path, text.encode()))
        manifest.append(
            {
                "name": package["name"],
                "version": package["version"],
                "integrity": package["integrity"],
                "tarball": url,
                "licence": package["licence"],
                "licenceFile": licence_path,
                "licenceSource": package.get("licence_source", "the package tarball"),
                "purpose": package["purpose"],
                "files": entries,
            }
        )
    for path, data in staged:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (VENDOR / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(staged)} files and MANIFEST.json under {VENDOR}", file=sys.stderr)


def check() -> int:
    """Compare the committed files with the digests recorded in the manifest."""
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    problems = []
    pinned = {(p["name"], p["version"], p["integrity"]) for p in PACKAGES}
    for package in manifest:
        if (package["name"], package["version"], package["integrity"]) not in pinned:
            problems.append(f"{package['name']}@{package['version']}: not the pinned version")
        for entry in package["files"]:
            path = VENDOR / entry["path"]
            if not path.is_file():
                problems.append(f"{entry['path']}: missing")
            elif sha256_of(path.read_bytes()) != entry["sha256"]:
                problems.append(f"{entry['path']}: differs from the fetched file")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, do not fetch")
    args = parser.parse_args()
    if args.check:
        return check()
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main())

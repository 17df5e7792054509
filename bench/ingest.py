"""W8: spend imported in bulk from a generated CSV file, in a process of its own.

    python -m bench --only W8 [--ingest-rows 100000] [--postgres URL]

A scratch database gets one team, one USD campaign and an administrator; a CSV file of
`rows` spend lines (about 100 bytes each) is written to a temporary folder. The file is
then imported twice by a child process (`python -m bench.ingest --child ...`), the way
`throughline import` does it, all or nothing in one transaction: first every line is
new, then every line is unchanged. Each row of the table gives the import's wall time,
rows per second and the child's peak resident memory (`VmHWM`), next to its resident
memory just before the import started (`VmRSS`): the import streams the file, so the
peak stays near that baseline whatever the number of rows. Not part of the default run
(it writes 200 000 history rows per run); ask for it with `--only W8`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from bench.databases import Engine
from bench.stats import Row, Timings
from server import models
from server.database import close_database, migrate_database, open_database
from server.enums import Role
from server.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "bench-importer@throughline.test"
FIRST_DAY = date(2026, 1, 1)


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (Linux): VmRSS now, VmHWM its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _prepare(url: str) -> int:
    """Migrate the scratch database and give it the importer and a campaign."""
    settings = load_settings(env={}, overrides={"database_url": url})
    await migrate_database(settings)
    await open_database(settings)
    try:
        team = await models.Team.create(name="Paid media")
        await models.User.create(email=EMAIL, email_key=EMAIL, name="Importer", role=Role.ADMIN)
        campaign = await models.Campaign.create(
            name="Always-on search",
            owner_team_id=team.pk,
            start_date=FIRST_DAY,
            end_date=FIRST_DAY + timedelta(days=365),
            budget=10_000_000,
            currency="USD",
        )
        return campaign.pk
    finally:
        await close_database()


def write_csv(path: Path, campaign_id: str, rows: int) -> None:
    """`rows` spend lines, written as they are made (the file is never held whole)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("source,external_id,campaign_id,date,amount,currency,channel,note\n")
        for n in range(rows):
            day = FIRST_DAY + timedelta(days=n % 365)
            out.write(
                f"google-ads,{day.isoformat()}/ad-group-{n},{campaign_id},{day.isoformat()},"
                f"{n % 997 + 1}.{n % 100:02d},USD,PAID_SEARCH,\n"
            )


def _run_child(url: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.ingest", "--child", url, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the import failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def w8(engine: Engine, rows: int, log) -> list[Row]:
    from schema.core.ids import encode_global_id

    name = f"throughline_bench_ingest_{uuid.uuid4().hex[:8]}"
    await engine.create(name)
    url = engine.url(name)
    found: list[Row] = []
    try:
        campaign = await _prepare(url)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "spend.csv"
            write_csv(path, encode_global_id("Campaign", campaign), rows)
            megabytes = path.stat().st_size / 1e6
            for label, expected in (("new", "created"), ("again", "unchanged")):
                result = _run_child(url, path)
                if result[expected] != rows:
                    raise RuntimeError(f"expected {rows} {expected}, got {result}")
                seconds = result["seconds"]
                log(f"{engine.label}: W8 import ({label}) took {seconds:.1f}s")
                found.append(
                    Row(
                        engine.label,
                        rows,
                        f"W8 CSV import, {'new rows' if label == 'new' else 'unchanged'}",
                        timings=Timings([seconds]),
                        peak_mb=result["peak_mb"],
                        note=f"{rows / seconds:.0f} rows/s; {result[expected]} {expected} from "
                        f"a {megabytes:.1f} MB file; {result['baseline_mb']:.0f} MB before "
                        "the import",
                    )
                )
    finally:
        await engine.drop(name)
    return found


async def _child(url: str, path: str) -> dict:
    """Import the file as the importer; figures as JSON on the last line of stdout."""
    from schema.core.mutations import key_of
    from server.ingest.csv_import import import_csv
    from server.ingest.kinds import KINDS
    from server.permissions import Actor

    await open_database(load_settings(env={}, overrides={"database_url": url}))
    try:
        user = await models.User.get(email_key=EMAIL)
        baseline = _status_mb("VmRSS")
        started = time.perf_counter()
        with open(path, "rb") as stream:
            report = await import_csv(
                Actor(user_id=user.pk, role=user.role),
                KINDS["spend"],
                stream,
                lambda type_name, text: key_of(text, type_name),
            )
        seconds = time.perf_counter() - started
    finally:
        await close_database()
    if report.error_count:
        raise RuntimeError(f"refused: {report.errors[:3]}")
    return {
        "seconds": seconds,
        "peak_mb": _status_mb("VmHWM"),
        "baseline_mb": baseline,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="also on PostgreSQL (a URL to create databases from)")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(asyncio.run(_child(*args.child))))
        return
    from bench.stats import HEADER, format_row

    print(HEADER)
    engines = [Engine("SQLite")] + ([Engine("PostgreSQL", args.postgres)] if args.postgres else [])
    for engine in engines:
        for row in asyncio.run(w8(engine, args.rows, lambda m: print(f"# {m}", file=sys.stderr))):
            print(format_row(row), flush=True)


if __name__ == "__main__":
    main()

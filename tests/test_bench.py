"""The benchmark command runs end to end on tiny organisations, so it cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = (
    "W1 tree, nested",
    "W2 calendar quarter, 2 teams",
    "W3 trace, per task",
    "W6 node, two levels of edges",
    "W5 rollups and risks",
)
ROW = re.compile(
    r"^(?P<engine>\S+)\s+(?P<nodes>\d+)\s+(?P<workload>W\d .+?)\s+"
    r"(?P<median>[\d.]+)\s+(?P<p95>[\d.]+)\s+(?P<stmts>\d+|-)\s+(?P<peak>\d+|-)\s+"
)


@pytest.mark.slow
def test_bench_prints_every_workload_with_size_independent_statements(tmp_path: Path) -> None:
    # given two small organisations, one ten times the other
    command = [
        sys.executable, "-m", "bench", "--sizes", "400", "4000", "--repeat", "2",
        "--traces", "5", "--load-seconds", "2", "--clients", "2", "--data-dir", str(tmp_path),
    ]  # fmt: skip

    # when the benchmark runs
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    # then it prints a row per workload and size, with figures and no failure
    assert done.returncode == 0, done.stderr
    rows = [m.groupdict() for m in map(ROW.match, done.stdout.splitlines()) if m]
    found = {(row["nodes"], row["workload"].strip()) for row in rows}
    for size in ("400", "4000"):
        for workload in WORKLOADS:
            assert (size, workload) in found
    statements = {(row["nodes"], row["workload"].strip()): row["stmts"] for row in rows}
    # (both trees are four levels deep; W5's risk page fetches one statement per kind of
    # node its risks mention, which depends on the data, so it is only required present)
    for workload in WORKLOADS[:4]:
        assert statements[("400", workload)] == statements[("4000", workload)] != "-"
    assert statements[("4000", WORKLOADS[4])] != "-"
    builds = [line for line in done.stdout.splitlines() if "model build" in line]
    assert len(builds) == 2 and all("rows held in" in line for line in builds), builds
    peaks = [int(row["peak"]) for row in rows if row["peak"] != "-"]
    assert peaks and all(peak > 10 for peak in peaks)
    load_line = next(line for line in done.stdout.splitlines() if "W4 mixed load" in line)
    assert " 0 errors" in load_line
    assert re.search(r"\b[1-9]\d* req/s", load_line)

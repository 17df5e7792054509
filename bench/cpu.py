"""Where the machine's cores went during a load: the whole machine, the load client
(this process) and the server's processes, in cores busy on average (Linux /proc).

On a machine of two cores the client and the database share them with the server, so
a second worker can only add what they leave idle; the note says how much that was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds spent busy by every core since boot (all but idle and I/O wait)."""
    fields = [int(part) for part in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICKS


def process_seconds(pids: Iterable[int]) -> float:
    """CPU seconds (user and system) the processes have used; a gone process counts 0."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


@dataclass
class CoresUsed:
    machine: float
    client: float
    server: float

    def note(self) -> str:
        return (
            f"cores busy: {self.machine:.2f} of {os.cpu_count()} (client {self.client:.2f}, "
            f"server {self.server:.2f}, database and the rest "
            f"{max(self.machine - self.client - self.server, 0):.2f})"
        )


class CpuWatch:
    """Cores used between `start()` and `stop()` by the machine, this process and
    the processes `server_pids` names."""

    def __init__(self, server_pids: Callable[[], list[int]]) -> None:
        self.server_pids = server_pids

    def start(self) -> None:
        self._wall = time.monotonic()
        self._machine = machine_busy_seconds()
        self._client = time.process_time()
        self._server = process_seconds(self.server_pids())

    def stop(self) -> CoresUsed:
        wall = max(time.monotonic() - self._wall, 1e-9)
        return CoresUsed(
            (machine_busy_seconds() - self._machine) / wall,
            (time.process_time() - self._client) / wall,
            (process_seconds(self.server_pids()) - self._server) / wall,
        )

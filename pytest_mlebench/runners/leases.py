"""Leases on GPUs and CPU cores, shared by every process of every session on the host.

Each device slot is a lock file in the lease directory; a run holds the locks
of its devices while it runs. The operating system drops a lock when its holder
dies, so the lease of a crashed xdist worker (or a killed pytest) comes back by
itself, and two sessions on one machine never hand out the same GPU.

A slot has a second lock, its agent lock, held by the run's dead-man's switch
(runners/deadman.py) for as long as the agent lives. A slot is free only when
both are: when pytest dies, its slot lock drops at once, but the slot is handed
out again only once the switch has stopped the orphaned agent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

#: The agent locks of the slots leased in this context (see agent_locks).
_AGENT_LOCKS: ContextVar[tuple[Path, ...]] = ContextVar("mlebench_agent_locks", default=())


def agent_locks() -> tuple[Path, ...]:
    """The agent locks of the leases held around this call, for the run's dead-man's switch to hold."""
    return _AGENT_LOCKS.get()


def _agent_lock(slot_lock: Path) -> Path:
    return slot_lock.with_suffix(".agent.lock")


def _agent_gone(slot_lock: Path) -> bool:
    """True unless the agent of an earlier holder of the slot still runs (its switch holds the lock)."""
    probe = FileLock(str(_agent_lock(slot_lock)))
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return False
    probe.release()
    return True


class LeaseError(RuntimeError):
    """A lease cannot ever be granted (asks for more devices than exist)."""


def default_lease_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"pytest-mlebench-{os.getuid()}" / "leases"


def detect_gpus() -> list[str]:
    """GPU indices the driver reports, limited to a CUDA_VISIBLE_DEVICES the user set."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [g.strip() for g in visible.split(",") if g.strip() and g.strip() != "-1"]
    if shutil.which("nvidia-smi") is None:
        return []
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=index", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return []
    return [line.strip() for line in out.splitlines() if line.strip()]


@dataclass(frozen=True)
class DevicePool:
    """One kind of device (gpu, cpu): its ids, how many a run takes, runs per device."""

    kind: str
    devices: tuple[str, ...]
    per_run: int
    runs_per_device: int = 1

    def __post_init__(self) -> None:
        if self.per_run > len(self.devices):
            raise LeaseError(f"a run needs {self.per_run} {self.kind}(s) but only "
                             f"{len(self.devices)} are available: {', '.join(self.devices) or 'none'}")


class Leaser:
    """Grants leases from device pools, waiting while every device is busy."""

    def __init__(self, lease_dir: Path, pools: Sequence[DevicePool], poll_s: float = 0.2) -> None:
        self.lease_dir = lease_dir
        self.pools = [p for p in pools if p.per_run > 0]
        self.poll_s = poll_s

    def _lock_path(self, pool: DevicePool, device: str, slot: int) -> Path:
        return self.lease_dir / f"{pool.kind}-{device}-slot{slot}.lock"

    def _try_take(self, pool: DevicePool, stack: ExitStack, held: list[Path]) -> list[str] | None:
        taken: list[str] = []
        for device in pool.devices:
            for slot in range(pool.runs_per_device):
                path = self._lock_path(pool, device, slot)
                lock = FileLock(str(path))
                try:
                    lock.acquire(timeout=0)
                except Timeout:
                    continue
                if not _agent_gone(path):
                    lock.release()
                    continue
                stack.callback(lock.release)
                held.append(_agent_lock(path))
                taken.append(device)
                break
            if len(taken) == pool.per_run:
                return taken
        return None

    @contextmanager
    def lease(self) -> Iterator[dict[str, list[str]]]:
        """Hold devices of every pool for the duration of the block: kind -> ids.

        Inside the block, agent_locks() names the agent locks of the slots taken.
        """
        if not self.pools:
            yield {}
            return
        self.lease_dir.mkdir(parents=True, exist_ok=True)
        while True:
            with ExitStack() as stack:
                granted: dict[str, list[str]] = {}
                held: list[Path] = []
                for pool in self.pools:
                    taken = self._try_take(pool, stack, held)
                    if taken is None:
                        break
                    granted[pool.kind] = taken
                else:
                    token = _AGENT_LOCKS.set(tuple(held))
                    try:
                        yield granted
                    finally:
                        _AGENT_LOCKS.reset(token)
                    return
            # Not all pools could be served: everything taken was released; wait and retry.
            time.sleep(self.poll_s)

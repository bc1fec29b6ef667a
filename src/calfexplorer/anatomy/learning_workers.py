"""The kept tubes' learning spread over worker processes.

Each pose of the learning grid is learnt alone (:meth:`.leg_poser.PackLegPoser.clear_pose`),
so on a machine with two cores or more the pack build's ~30 s of learning takes about half as
long. Threads do not help: the inside tests hold the interpreter (two threads took 44 s
against 38 s). Workers start fresh (``spawn``: forking the window's process, with its
threads, is unsafe) and pose the pack read from its folder; a worker that finds another pack
there (another key: :meth:`.leg_poser.PackLegPoser.learnt_key`) or fails in any way leaves
the poses it did not learn to the caller, which learns them in its own process.

As with any ``spawn`` worker, each imports the caller's main module: a script that builds a
pack, or opens a pack whose moves must be learnt again, guards its work with
``if __name__ == "__main__":`` (the ``calfexplorer`` command and pytest do).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np

#: Workers at most: each holds the leg and its poser (~250 MiB).
MOST_WORKERS = 4

#: Seconds between calls of ``still`` while the workers learn: a Cancel is seen this soon.
STILL_EVERY_S = 0.1

Pose = tuple[int, int]  # knee, ankle (degrees)
Learnt = tuple[np.ndarray, np.ndarray]  # the stations' moves, their rotations

_poser: Any = None  # a worker's own poser


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def learn_in_workers(pack: Path, key: str, poses: Sequence[Pose],
                     tell: Callable[[Pose], None],
                     still: Callable[[], None] | None = None) -> dict[Pose, Learnt]:
    """Learn ``poses`` (the costliest first) in worker processes, where this machine has two
    CPUs or more; returns what they learnt: all of them, or less where a worker failed (the
    caller learns the rest). ``tell`` is told each pose as a worker takes it up; ``still`` is
    called every :data:`STILL_EVERY_S` while they learn (a window keeps painting). Either may
    raise to stop, which stops the workers at once."""
    count = min(MOST_WORKERS, usable_cpus(), len(poses))
    if count < 2:
        return {}
    learnt: dict[Pose, Learnt] = {}
    pressed: list[int] = []
    pool = ProcessPoolExecutor(count, multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=(str(pack), key))
    previous = _hold_ctrl_c(pressed)
    try:
        running: dict[Future[Learnt], Pose] = {}
        waiting = list(poses)
        try:  # (the workers start here)
            for pose in waiting:
                running[pool.submit(_learn, pose)] = pose
        except (OSError, RuntimeError):  # no process can start here, or not now
            return learnt
        for pose in waiting[:count]:  # each worker takes one up, the rest wait
            tell(pose)
        told = count
        while running:
            done, _ = wait(running, STILL_EVERY_S, FIRST_COMPLETED)
            if pressed:
                raise KeyboardInterrupt
            if not done and still is not None:
                still()
            for future in done:
                pose = running.pop(future)
                if future.exception() is not None:  # another pack, memory, a worker killed
                    return learnt
                learnt[pose] = future.result()
                if told < len(waiting):
                    tell(waiting[told])
                    told += 1
        return learnt
    finally:
        _stop(pool)
        for number, handler in previous.items():
            signal.signal(number, handler)
        if pressed and sys.exc_info()[0] is None:  # (pressed as they stopped after all)
            raise KeyboardInterrupt


#: Signals that stop a command as Ctrl+C does (``calfexplorer.cli`` makes a kill and a closed
#: terminal raise KeyboardInterrupt too).
_STOPPING = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


def _hold_ctrl_c(pressed: list[int]) -> dict[int, Any]:
    """While the workers learn, Ctrl+C (or a kill) is noted in ``pressed`` and raised
    between waits (raised inside the wait, among concurrent.futures' locks, a second one came
    out as "RuntimeError: release unlocked lock" and left the workers running); returns the
    handlers to put back: only those that raise KeyboardInterrupt, and none in another thread."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    held = {n: h for n in _STOPPING if (h := signal.getsignal(n)) is signal.default_int_handler}
    for number in held:
        signal.signal(number, lambda n, _frame: pressed.append(n))
    return held


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the workers at once, even mid-pose (seconds each), and wait until they are gone."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()  # (Python 3.14 has ProcessPoolExecutor.terminate_workers)
    pool.shutdown(wait=True, cancel_futures=True)


def _start(pack: str, key: str) -> None:
    """A worker's start: the pack's poser, without learning, checked to be the caller's."""
    global _poser
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the caller, which stops us
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.anatomy.leg_poser import PackLegPoser

    leg, problem = load_leg(BODYPARTS3D, pack=Path(pack))
    if problem is not None:
        raise RuntimeError(problem)
    poser = PackLegPoser(leg, learn=False)
    if poser.learnt_key() != key:
        raise RuntimeError("the pack folder holds another pack than the caller's")
    _poser = poser


def _learn(pose: Pose) -> Learnt:
    return _poser.clear_pose(*pose)

"""The kept tubes' learning spread over worker processes.

Each pose of the learning grid is learnt alone (:meth:`.leg_poser.PackLegPoser.clear_pose`),
so on a machine with two cores or more the pack build's ~30 s of learning takes about half as
long. Threads do not help: the inside tests hold the interpreter (two threads took 44 s
against 38 s). Workers start fresh (``spawn``: forking the window's process, with its
threads, is unsafe) and pose the pack read from its folder; a worker that finds another pack
there (another key: :meth:`.leg_poser.PackLegPoser.learnt_key`) or fails in any way leaves
the poses it did not learn to the caller, which learns them in its own process.

A pack build starts its workers ahead (:func:`warm_workers`), while it patches the sites: one
of them routes the kept tubes meanwhile (:meth:`WarmWorkers.start`), and their imports (~1.5 s
of CPU each) are done when the learning starts.

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

_poser: Any = None  # a worker's own poser, with the (pack, key) it poses


def usable_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class WarmWorkers:
    """Learning workers started ahead of their poses (:func:`warm_workers`)."""

    def __init__(self, pool: ProcessPoolExecutor, count: int) -> None:
        self.pool, self.count = pool, count
        #: Whether :func:`learn_in_workers` took them up (and stopped them there).
        self.taken = False

    def start(self, job: Callable[..., Any], *args: Any) -> Future[Any] | None:
        """``job(*args)`` given to one of the workers (each does its imports first), to wait
        for with :func:`result_of`; None where they cannot take it."""
        try:
            return self.pool.submit(job, *args)
        except (OSError, RuntimeError):  # (a worker that died breaks the pool)
            return None

    def stop(self) -> None:
        """Stop the workers at once, unless :func:`learn_in_workers` took them up (it stops
        them itself), and wait until they are gone."""
        if not self.taken:
            self.taken = True
            _stop(self.pool)


def warm_workers(started: list[Any]) -> WarmWorkers | None:
    """Start the learning workers now, each importing what it learns with, for a later
    :func:`learn_in_workers` (``warm``), and add them to ``started`` before anything can stop
    the caller (who stops them: :meth:`WarmWorkers.stop`); None where this machine has one
    CPU or no process can start. A Ctrl+C meanwhile stops them, then is raised."""
    count = min(MOST_WORKERS, usable_cpus())
    if count < 2:
        return None
    pressed: list[int] = []
    previous = _hold_ctrl_c(pressed)
    warm: WarmWorkers | None = None
    try:
        warm = WarmWorkers(_new_pool(count), count)
        started.append(warm)
        for _ in range(count):  # (on-demand workers: one task each starts them all)
            warm.pool.submit(_ready)
    except (OSError, RuntimeError):  # no process can start here, or not now
        if warm is not None:
            warm.stop()
        warm = None
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if pressed:
        if warm is not None:
            warm.stop()
        raise KeyboardInterrupt
    return warm


def result_of(future: Future[Any], still: Callable[[], None] | None = None
              ) -> tuple[bool, Any]:
    """Wait for a worker's ``future`` (:meth:`WarmWorkers.start`): (True, what it returned),
    or (False, why it failed, as "Error: ...") where it raised or the worker died. ``still``
    is called every :data:`STILL_EVERY_S` meanwhile and may raise to stop, as may a Ctrl+C
    (the caller then stops the workers)."""
    pressed: list[int] = []
    previous = _hold_ctrl_c(pressed)
    try:
        while not future.done():
            wait([future], STILL_EVERY_S)
            if pressed:
                raise KeyboardInterrupt
            if still is not None and not future.done():
                still()
        error = future.exception()
        if error is not None:
            return False, f"{type(error).__name__}: {error}"
        return True, future.result()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _new_pool(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(count, multiprocessing.get_context("spawn"), initializer=_warm)


def learn_in_workers(pack: Path, key: str, poses: Sequence[Pose],
                     tell: Callable[[Pose], None],
                     still: Callable[[], None] | None = None,
                     warm: WarmWorkers | None = None,
                     meanwhile: Callable[[], None] | None = None) -> dict[Pose, Learnt]:
    """Learn ``poses`` (the costliest first) in worker processes, where this machine has two
    CPUs or more (``warm``: those started ahead, then stopped here too); returns what they
    learnt: all of them, or less where a worker failed (the caller learns the rest). ``tell``
    is told each pose as a worker takes it up; ``still`` is called every
    :data:`STILL_EVERY_S` while they learn (a window keeps painting); ``meanwhile`` once
    they have the poses, before the first call of ``still`` (work of the caller's that then
    runs beside theirs: a Ctrl+C meanwhile is raised when it returns). Any may raise to stop,
    which stops the workers at once."""
    count = min(warm.count if warm is not None else min(MOST_WORKERS, usable_cpus()),
                len(poses))
    if count < 2:
        if warm is not None:
            warm.stop()
        return {}
    learnt: dict[Pose, Learnt] = {}
    pressed: list[int] = []
    if warm is not None:
        warm.taken = True  # (stopped below)
    pool = warm.pool if warm is not None else _new_pool(count)
    previous = _hold_ctrl_c(pressed)
    try:
        running: dict[Future[Learnt], Pose] = {}
        waiting = list(poses)
        try:  # (the workers start here, unless started ahead)
            for pose in waiting:
                running[pool.submit(_learn, str(pack), key, pose)] = pose
        except (OSError, RuntimeError):  # no process can start here, or not now
            return learnt
        for pose in waiting[:count]:  # each worker takes one up, the rest wait
            tell(pose)
        told = count
        if meanwhile is not None:
            meanwhile()
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


def _warm() -> None:
    """A worker's start: Ctrl+C left to the caller, what it learns with imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the caller, which stops us
    import calfexplorer.anatomy.leg_model
    import calfexplorer.anatomy.leg_poser  # noqa: F401


def _ready() -> None:
    """Nothing: a task that starts a worker ahead (:func:`warm_workers`)."""


def _learn(pack: str, key: str, pose: Pose) -> Learnt:
    """``pose`` learnt with the pack's poser, made at a worker's first pose (without learning)
    and checked to be the caller's."""
    global _poser
    if _poser is None or _poser[0] != (pack, key):
        from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
        from calfexplorer.anatomy.leg_poser import PackLegPoser

        leg, problem = load_leg(BODYPARTS3D, pack=Path(pack))
        if problem is not None:
            raise RuntimeError(problem)
        poser = PackLegPoser(leg, learn=False)
        if poser.learnt_key() != key:
            raise RuntimeError("the pack folder holds another pack than the caller's")
        _poser = ((pack, key), poser)
    return _poser[1].clear_pose(*pose)

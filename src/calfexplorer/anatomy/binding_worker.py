"""The soft tissue's binding made in a worker process while the pack build goes on.

The binding (~10 s on one core) reads only the pack's meshes and their registration, not its
attachment sites or the kept tubes' routes; so where the machine has two cores or more a worker
binds a draft of the pack (its meshes written alone) while the build patches the sites and
routes the tubes (~15 s) on the other. The build saves what the worker bound under the finished
pack's key, or binds itself where the worker failed, and
says so with the worker's error. As the learning workers
(:mod:`.learning_workers`), the worker starts fresh (``spawn``) and ignores Ctrl+C: the build
stops it.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from calfexplorer.anatomy.learning_workers import STILL_EVERY_S, _hold_ctrl_c, _stop, usable_cpus


class BindingJob:
    """A draft pack folder being bound in a worker process (:func:`start_binding`)."""

    def __init__(self, pool: ProcessPoolExecutor, future: Future[Any]) -> None:
        self._pool, self._future = pool, future
        #: Why the worker failed ("FileNotFoundError: ..."), once :meth:`result` found it did.
        self.failure: str | None = None

    def result(self, still: Callable[[], None] | None = None) -> Any:
        """The worker's binding (a :class:`.posing.PackBinding`), or None where it failed (the
        caller binds itself; :attr:`failure` says why); ``still`` is called every
        :data:`.learning_workers.STILL_EVERY_S` meanwhile and may raise to stop. The worker is
        gone when this returns."""
        pressed: list[int] = []
        previous = _hold_ctrl_c(pressed)
        try:
            while not self._future.done():
                wait([self._future], STILL_EVERY_S)
                if pressed:
                    raise KeyboardInterrupt
                if still is not None and not self._future.done():
                    still()
            error = self._future.exception()
            if error is not None:
                self.failure = f"{type(error).__name__}: {error}"
                return None
            return self._future.result()
        finally:
            self.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)
            if pressed:
                raise KeyboardInterrupt

    def stop(self) -> None:
        """Stop the worker at once, and wait until it is gone."""
        _stop(self._pool)


def start_binding(draft: Path, started: list[BindingJob]) -> BindingJob | None:
    """Bind the soft tissue of the pack folder ``draft`` in a worker process, where this
    machine has two CPUs or more and a process can start (else None).

    The job is added to ``started`` before anything can stop the caller, so the caller can
    stop it whatever happens. A Ctrl+C while the worker starts stops it at once and is then
    raised (raised amid the start, it left the worker binding for ~10 s)."""
    if usable_cpus() < 2:
        return None
    pressed: list[int] = []
    previous = _hold_ctrl_c(pressed)
    pool: ProcessPoolExecutor | None = None
    job: BindingJob | None
    try:
        pool = ProcessPoolExecutor(1, multiprocessing.get_context("spawn"),
                                   initializer=signal.signal,
                                   initargs=(signal.SIGINT, signal.SIG_IGN))
        job = BindingJob(pool, pool.submit(_bind, str(draft)))
        started.append(job)
    except (OSError, RuntimeError):  # no process can start here, or not now
        if pool is not None:
            _stop(pool)
        job = None
    except BaseException:
        if pool is not None:
            _stop(pool)
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if pressed:  # (also where the worker could not start: the Ctrl+C still stops the build)
        if job is not None:
            job.stop()
        raise KeyboardInterrupt
    return job


def _bind(draft: str) -> Any:
    from calfexplorer.anatomy.soft_tissue import bind_folder

    return bind_folder(Path(draft))

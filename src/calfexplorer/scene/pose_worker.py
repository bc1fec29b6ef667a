"""Poses made in a worker thread while the scene's own thread draws the last one.

A held slider asks for poses faster than one is made and drawn. Made in the scene's thread,
each pose waited for the frame before it and the frame for the pose: a step cost both. Here a
worker thread makes one pose while the scene's thread draws the one before (VTK and numpy let
go of the GIL while they work), and of the poses asked for meanwhile only the newest waits for
the worker (latest wins: an angle the slider has left is never posed). Each result is handed
back to the scene's thread through ``call_soon``, in the order asked; one asked for after it
was handed back never lands behind a newer one (see :meth:`PoseWorker.landed`).

The poses of a drag are made one after another in one thread, which waits for the next and
ends once none has come for :data:`IDLE_SECONDS`: a thread started for each pose cost the
scene's thread its start (~1-2 ms of CPU a step, and a wait for the new thread to run).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

#: The worker thread ends once no pose has been asked of it for this long (seconds); the next
#: one starts it again.
IDLE_SECONDS = 2.0


@dataclass
class _Job:
    number: int
    args: Any
    done: Future[Any] = field(default_factory=Future)
    landed: bool = False


class PoseWorker:
    """Runs ``make(args)`` in a worker thread, one at a time, and hands each result to
    ``land(number, args, result)`` in the owner's thread.

    ``call_soon(fn)`` must run ``fn`` in the owner's thread soon and may be called from any
    thread (the Qt viewport posts it as a queued signal). ``make`` runs under :attr:`lock`;
    the owner takes it too for any call of its own to what ``make`` uses.
    """

    def __init__(self, make: Callable[[Any], Any], land: Callable[[int, Any, Any], None],
                 call_soon: Callable[[Callable[[], None]], None]) -> None:
        self._make = make
        self._land = land
        self._call_soon = call_soon
        self.lock = threading.Lock()
        self._running: _Job | None = None
        self._waiting: _Job | None = None
        self.closed = False
        # the hand-over to the thread: the job it is to make next, and the thread (None while
        # there is none), both under _wake
        self._wake = threading.Condition()
        self._next: _Job | None = None
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """Whether a job is being made or waits to be."""
        return self._running is not None or self._waiting is not None

    def ask(self, number: int, args: Any) -> None:
        """Make ``args`` (asked for as ``number``, rising) once the worker is free; a job
        still waiting is dropped for it."""
        self._waiting = _Job(number, args)
        if self._running is None:
            self._start()

    def _start(self) -> None:
        job, self._waiting = self._waiting, None
        if job is None or self.closed:
            return
        self._running = job
        with self._wake:
            self._next = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="posing", daemon=True)
                self._thread.start()
            else:
                self._wake.notify()

    def _serve(self) -> None:
        """The worker thread: make each job handed over, until none comes for a while."""
        while True:
            with self._wake:
                while self._next is None and not self.closed:
                    if not self._wake.wait(IDLE_SECONDS) and self._next is None:
                        break
                job, self._next = self._next, None
                if job is None:  # (a job handed over before a close is still made, unseen)
                    self._thread = None
                    return
            try:
                with self.lock:
                    job.done.set_result(self._make(job.args))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the owner's thread
                job.done.set_exception(exc)
            self._call_soon(functools.partial(self.landed, job))

    def landed(self, job: _Job) -> None:
        """Hand a made job's result to ``land`` (once), then start the one waiting."""
        if job.landed or self.closed:
            return
        job.landed = True
        if self._running is job:
            self._running = None
        try:
            result = job.done.result()  # (raises what the job raised)
            self._land(job.number, job.args, result)
        finally:
            if self._running is None:
                self._start()

    def finish(self) -> None:
        """Land the job being made now (waiting for it) and make the one waiting here, in the
        owner's thread: nothing is left behind."""
        job = self._running
        if job is not None:
            job.done.exception()  # (waits)
            self._waiting, waiting = None, self._waiting
            self.landed(job)
            self._waiting = waiting
        job, self._waiting = self._waiting, None
        if job is not None:
            with self.lock:
                result = self._make(job.args)
            job.landed = True
            self._land(job.number, job.args, result)

    def drop(self) -> None:
        """Forget the job waiting and wait for the one being made, whose result is then
        dropped: the owner makes the newest itself."""
        self._waiting = None
        job, self._running = self._running, None
        if job is not None:
            job.landed = True
            job.done.exception()  # (waits; what it raised goes with it)

    def close(self) -> None:
        """Land nothing more (a job being made finishes unseen); the thread ends."""
        self.closed = True
        self._waiting = None
        with self._wake:
            self._wake.notify()

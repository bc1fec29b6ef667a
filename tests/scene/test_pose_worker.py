"""PoseWorker: one pose at a time in a worker thread, only the newest waiting, results handed
back in the owner's thread in the order asked."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from calfexplorer.scene.pose_worker import PoseWorker


class _Owner:
    """The owner's thread, played by the test: what the worker hands back waits in a queue
    until :meth:`run_one` runs it."""

    def __init__(self) -> None:
        self.calls: queue.Queue[Callable[[], None]] = queue.Queue()
        self.landed: list[tuple[int, str]] = []
        self.gates: dict[str, threading.Event] = {}
        self.made: list[str] = []

    def make(self, args: str) -> str:
        self.made.append(args)
        assert self.gates.setdefault(args, threading.Event()).wait(30)
        return args.upper()

    def land(self, number: int, args: str, result: str) -> None:
        self.landed.append((number, result))

    def let(self, args: str) -> None:
        self.gates.setdefault(args, threading.Event()).set()

    def run_one(self) -> None:
        self.calls.get(timeout=30)()


def test_the_moves_asked_for_while_one_is_made_make_only_the_newest():
    owner = _Owner()
    worker = PoseWorker(owner.make, owner.land, owner.calls.put)
    worker.ask(1, "a")
    worker.ask(2, "b")  # while "a" is made: waits
    worker.ask(3, "c")  # the newest: "b" is never made
    assert worker.busy
    owner.let("a")
    owner.run_one()  # "a" lands, "c" starts
    owner.let("c")
    owner.run_one()
    assert owner.landed == [(1, "A"), (3, "C")]
    assert owner.made == ["a", "c"]
    assert not worker.busy


def test_finishing_lands_everything_asked_for_in_order_and_nothing_twice():
    owner = _Owner()
    worker = PoseWorker(owner.make, owner.land, owner.calls.put)
    worker.ask(1, "a")
    worker.ask(2, "b")
    owner.let("a")
    owner.let("b")
    worker.finish()  # in the owner's thread: waits for "a", then makes "b" here
    assert owner.landed == [(1, "A"), (2, "B")]
    assert not worker.busy
    owner.run_one()  # "a"'s own hand-back comes later: nothing lands again
    assert owner.landed == [(1, "A"), (2, "B")]


def test_a_dropped_pose_never_lands():
    owner = _Owner()
    worker = PoseWorker(owner.make, owner.land, owner.calls.put)
    worker.ask(1, "a")
    worker.ask(2, "b")
    owner.let("a")
    worker.drop()  # the owner makes the newest itself: "a" finishes unseen, "b" is forgotten
    assert not worker.busy
    owner.run_one()
    assert owner.landed == []
    assert owner.made == ["a"]


def _worker_telling_its_threads() -> tuple[_Owner, list[threading.Thread], PoseWorker]:
    """An owner, the threads its poses were made in (one entry a pose), and its worker."""
    owner = _Owner()
    threads: list[threading.Thread] = []

    def make(args: str) -> str:
        threads.append(threading.current_thread())
        return owner.make(args)

    return owner, threads, PoseWorker(make, owner.land, owner.calls.put)


def test_a_drags_poses_are_made_in_one_thread_which_ends_when_closed():
    owner, threads, worker = _worker_telling_its_threads()
    for number, args in enumerate("abc", start=1):
        owner.let(args)
        worker.ask(number, args)
        owner.run_one()
    assert owner.landed == [(1, "A"), (2, "B"), (3, "C")]
    # one thread for the three poses, not one started for each (the scene's thread paid for
    # every start)
    assert len(threads) == 3
    assert threads[0] is not threading.current_thread()
    assert threads[1] is threads[0] and threads[2] is threads[0]
    worker.close()
    threads[0].join(timeout=30)
    assert not threads[0].is_alive()


def test_the_worker_thread_ends_when_idle_and_starts_again_for_the_next_pose(monkeypatch):
    monkeypatch.setattr("calfexplorer.scene.pose_worker.IDLE_SECONDS", 0.05)
    owner, threads, worker = _worker_telling_its_threads()
    owner.let("a")
    worker.ask(1, "a")
    owner.run_one()
    threads[0].join(timeout=30)  # no pose comes: it ends (it keeps no scene alive)
    assert not threads[0].is_alive()
    owner.let("b")
    worker.ask(2, "b")
    owner.run_one()
    assert owner.landed == [(1, "A"), (2, "B")]
    assert threads[1] is not threads[0]
    worker.close()

"""The kept tubes' learning in worker processes (:mod:`calfexplorer.anatomy.learning_workers`):
the moves learnt there are those learnt in the caller's process, bit for bit; a worker that
finds another pack, or dies, leaves the poses to the caller; stopping stops the workers at
once; a build stopped while it learns leaves the previous pack as it was."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy import learning_workers
from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.leg_poser import PackLegPoser

#: The two cheapest poses to learn (knee, ankle; ~1 s each).
CHEAP = [(45, 0), (45, -40)]


@pytest.fixture(scope="module")
def poser(built_pack: Path) -> PackLegPoser:
    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    return PackLegPoser(leg)


@pytest.fixture()
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers start even on a one-CPU machine."""
    monkeypatch.setattr(learning_workers, "usable_cpus", lambda: 2)


def test_workers_learn_what_the_caller_would(built_pack: Path, poser: PackLegPoser,
                                             two_cpus: None) -> None:
    told: list[tuple[int, int]] = []
    learnt = learning_workers.learn_in_workers(built_pack, poser.learnt_key(), CHEAP,
                                               told.append)
    assert set(learnt) == set(CHEAP) and sorted(told) == sorted(CHEAP)
    for pose in CHEAP:
        offsets, rotations = poser.clear_pose(*pose)
        assert np.abs(offsets).max() > 0.0  # the bent knee's tubes do move
        assert np.array_equal(learnt[pose][0], offsets)
        assert np.array_equal(learnt[pose][1], rotations)
    assert multiprocessing.active_children() == []


def test_workers_started_ahead_learn_what_the_caller_would(
    built_pack: Path, poser: PackLegPoser, two_cpus: None
) -> None:
    """The pack build starts its learning workers while it routes the tubes; they learn what
    workers started for the poses would, and are gone afterwards, as are workers started
    ahead and never used."""
    unused = learning_workers.warm_workers([])
    assert unused is not None and len(multiprocessing.active_children()) == 2
    unused.stop()
    assert multiprocessing.active_children() == []
    started: list[Any] = []
    warm = learning_workers.warm_workers(started)
    assert started == [warm]
    learnt = learning_workers.learn_in_workers(built_pack, poser.learnt_key(), CHEAP,
                                               lambda _pose: None, warm=warm)
    assert set(learnt) == set(CHEAP)
    for pose in CHEAP:
        offsets, rotations = poser.clear_pose(*pose)
        assert np.array_equal(learnt[pose][0], offsets)
        assert np.array_equal(learnt[pose][1], rotations)
    assert multiprocessing.active_children() == []
    warm.stop()  # (as the build stops it again: nothing left to stop)


def test_the_callers_work_meanwhile_runs_while_the_workers_learn(
    built_pack: Path, poser: PackLegPoser, two_cpus: None
) -> None:
    """The pack build fits its skin while the workers learn: ``meanwhile`` runs once, after
    both workers have their poses and before any is learnt, and changes nothing learnt."""
    seen: list[tuple[int, int]] = []

    def meanwhile() -> None:
        seen.append((len(multiprocessing.active_children()), len(told)))

    told: list[tuple[int, int]] = []
    learnt = learning_workers.learn_in_workers(built_pack, poser.learnt_key(), CHEAP,
                                               told.append, meanwhile=meanwhile)
    assert seen == [(2, 2)] and set(learnt) == set(CHEAP)
    offsets, rotations = poser.clear_pose(*CHEAP[0])
    assert np.array_equal(learnt[CHEAP[0]][0], offsets)
    assert np.array_equal(learnt[CHEAP[0]][1], rotations)
    assert multiprocessing.active_children() == []


def test_a_job_given_to_workers_started_ahead(two_cpus: None) -> None:
    """The pack build routes the tubes in one of the learning workers before they learn: what
    the job returns comes back, and a job that fails says why (the build then routes itself)."""
    warm = learning_workers.warm_workers([])
    assert warm is not None
    try:
        routed = warm.start(int, "7")
        failed = warm.start(int, "seven")
        assert routed is not None and failed is not None
        assert learning_workers.result_of(routed) == (True, 7)
        ok, why = learning_workers.result_of(failed)
        assert not ok and why.startswith("ValueError: invalid literal")
    finally:
        warm.stop()
    assert multiprocessing.active_children() == []


def test_workers_that_find_another_pack_leave_the_poses_to_the_caller(
    built_pack: Path, two_cpus: None
) -> None:
    learnt = learning_workers.learn_in_workers(built_pack, "another pack's key", CHEAP,
                                               lambda _pose: None)
    assert learnt == {}
    assert multiprocessing.active_children() == []


def test_a_worker_killed_leaves_its_poses_to_the_caller(
    built_pack: Path, poser: PackLegPoser, two_cpus: None
) -> None:
    """A worker that dies (the system short of memory kills it) ends the workers' learning
    with what they learnt so far, without an error: the caller learns the rest."""
    import os
    import signal

    def kill_one(_pose: object) -> None:
        if len(told) == 1:  # both workers have started: the second pose is being told
            os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)
        told.append(_pose)

    told: list[object] = []
    costly = [(120, 30), (120, 0), (90, 0)]
    learnt = learning_workers.learn_in_workers(built_pack, poser.learnt_key(), costly,
                                               kill_one)
    assert len(learnt) < len(costly)
    assert multiprocessing.active_children() == []


def test_no_worker_that_can_start_leaves_the_poses_to_the_caller(
    built_pack: Path, two_cpus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no Python can be started for a worker (an embedded or frozen program)."""
    from multiprocessing import spawn

    monkeypatch.setattr(spawn, "_python_exe", spawn.get_executable())  # put back afterwards
    spawn.set_executable("/nonexistent/python")
    # (the failure shows as the first worker starts, or as the pool finds it gone)
    assert learning_workers.learn_in_workers(built_pack, "key", CHEAP, lambda _p: None) == {}
    assert multiprocessing.active_children() == []


def test_one_cpu_starts_no_worker(built_pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learning_workers, "usable_cpus", lambda: 1)
    told: list[Any] = []
    assert learning_workers.learn_in_workers(built_pack, "key", CHEAP, told.append) == {}
    assert told == [] and multiprocessing.active_children() == []


def test_stopping_stops_the_workers_at_once(built_pack: Path, poser: PackLegPoser,
                                            two_cpus: None) -> None:
    """Stopped (Ctrl+C, Cancel) as the workers take up their first poses, the call ends
    without waiting for them: the poses of the bent knee at 120 degrees take ~5-9 s each."""
    def stop(_pose: object) -> None:
        raise KeyboardInterrupt

    costly = [(120, 30), (120, 0), (120, -40)]
    with pytest.raises(KeyboardInterrupt):
        learning_workers.learn_in_workers(built_pack, poser.learnt_key(), costly, stop)
    assert multiprocessing.active_children() == []


def test_stopping_while_the_workers_learn_ends_before_a_pose_is_learnt(
    built_pack: Path, poser: PackLegPoser, two_cpus: None
) -> None:
    """``still`` is called while the workers start and learn, not only as a pose starts: a
    Cancel is seen within a few tenths of a second, before any pose (~5-9 s at knee 120) is
    learnt."""
    told: list[object] = []
    stills = 0

    def still() -> None:
        nonlocal stills
        stills += 1
        if stills == 3:
            raise KeyboardInterrupt

    costly = [(120, 30), (120, 0), (120, -40)]
    with pytest.raises(KeyboardInterrupt):
        learning_workers.learn_in_workers(built_pack, poser.learnt_key(), costly, told.append,
                                          still)
    assert told == costly[:2]  # the two workers' first poses; none was learnt
    assert multiprocessing.active_children() == []


def test_a_build_stopped_while_learning_leaves_the_previous_pack(
    source_dir: Path, tmp_path: Path
) -> None:
    """The window's caches are made in the new pack's folder before it replaces the old one:
    stopped there, the old pack is as it was, and nothing of the new one is left."""
    from calfexplorer.anatomy.pack import build_from

    pack = tmp_path / "bodyparts3d"
    pack.mkdir()
    (pack / "manifest.json").write_text("the previous pack\n")

    def say(line: str) -> None:
        if "knee bent" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_from(source_dir, pack, say=say)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bodyparts3d"]
    assert [p.name for p in pack.iterdir()] == ["manifest.json"]
    assert (pack / "manifest.json").read_text() == "the previous pack\n"
    assert multiprocessing.active_children() == []


def test_ctrl_c_again_while_the_workers_stop_still_stops_them(
    source_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C pressed again while a first one stopped the build's learning workers broke off
    their stopping: the workers were left running, and the command said "error: RuntimeError:
    release unlocked lock" (status 1) instead of a cancel."""
    import os
    import signal

    from calfexplorer.anatomy.pack import build_from

    stop = learning_workers._stop

    def pressed_again(pool: Any) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the impatient second press
        stop(pool)

    monkeypatch.setattr(learning_workers, "_stop", pressed_again)

    def say(line: str) -> None:
        if "knee bent" in line:
            raise KeyboardInterrupt  # the first press, while the workers learn

    # Ctrl+C as a terminal's Python has it (a run started in the background ignores it)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            build_from(source_dir, tmp_path / "bodyparts3d", say=say)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # (put back)
    finally:
        signal.signal(signal.SIGINT, before)
    assert multiprocessing.active_children() == []

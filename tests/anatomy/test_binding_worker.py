"""The soft tissue's binding made in a worker process while the pack build goes on
(:mod:`calfexplorer.anatomy.binding_worker`): the same binding as the window's own, saved so
the window does not bind again; a worker that fails leaves the binding to the build; a build
stopped meanwhile stops the worker and leaves nothing behind."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy import binding_worker


@pytest.fixture()
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker starts even on a one-CPU machine."""
    monkeypatch.setattr(binding_worker, "usable_cpus", lambda: 2)


def test_the_binding_made_aside_is_the_windows_own(built_pack: Path, tmp_path: Path,
                                                   two_cpus: None) -> None:
    """Saved in a pack without one, the worker's binding is read by the window as it is (it
    does not bind again), array for array the binding the window makes itself."""
    from calfexplorer.anatomy.binding_cache import CACHE_NAME
    from calfexplorer.anatomy.soft_tissue import BINDING_STEP, load_poser, save_bound

    job = binding_worker.start_binding(built_pack, [])
    assert job is not None
    bound = job.result()
    assert bound is not None and multiprocessing.active_children() == []
    pack = tmp_path / "pack"
    shutil.copytree(built_pack, pack)
    (pack / CACHE_NAME).unlink()
    save_bound(pack, bound)
    told: list[str] = []
    load_poser(pack, say=told.append)
    assert BINDING_STEP not in told
    with np.load(pack / CACHE_NAME) as mine, np.load(built_pack / CACHE_NAME) as theirs:
        assert sorted(mine.files) == sorted(theirs.files)
        for name in mine.files:
            assert np.array_equal(mine[name], theirs[name]), name


def test_a_failed_worker_leaves_the_binding_to_the_build_which_says_so(
        tmp_path: Path, two_cpus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build bound the tissue itself where the worker failed, and said nothing of it (a
    build ~10 s slower, and no trace of why)."""
    from calfexplorer.anatomy import pack, soft_tissue

    started: list[binding_worker.BindingJob] = []
    job = binding_worker.start_binding(tmp_path, started)  # no pack there
    assert job is not None and started == [job]
    bound_here: list[Path] = []
    monkeypatch.setattr(soft_tissue, "cache_binding", bound_here.append)
    told: list[str] = []
    pack._cache_binding(tmp_path, job, None, told.append)
    assert multiprocessing.active_children() == []
    assert bound_here == [tmp_path]
    assert len(told) == 1 and told[0].startswith("binding in the background failed (")
    assert "Error" in told[0] and told[0].endswith("binding here instead (about 10 s)")


@pytest.fixture
def plain_ctrl_c() -> Iterator[None]:
    """Ctrl+C raising KeyboardInterrupt, as in a command (a window test before may leave the
    app's own handler installed)."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def test_ctrl_c_while_the_worker_starts_stops_it_at_once(
        tmp_path: Path, two_cpus: None, plain_ctrl_c: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl+C in the instant the worker's process started (raised amid the start, before
    the build held the job) left the worker binding on its own until it was done (~10 s)."""
    import signal
    from concurrent.futures import ProcessPoolExecutor

    class CtrlCAtStart(ProcessPoolExecutor):
        def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            future = super().submit(*args, **kwargs)  # (the worker's process starts here)
            signal.raise_signal(signal.SIGINT)
            return future

    monkeypatch.setattr(binding_worker, "ProcessPoolExecutor", CtrlCAtStart)
    started: list[binding_worker.BindingJob] = []
    with pytest.raises(KeyboardInterrupt):
        binding_worker.start_binding(tmp_path, started)
    assert multiprocessing.active_children() == []  # gone when the Ctrl+C comes out


def test_ctrl_c_while_a_worker_fails_to_start_still_stops_the_build(
        tmp_path: Path, two_cpus: None, plain_ctrl_c: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl+C held while the worker's start then failed was swallowed: the build went on."""
    import signal

    def no_process(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        signal.raise_signal(signal.SIGINT)
        raise OSError("no process can start")

    monkeypatch.setattr(binding_worker, "ProcessPoolExecutor", no_process)
    with pytest.raises(KeyboardInterrupt):
        binding_worker.start_binding(tmp_path, [])


def test_a_build_stopped_while_the_worker_binds_leaves_nothing(
        source_dir: Path, tmp_path: Path, two_cpus: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped while the worker binds (the build routes the tubes), the worker is gone, its
    draft of the pack too, and the previous pack is as it was."""
    from calfexplorer.anatomy.pack import build_from

    pack = tmp_path / "bodyparts3d"
    pack.mkdir()
    (pack / "manifest.json").write_text("the previous pack\n")

    started: list[object] = []
    start = binding_worker.start_binding

    def counted(*args: object, **kwargs: object) -> object:
        started.append(job := start(*args, **kwargs))  # type: ignore[arg-type]
        return job

    monkeypatch.setattr(binding_worker, "start_binding", counted)

    def say(line: str) -> None:
        if line.startswith("routing"):
            assert [j for j in started if j is not None]  # (a worker was binding)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_from(source_dir, pack, say=say)
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bodyparts3d"]
    assert [p.name for p in pack.iterdir()] == ["manifest.json"]

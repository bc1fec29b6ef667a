"""A cache or config folder that cannot be made (a file in the way, a read-only profile): the
app does without it, and says so once."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfexplorer import paths
from calfexplorer.cli import main


@pytest.fixture
def blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    monkeypatch.setenv("CALFEXPLORER_CACHE_DIR", str(blocker))
    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(blocker / "sub"))
    yield blocker
    paths.forget_unusable_folders()


def test_a_folder_in_the_way_is_stood_in_for_and_named(blocked: Path) -> None:
    cache, config = paths.user_cache_dir(), paths.user_config_dir()
    assert cache.is_dir() and config.is_dir() and blocked.read_text() == "mine"
    assert paths.unusable_folders() == [
        f"the cache folder {blocked} cannot be used (it is a file): the motion lab's compiled "
        "model is made again each run",
        f"the config folder {blocked / 'sub'} cannot be used ({blocked} is a file): the "
        "window's layout and preferences are not kept",
    ]


def test_lengths_works_without_its_cache_and_warns_once(blocked: Path, capsys) -> None:
    """It failed: "calfexplorer lengths: error: File exists: .../afile"."""
    assert main(["lengths", "--muscles", "soleus"]) == 0
    captured = capsys.readouterr()
    assert "Soleus" in captured.out
    assert captured.err.splitlines() == [
        f"calfexplorer lengths: warning: the cache folder {blocked} cannot be used (it is a "
        "file): the motion lab's compiled model is made again each run"]


def test_a_command_with_its_output_closed_says_so_in_one_line() -> None:
    """`calfexplorer facts >&-` failed with "AttributeError: 'NoneType' object has no
    attribute 'write'"; lesion and check-geometry said nothing and exited 0."""
    import subprocess
    import sys

    code = "import sys; from calfexplorer.cli import main; sys.exit(main())"
    run = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -c "{code}" facts >&-'],
                         stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "calfexplorer facts: error: the output is closed; send it to a file or a pipe"]


@pytest.mark.parametrize("command", [["check-geometry", "--failures"],
                                     ["lengths", "--muscles", "soleus"]])
def test_a_data_folder_that_cannot_be_read_is_named_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, command: list[str]
) -> None:
    """check-geometry listed 200 meshes "for no atlas structure"; lengths said soleus had no
    model path: neither named the data folder, a file."""
    blocker = tmp_path / "data"
    blocker.write_text("x")
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(blocker))
    assert main(command) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"calfexplorer {command[0]}: error: CALFEXPLORER_DATA_DIR: {blocker} is a file, not a "
        "data folder"]


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_kill_stops_a_command_as_ctrl_c_does(name: str) -> None:
    """Killed (SIGTERM) or its terminal closed (SIGHUP), get-anatomy left its worker processes
    running for minutes: a command now stops as on Ctrl+C, whose clean-up ends them."""
    import os
    import signal

    from calfexplorer.cli import _stop_like_ctrl_c

    number = getattr(signal, name)
    before = signal.getsignal(number)
    try:
        _stop_like_ctrl_c()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), number)
            for _ in range(1000):  # (Python runs the handler between two steps of this thread)
                pass
    finally:
        signal.signal(number, before)

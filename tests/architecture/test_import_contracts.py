"""The import contracts in pyproject.toml enforce something: a module that imports upward, or a
logic module that reaches Qt through another module, breaks ``lint-imports``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import calfexplorer

PACKAGE = Path(calfexplorer.__file__).parent
ROOT = PACKAGE.parent.parent
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def lint() -> subprocess.CompletedProcess[str]:
    assert LINT is not None
    return subprocess.run(
        [LINT, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def probe():
    """Write a throwaway module into the package for one lint run, then remove it."""
    written: list[Path] = []

    def write(relative: str, source: str) -> None:
        path = PACKAGE / relative
        path.write_text(source, encoding="utf-8")
        written.append(path)

    yield write
    for path in written:
        path.unlink(missing_ok=True)


@pytest.mark.skipif(LINT is None, reason="lint-imports is not installed (the test extras are)")
def test_the_contracts_hold_and_an_upward_import_breaks_them(probe) -> None:
    assert lint().returncode == 0
    probe("motion/_upward_probe.py", "import calfexplorer.ui.viewport  # noqa: F401\n")
    result = lint()
    assert result.returncode != 0
    assert "calfexplorer.motion is not allowed to import calfexplorer.ui" in result.stdout
    assert "Logic layers import neither Qt nor VTK BROKEN" in result.stdout  # indirectly


@pytest.mark.skipif(LINT is None, reason="lint-imports is not installed (the test extras are)")
def test_the_window_and_the_commands_stay_apart(probe) -> None:
    probe("commands/_sideways_probe.py", "import calfexplorer.ui.explore.info_html  # noqa: F401\n")
    result = lint()
    assert result.returncode != 0
    assert "calfexplorer.commands is not allowed to import calfexplorer.ui" in result.stdout


@pytest.mark.skipif(LINT is None, reason="lint-imports is not installed (the test extras are)")
def test_a_part_of_the_window_does_not_import_the_window(probe) -> None:
    probe(
        "ui/study/_window_probe.py",
        "def f():\n    from calfexplorer.ui.main_window import MainWindow  # noqa: F401\n",
    )
    result = lint()
    assert result.returncode != 0
    assert "calfexplorer.ui.study is not allowed to import calfexplorer.ui.main_window" in (
        result.stdout
    )

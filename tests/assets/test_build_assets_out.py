"""Where `calfexplorer build-assets --out` may write: an empty folder or one it wrote before."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfexplorer.cli import main


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda d: "", "no folder given"),
        (lambda d: (d / "f").write_text("x") and str(d / "f"), "is a file, not a folder"),
        (lambda d: (d / "manifest.json").write_text("{}") and str(d),
         "holds files build-assets did not write (manifest.json)"),
        (lambda d: (d / "notes.txt").write_text("mine") and str(d),
         "holds files build-assets did not write (notes.txt)"),
    ],
    ids=["empty", "file", "foreign-manifest", "other-files"],
)
def test_a_folder_that_is_not_its_own_is_refused_before_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, said
) -> None:
    """--out '' wrote four files into the current folder; a folder holding the user's own
    manifest.json and NOTICE.md had them replaced without a word."""
    out = make(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["build-assets", "--out", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("calfexplorer build-assets: error: --out: ")
    assert said in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before

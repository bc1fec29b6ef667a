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


def _no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    import calfexplorer.geometry.build as build

    def built(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a minute of building before the folder was checked")

    monkeypatch.setattr(build, "build_all", built)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda d: (d / "f").write_text("x") and str(d / "f" / "meshes"),
         "is a file, not a folder"),
        (lambda d: "/proc/calfexplorer-meshes", "takes no new folders"),
    ],
    ids=["under-a-file", "system-folder"],
)
def test_a_folder_it_cannot_write_is_refused_before_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    make, said
) -> None:
    """A folder that cannot be made or written into was found only after the minute of
    building, when the meshes were written."""
    _no_building(monkeypatch)
    out = make(tmp_path)
    assert main(["build-assets", "--out", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("calfexplorer build-assets: error: --out: ")
    assert said in err[0]


def test_an_unwritable_app_folder_is_refused_before_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed app's own assets/meshes that cannot be written (here: under a file)."""
    import calfexplorer.paths as paths

    _no_building(monkeypatch)
    (tmp_path / "site-packages").write_text("not a folder")
    monkeypatch.setattr(paths, "assets_dir", lambda: tmp_path / "site-packages" / "meshes")
    assert main(["build-assets"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a file, not a folder" in err[0]
    assert err[0].endswith("give another with --out")

"""The command line is honest: unwritable outputs fail first with one line, and no traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from calfexplorer import __version__, cli
from calfexplorer.commands import render, status_line
from calfexplorer.scene import cards


def _unwritable(tmp_path: Path) -> dict[str, Path]:
    """Outputs that cannot be written even by root: a folder, a path under a file, /proc."""
    (tmp_path / "file.txt").write_text("not a folder")
    return {
        "folder": tmp_path,
        "under_a_file": tmp_path / "file.txt" / "x.out",
        "proc": Path("/proc/nope/x.out"),
    }


@pytest.mark.parametrize("where", ["folder", "under_a_file", "proc"])
def test_render_to_an_unwritable_path_fails_before_drawing(tmp_path, capsys, monkeypatch, where):
    def no_assets(model=None):
        raise AssertionError("loaded the meshes although the output cannot be written")

    monkeypatch.setattr(render, "_load_assets", no_assets)
    out = _unwritable(tmp_path)[where]
    code = cli.main(["render", "--out", str(out), "--size", "64x64"])
    captured = capsys.readouterr()
    assert code != 0
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(out.parent if where != "folder" else out) in lines[0]
    assert captured.out == ""  # no path printed as if written


@pytest.mark.parametrize("where", ["folder", "under_a_file", "proc"])
def test_export_anki_to_an_unwritable_path_fails_before_rendering(
    tmp_path, capsys, monkeypatch, where
):
    def no_renderer(*_args):
        raise AssertionError("started rendering although the deck cannot be written")

    monkeypatch.setattr(cards, "make_card_renderer", no_renderer)
    out = _unwritable(tmp_path)[where]
    code = cli.main(["export-anki", str(out), "--compartment", "lateral"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and err[0].startswith("calfexplorer export-anki: error:"), err


@pytest.mark.parametrize("out, said", [
    ("/proc/deck.apkg", "cannot write into the folder /proc: it takes no new files"),
    ("/proc/nope/deck.apkg", "cannot create the folder /proc/nope: /proc takes no new folders"),
])
def test_a_system_folder_that_takes_no_files_is_not_said_to_be_missing(capsys, out, said):
    code = cli.main(["export-anki", out, "--no-images", "--compartment", "lateral"])
    err = capsys.readouterr().err
    assert code != 0
    assert said in err and "No such file or directory" not in err, err


def test_export_anki_creates_a_missing_parent_folder(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "lateral.apkg"
    code = cli.main(["export-anki", str(out), "--no-images", "--compartment", "lateral"])
    assert code == 0, capsys.readouterr().err
    assert out.is_file() and out.stat().st_size > 0


def test_an_unexpected_error_is_one_line_and_a_failing_exit(monkeypatch, capsys):
    def broken(_args):
        raise KeyError("manifest")

    monkeypatch.setattr(render, "run", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    code = cli.main(["render"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err == [
        f"calfexplorer render: error: KeyError: 'manifest' (set {cli.DEBUG_ENV}=1 for details)"
    ]


def test_an_unexpected_error_in_a_real_process_prints_no_traceback(tmp_path):
    script = (
        "import calfexplorer.commands.render as r\n"
        "def broken(args):\n"
        "    return 1 / 0\n"
        "r.run = broken\n"
        "from calfexplorer.cli import main\n"
        "raise SystemExit(main(['render']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != cli.DEBUG_ENV}
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        f"calfexplorer render: error: ZeroDivisionError: division by zero "
        f"(set {cli.DEBUG_ENV}=1 for details)"
    )


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"calfexplorer {__version__}"


def test_render_warns_in_one_line_when_data_entries_were_left_out(tmp_path, capsys, monkeypatch):
    """A data file that cannot be used (here one with a Python tag, which never runs) leaves
    its entries out: the picture is still drawn, and stderr says so once with the way on."""
    from data_copy import data_copy

    bones = data_copy(tmp_path, monkeypatch) / "structures" / "bones.yaml"
    ran = tmp_path / "ran"
    bones.write_text(f"x: !!python/object/apply:os.system ['touch {ran}']\n"
                     + bones.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "leg.png"
    code = cli.main(["render", "--out", str(out), "--size", "96x96", "--no-labels"])
    err = capsys.readouterr().err
    assert code == 0 and out.is_file() and not ran.exists()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("calfexplorer render: warning: the data files have ")
    assert lines[0].endswith(" problems; run 'calfexplorer validate'. Drawing the valid entries.")


def test_a_render_that_cannot_be_written_fails_in_one_line_and_leaves_the_old_file(
        tmp_path, capsys, monkeypatch):
    """A full disk mid-write (the PNG writer's error): exit 1 with one line, the picture
    already at the path left whole, no scratch file beside it."""
    from vtkmodules.vtkCommonMisc import vtkErrorCode
    from vtkmodules.vtkIOImage import vtkPNGWriter

    from calfexplorer.scene import export

    class FullDisk(vtkPNGWriter):
        def Write(self) -> None:  # noqa: N802 - VTK's name
            Path(self.GetFileName()).write_bytes(b"\x89PNG half")

        def GetErrorCode(self) -> int:  # noqa: N802
            return vtkErrorCode.OutOfDiskSpaceError

    out = tmp_path / "leg.png"
    out.write_bytes(b"the earlier picture")
    monkeypatch.setattr(export, "vtkPNGWriter", FullDisk)
    code = cli.main(["render", "--out", str(out), "--size", "64x64", "--no-labels"])
    captured = capsys.readouterr()
    lines = [ln for ln in captured.err.splitlines() if ln.strip()]
    assert code == 1 and captured.out == ""
    assert len(lines) == 1
    assert lines[0].startswith(f"calfexplorer render: error: cannot write {out}")
    assert out.read_bytes() == b"the earlier picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leg.png"]


def test_an_output_is_replaced_only_once_wholly_written(tmp_path):
    from calfexplorer.output_files import replaced_when_written

    out = tmp_path / "deck.apkg"
    out.write_bytes(b"old deck")
    with pytest.raises(OSError, match="No space"), replaced_when_written(out) as scratch:
        scratch.write_bytes(b"half a ")
        raise OSError(28, "No space left on device")
    with pytest.raises(OSError, match="nothing was written"), replaced_when_written(out):
        pass
    assert out.read_bytes() == b"old deck"
    with replaced_when_written(out) as scratch:
        scratch.write_bytes(b"new deck")
    assert out.read_bytes() == b"new deck"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_an_output_that_is_not_a_regular_file_is_not_replaced(tmp_path, capsys):
    """A device or a link to one (/dev/full) would be replaced by a file, or deleted."""
    link = tmp_path / "full.png"
    link.symlink_to("/dev/null")
    code = cli.main(["render", "--out", str(link), "--size", "64x64"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "not a regular file" in err[0]
    assert link.is_symlink()


@pytest.mark.parametrize("argv", [
    ["render", "--size", "abc"], ["render", "--fade", "2"], ["export-anki"],
    ["lengths", "--max-poses", "abc"], ["--bogus"],
    ["export-anki", "deck.apkg", "--name", " "],  # (accepted: a nameless deck)
])
def test_a_wrong_argument_is_one_line_with_the_way_on(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert exit_.value.code == 2
    assert len(err) == 1 and ": error: " in err[0] and "--help" in err[0], err


@pytest.mark.parametrize(("argv", "ending"), [
    (["render", "--out", "{dir}/leg.txt"], ".png"),
    (["export-anki", "{dir}/deck.zip", "--no-images"], ".apkg"),
])
def test_an_output_with_another_ending_is_refused_naming_the_one_wanted(tmp_path, capsys, argv,
                                                                         ending):
    code = cli.main([a.format(dir=tmp_path / "new" / "sub") for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and f"ending in {ending}" in err[0], err
    assert list(tmp_path.iterdir()) == []  # no folder made for a name that is refused


@pytest.mark.parametrize("argv", [
    ["facts", "--data", "{missing}"], ["validate", "{missing}"], ["validate", "{file}"],
    ["lengths", "--data", "{missing}", "--muscles", "soleus"], ["facts", "--data", "{file}"],
])
def test_a_data_folder_that_is_not_one_is_named_in_one_line(tmp_path, capsys, argv):
    (tmp_path / "notes.txt").write_text("not a folder")
    paths = {"missing": tmp_path / "nope", "file": tmp_path / "notes.txt"}
    code = cli.main([a.format(**paths) for a in argv])
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and out == "" and len(lines) == 1, (out, err)
    assert "not found" in lines[0] or "is a file, not a data folder" in lines[0]


def test_a_misspelled_selection_for_the_window_fails_before_it_opens(tmp_path, capsys):
    shot = tmp_path / "window.png"
    code = cli.main(["--select", "solues", "--screenshot", str(shot)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not shot.exists()
    assert err == ["calfexplorer: error: --select: unknown structure id 'solues' "
                   "(did you mean 'soleus'?)"]


def test_the_window_suggests_what_the_search_box_finds(tmp_path, capsys):
    """'--select achilles' suggested nothing: the search box finds the calcaneal tendon."""
    shot = tmp_path / "window.png"
    code = cli.main(["--select", "achilles", "--screenshot", str(shot)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not shot.exists()
    assert err == ["calfexplorer: error: --select: unknown structure id 'achilles' "
                   "(did you mean 'calcaneal_tendon'?)"]


def test_facts_suggests_the_id_meant(capsys):
    assert cli.main(["facts", "--id", "solues"]) == 2
    assert capsys.readouterr().err.strip() == (
        "calfexplorer facts: unknown structure id: solues (did you mean 'soleus'?)"
    )


def test_an_output_written_through_a_link_keeps_the_link_and_the_file_s_permissions(tmp_path):
    from calfexplorer.output_files import replaced_when_written

    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    real.chmod(0o600)
    link = tmp_path / "link.png"
    link.symlink_to(real)
    with replaced_when_written(link) as scratch:
        scratch.write_bytes(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert real.stat().st_mode & 0o777 == 0o600


def test_the_window_s_selection_may_be_given_by_name():
    from calfexplorer.ui.app import _known_structure

    assert _known_structure("Tibialis anterior") == ("tibialis_anterior", None)
    assert _known_structure("soleus") == ("soleus", None)
    assert _known_structure("soleus:insertion:calcaneal_tuberosity")[1] is None


def test_an_unknown_command_is_named_with_the_nearest_one(capsys):
    """"calfexplorer lender" said "unrecognized arguments: lender"."""
    assert cli.main(["lender"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("calfexplorer: error: unknown command 'lender' (did you mean "
                          "'render'?); commands: build-assets,")
    assert "\n" not in err


def test_lesion_list_as_json(capsys):
    """--list ignored --json (it printed the text list)."""
    import json

    assert cli.main(["lesion", "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["nerves"]["common_fibular_nerve"] == ["popliteal_fossa", "fibular_neck"]
    assert "S1" in listed["roots"]


def test_a_terminal_without_some_characters_gets_question_marks_not_an_error(tmp_path):
    """On a latin-1 or ASCII terminal `lengths` stopped at its first dagger and `facts` at its
    first dash; such characters print as '?' now."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "CALFEXPLORER_CACHE_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "calfexplorer", "facts", "--markdown"],
        capture_output=True, env=env, timeout=120,
    )
    assert run.returncode == 0, run.stderr.decode()
    assert b"Arag?o JA" in run.stdout and run.stdout.rstrip().endswith(b"|")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_in_a_log_is_a_line_now_and_then_with_the_last_one_whole(monkeypatch):
    """export-anki's progress sent to a file was one line 'rendering images 1/140\\r...' of
    every update; a log now gets whole lines, the first and last among them."""
    clock = iter(float(t) for t in range(1000))
    monkeypatch.setattr(status_line.time, "monotonic", lambda: next(clock))
    log = io.StringIO()
    line = status_line.StatusLine(log)
    for done in range(1, 41):
        line.show(f"rendering images {done}/40", final=done == 40)
    line.end()
    assert "\r" not in log.getvalue()
    assert log.getvalue().splitlines() == [f"rendering images {n}/40" for n in (1, 11, 21, 31, 40)]


def test_progress_on_a_terminal_is_one_line_redrawn_and_ended_before_an_error(monkeypatch):
    clock = iter(float(t) for t in range(1000))
    monkeypatch.setattr(status_line.time, "monotonic", lambda: next(clock))
    term = _Terminal()
    line = status_line.StatusLine(term)
    line.show("leg.zip: 10.0 MB")
    line.show("leg.zip: 9 MB")  # (a shorter text covers the longer one)
    line.end()
    term.write("error\n")
    assert term.getvalue() == "\rleg.zip: 10.0 MB\rleg.zip: 9 MB   \nerror\n"

"""``calfexplorer lesion``: teachers script handouts from it, so its output is data."""

from __future__ import annotations

import json

import pytest

from calfexplorer.cli import main


def test_json_for_a_cut_at_a_level(capsys: pytest.CaptureFixture) -> None:
    assert main(["lesion", "common_fibular_nerve", "--at", "fibular_neck", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lesion"] == {
        "cuts": [{"nerve": "common_fibular_nerve", "level": "fibular_neck"}],
        "roots": [],
    }
    moves = {(m["joint"], m["movement"]): m for m in out["movements"]}
    assert moves["ankle", "dorsiflexion"]["status"] == "lost"
    assert moves["ankle", "dorsiflexion"]["name"] == "Ankle dorsiflexion"
    assert "foot_drop" in {s["id"] for s in out["signs"]}
    assert all(s["refs"] for s in out["signs"])


def test_a_root_as_text(capsys: pytest.CaptureFixture) -> None:
    assert main(["lesion", "--root", "s1"]) == 0
    out = capsys.readouterr().out
    assert "Ankle (Achilles) reflex: reduced" in out
    assert "S1 dermatome" in out


def test_the_text_lists_the_muscles_possibly_weak(capsys) -> None:
    """The window listed them; the command's text left them out."""
    assert main(["lesion", "--root", "S1"]) == 0
    out = capsys.readouterr().out
    listed = out.split("Possibly weak as well:\n")[1].split("Movements:")[0]
    assert "  Extensor hallucis longus: S1 is one of its roots" in listed
    assert "  Tibialis posterior: some sources also give S1 for it" in listed


def test_movements_say_whether_a_prime_mover_or_only_a_helper_is_left(capsys) -> None:
    assert main(["lesion", "--root", "S1"]) == 0
    out = capsys.readouterr().out
    lines = {line.strip().split(":")[0]: line.strip() for line in out.splitlines()}
    # sartorius only assists hip abduction, and the atlas lacks gluteus medius and minimus
    assert lines["Hip abduction"] == (
        "Hip abduction: weakened; Gluteus maximus keeps part of its supply; still assisted by "
        "Sartorius (counting only this atlas's muscles; main movers it lacks: gluteus medius and "
        "gluteus minimus)")
    assert "still done by Tibialis anterior" in lines["Ankle dorsiflexion"]
    # the main movers keep part of their supply: said before what is left untouched (it read
    # as if only the assisting muscles were left)
    assert lines["Ankle plantarflexion"].startswith(
        "Ankle plantarflexion: weakened; Medial head of gastrocnemius, Lateral head of "
        "gastrocnemius, Soleus")
    assert "keep part of their supply; still assisted by Tibialis posterior" in lines[
        "Ankle plantarflexion"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lesion", "tibal_nerve"], "calfexplorer lesion: error: unknown nerve 'tibal_nerve'; "
         "nerves that can be cut: "),
        (
            ["lesion", "tibial_nerve", "--at", "knee"],
            "calfexplorer lesion: error: unknown level 'knee' for tibial_nerve; its levels: "
            "popliteal_fossa, "
            "tarsal_tunnel",
        ),
        (["lesion", "--root", "L9"], "calfexplorer lesion: error: unknown root 'L9'; roots: "),
        (["lesion"], "calfexplorer lesion: error: name a nerve (with --at LEVEL) or give --root"),
        (["lesion", "--at", "fibular_neck"], "calfexplorer lesion: error: --at needs a nerve"),
        (["lesion", "--list", "tibial_nerve"], "calfexplorer lesion: error: --list lists every"),
        (["lesion", "--list", "--root", "L5"], "calfexplorer lesion: error: --list lists every"),
    ],
)
def test_unknown_input_is_one_line_listing_the_valid_choices(
    argv: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(message)


def test_list(capsys: pytest.CaptureFixture) -> None:
    assert main(["lesion", "--list"]) == 0
    out = capsys.readouterr().out
    assert "common_fibular_nerve: popliteal_fossa, fibular_neck" in out
    assert out.splitlines()[-1].startswith("roots: ")


def test_facts_export_the_clinical_data(capsys: pytest.CaptureFixture) -> None:
    assert main(["facts", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    clinical = doc["clinical"]
    assert {r["id"] for r in clinical["reflexes"]} == {
        "ankle_reflex", "knee_reflex", "medial_hamstring_reflex"}
    assert [d["root"] for d in clinical["dermatomes"]] == [
        "L2", "L3", "L4", "L5", "S1", "S2", "S3"]
    levels = [e["level"] for e in clinical["nerve_courses"]["common_fibular_nerve"]["course"]
              if e["kind"] == "level"]
    assert levels == ["popliteal_fossa", "fibular_neck"]
    assert all(s["refs"] for s in clinical["signs"])
    assert main(["facts", "--markdown"]) == 0
    md = capsys.readouterr().out
    assert "## Reflexes" in md and "| Ankle (Achilles) reflex |" in md
    assert "## Where the nerves are injured" in md


def test_a_lesion_file_that_cannot_be_read_is_named_in_one_line(
        tmp_path, monkeypatch, capsys: pytest.CaptureFixture) -> None:
    """A syntax error in the user's lesions.yaml: not 'unknown nerve' with an empty list of
    nerves, but the file's problem and the way on."""
    from data_copy import append, data_copy

    append(data_copy(tmp_path, monkeypatch) / "lesions.yaml")
    assert main(["lesion", "common_fibular_nerve", "--at", "fibular_neck"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "lesions.yaml, line" in err[0], err
    assert "calfexplorer validate" in err[0]


def test_an_empty_joints_file_is_reported_once_not_at_each_lesion_movement(tmp_path, capsys):
    # data/README: a file that fails to load is reported once with what it leaves unchecked;
    # lesions.yaml's signs and myotomes named 21 'unknown joint movement's besides.
    from data_copy import data_copy

    data = data_copy(tmp_path)
    (data / "joints.yaml").write_text("", encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and all(line.startswith("joints.yaml: ") for line in out), out

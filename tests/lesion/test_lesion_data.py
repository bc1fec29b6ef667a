"""``data/lesions.yaml`` is checked like the rest of the data: every problem names the file,
the entry and the field, and what is valid keeps working."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.lesion import Lesion, open_lesion_model
from calfexplorer.paths import data_dir


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("geometry"))
    return target


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "lesions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    atlas, atlas_problems = load_atlas(folder)
    assert atlas_problems == []
    _, problems = open_lesion_model(atlas, folder)
    return [str(p) for p in problems]


def test_the_real_file_is_clean(folder: Path) -> None:
    assert problems_of(folder) == []


def test_a_muscle_the_nerve_does_not_supply_is_named(folder: Path) -> None:
    edit(folder, "muscles: [fibularis_longus, fibularis_brevis]",
         "muscles: [fibularis_longus, fibularis_brevis, soleus]")
    problems = problems_of(folder)
    assert len(problems) == 1
    assert problems[0].startswith("lesions.yaml, line ")
    assert "entry 'superficial_fibular_nerve', field 'course[1].muscles[2]'" in problems[0]
    assert "supplied by tibial_nerve, not superficial_fibular_nerve" in problems[0]


def test_a_muscle_no_branch_reaches_is_named(folder: Path) -> None:
    edit(folder, "muscles: [fibularis_longus, fibularis_brevis]", "muscles: [fibularis_longus]")
    (problem,) = problems_of(folder)
    assert "entry 'superficial_fibular_nerve'" in problem
    assert "fibularis_brevis is supplied by superficial_fibular_nerve" in problem


def test_an_event_of_two_kinds_and_an_unknown_reference(folder: Path) -> None:
    edit(folder, "      - level: crural_fascia\n",
         "      - level: crural_fascia\n        skin: shin\n")
    edit(folder, "refs: [lesion_statpearls_steppage,", "refs: [moore9, lesion_statpearls_steppage,")
    problems = problems_of(folder)
    assert any(
        "entry 'superficial_fibular_nerve', field 'course[2]'" in p
        and "exactly one of level, muscles, nerves, branch or skin (found level, skin)" in p
        for p in problems
    ), problems
    assert any(
        "entry 'foot_drop', field 'refs[0]': unknown reference 'moore9'" in p for p in problems
    ), problems


def test_a_skin_dispute_off_a_branch_and_its_unknown_reference_are_named(folder: Path) -> None:
    edit(folder, "refs: [lesion_radiopaedia_sural_saphenous, th_sural_complex_2013,",
         "refs: [moore9, th_sural_complex_2013,")
    edit(folder, "      - level: crural_fascia\n",
         "      - level: crural_fascia\n        skin_disputed: [{text: x, refs: [gray42]}]\n")
    problems = problems_of(folder)
    assert any("entry 'superficial_fibular_nerve', field 'course[2]'" in p
               and "skin_disputed belongs to an event that names nerves" in p
               for p in problems), problems
    assert any("entry 'tibial_nerve', field 'course[2].skin_disputed[0].refs[0]': unknown "
               "reference 'moore9'" in p for p in problems), problems


def test_an_unknown_nerve_that_makes_a_skin_dispute_moot_is_named(folder: Path) -> None:
    edit(folder, "skin_disputed_unless_cut: [common_fibular_nerve]",
         "skin_disputed_unless_cut: [common_fibula_nerve]")
    (problem,) = problems_of(folder)
    assert "entry 'tibial_nerve', field 'course[2].skin_disputed_unless_cut[0]'" in problem
    assert "common_fibula_nerve" in problem


def test_a_sign_on_an_unknown_movement(folder: Path) -> None:
    tail = "[lost, severely_weakened]}\n    refs: [lesion_statpearls_steppage"
    edit(folder, "movements: {ankle.dorsiflexion: " + tail, "movements: {ankle.dorsiflex: " + tail)
    (problem,) = problems_of(folder)
    assert "entry 'foot_drop', field 'when.movements.ankle.dorsiflex'" in problem
    assert "unknown joint movement 'ankle.dorsiflex'" in problem


def test_malformed_yaml_names_the_line_and_the_model_still_opens(folder: Path) -> None:
    (folder / "lesions.yaml").write_text("courses:\n  - nerve: [\n", encoding="utf-8")
    atlas, _ = load_atlas(folder)
    model, problems = open_lesion_model(atlas, folder)
    assert len(problems) == 1
    assert str(problems[0]).startswith("lesions.yaml, line 3: malformed YAML")
    assert model.nerves() == []
    assert model.compute(Lesion(roots=("S1",))).muscles  # roots still work from the atlas


def test_a_missing_file_is_one_clear_problem(folder: Path) -> None:
    (folder / "lesions.yaml").unlink()
    atlas, _ = load_atlas(folder)
    _, problems = open_lesion_model(atlas, folder)
    assert [str(p) for p in problems] == [
        "lesions.yaml: file is missing (it lists where nerves branch and can be cut)"
    ]


def test_a_yaml_tag_cannot_run_code(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (folder / "lesions.yaml").write_text(
        f"courses: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8"
    )
    atlas, _ = load_atlas(folder)
    _, problems = open_lesion_model(atlas, folder)
    assert not marker.exists()
    assert len(problems) == 1 and "malformed YAML" in str(problems[0])


def test_validate_reports_lesion_problems(folder: Path, capsys: pytest.CaptureFixture) -> None:
    from calfexplorer.cli import main

    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out.endswith("nerve courses: OK\n")
    edit(folder, "muscles: [fibularis_longus, fibularis_brevis]", "muscles: [fibularis_longus]")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("lesions.yaml, line ")
    assert "fibularis_brevis is supplied by superficial_fibular_nerve" in out


def test_a_repeated_id_or_root_is_named_and_the_first_kept(folder: Path) -> None:
    """Cards and panels are keyed by them: one of two 'ankle_reflex' entries was never asked,
    and a second 'L4' dermatome hid the L3 one; validate said OK."""
    edit(folder, "  - id: knee_reflex", "  - id: ankle_reflex")
    edit(folder, "  - root: L3\n", "  - root: L4\n")
    problems = problems_of(folder)
    assert len(problems) == 2, problems
    assert "entry 'ankle_reflex', field 'id': duplicate id 'ankle_reflex'" in problems[0]
    assert "entry 'L4', field 'root': duplicate root 'L4'" in problems[1]
    atlas, _ = load_atlas(folder)
    model, _ = open_lesion_model(atlas, folder)
    assert [r.id for r in model.data.reflexes].count("ankle_reflex") == 1


def test_validate_names_a_missing_lesion_file_in_the_folder_the_app_reads(
        folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from calfexplorer.cli import main

    (folder / "lesions.yaml").unlink()
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(folder))
    assert main(["validate"]) == 1  # it said OK, while the lesion mode could not open
    assert "lesions.yaml: file is missing" in capsys.readouterr().out


def test_a_muscle_whose_only_nerve_is_misspelt_does_not_break_a_lesion(folder: Path) -> None:
    """A typo in the soleus's only nerve left it with none: a tibial cut divided by zero (the
    lesion command stopped with ZeroDivisionError) and the course's problem read "is supplied
    by , not tibial_nerve"."""
    path = folder / "structures" / "leg_posterior.yaml"
    text = path.read_text(encoding="utf-8")
    old = ("    innervation:\n      nerves: [tibial_nerve]\n      roots: [S1, S2]\n      note: >-\n"
           "        Its main branch leaves the tibial nerve")
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("[tibial_nerve]", "[tibal_nerve]"), 1),
                    encoding="utf-8")
    atlas, atlas_problems = load_atlas(folder)
    assert any("tibal_nerve" in str(p) for p in atlas_problems)
    model, problems = open_lesion_model(atlas, folder)
    assert not any("supplied by ," in str(p) for p in problems)
    result = model.compute(Lesion(cuts=(model.cut("tibial_nerve"),)))
    lost = {m.muscle for m in result.muscles}
    assert "flexor_hallucis_longus" in lost and "soleus" not in lost  # (no nerve known for it)


def test_a_course_without_a_level_is_not_offered_for_cutting(folder: Path) -> None:
    """Cutting a nerve whose course the data gives no level raised IndexError."""
    from calfexplorer.lesion import LesionError

    edit(folder, "  - nerve: sural_nerve\n    course:\n      - level: calf\n",
         "  - nerve: sural_nerve\n    course:\n      - branch: calf\n")
    edit(folder, "        along: 0.3\n", "")  # (the place of the mark belongs to a level)
    atlas, _ = load_atlas(folder)
    model, problems = open_lesion_model(atlas, folder)
    assert problems
    assert "sural_nerve" not in model.nerves() and "tibial_nerve" in model.nerves()
    with pytest.raises(LesionError, match="course of sural_nerve in the data gives no level"):
        model.cut("sural_nerve")


def test_a_commonest_branch_is_named(folder: Path) -> None:
    edit(folder, "      - skin: upper_lateral_leg\n",
         "      - skin: upper_lateral_leg\n        commonest: true\n")
    assert any("entry 'common_fibular_nerve', field 'course[1]'" in p
               and "commonest belongs to a level" in p for p in problems_of(folder))


def test_a_mark_place_off_a_level_is_named(folder: Path) -> None:
    edit(folder, "      - skin: upper_lateral_leg\n",
         "      - skin: upper_lateral_leg\n        along: 0.5\n")
    assert any("entry 'common_fibular_nerve', field 'course[1]'" in p
               and "along belongs to a level" in p for p in problems_of(folder))


def test_a_second_commonest_level_is_named(folder: Path) -> None:
    knee = "      - level: popliteal_fossa\n        name: Behind the knee, along biceps femoris\n"
    edit(folder, knee, knee + "        commonest: true\n")
    problems = problems_of(folder)
    assert any("entry 'common_fibular_nerve'" in p and "at most one level" in p
               for p in problems), problems


def test_the_explorer_offers_a_nerve_s_commonest_level_first(folder: Path) -> None:
    """Choosing the common fibular nerve cut it behind the knee, its highest level; its
    classic injury, and the one the README shows, is at the neck of the fibula."""
    atlas, _ = load_atlas(folder)
    model, problems = open_lesion_model(atlas, folder)
    assert problems == []
    assert model.first_offered("common_fibular_nerve") == "fibular_neck"
    assert model.first_offered("tibial_nerve") == model.levels("tibial_nerve")[0].level

"""Bad input: each problem with the exact text a user sees; valid entries survive."""

from __future__ import annotations

from pathlib import Path

from calfexplorer.atlas import AtlasProblem, load_atlas

from .data_folder import BASE, DataFolder, muscle

F = "structures/muscles.yaml"


def test_the_small_folder_is_valid(data: DataFolder) -> None:
    atlas, problems = data.load()
    assert problems == []
    assert atlas.get("soleus").innervation.nerves == ["tibial_nerve"]


def test_problem_text_names_file_entry_and_field() -> None:
    p = AtlasProblem(
        "structures/leg_posterior.yaml", "soleus", "innervation.nerves[0]", "unknown nerve 'x'"
    )
    assert str(p) == (
        "structures/leg_posterior.yaml: entry 'soleus', field 'innervation.nerves[0]': "
        "unknown nerve 'x'"
    )
    assert str(AtlasProblem("joints.yaml", 3, None, "bad", line=7)) == (
        "joints.yaml, line 7: entry #3: bad"
    )


def test_malformed_yaml_names_the_line_and_other_files_still_load(data: DataFolder) -> None:
    data.write("structures/broken.yaml", "structures:\n  - id: x\n   kind: bone\n")
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        "structures/broken.yaml, line 3: malformed YAML at column 4: while parsing a block "
        "collection: did not find expected '-' indicator"
    ]
    assert problems[0].line == 3
    assert "soleus" in atlas and "tibia" in atlas


def test_unknown_field_is_reported_and_the_entry_skipped(data: DataFolder) -> None:
    data.write(F, "structures:\n" + muscle(extra="orign: tibia\n"))
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        f"{F}, line 33: entry 'soleus', field 'orign': unknown field 'orign' "
        "(did you mean 'origins'?)"
    ]
    assert "soleus" not in atlas
    assert "tibia" in atlas


def test_missing_required_field(data: DataFolder) -> None:
    text = muscle().replace("    description: A calf muscle.\n", "")
    data.write(F, "structures:\n" + text)
    assert data.messages() == [
        f"{F}, line 2: entry 'soleus', field 'description': required field is missing"
    ]


def test_wrong_types(data: DataFolder) -> None:
    text = muscle(extra="synonyms: calf muscle\n").replace("roots: [S1, S2]", "roots: S1")
    data.write(F, "structures:\n" + text)
    assert data.messages() == [
        f"{F}, line 28: entry 'soleus', field 'innervation.roots': expected a list, got text",
        f"{F}, line 33: entry 'soleus', field 'synonyms': expected a list, got text",
    ]


def test_invalid_values(data: DataFolder) -> None:
    text = (
        muscle()
        .replace("role: prime", "role: primary")
        .replace("roots: [S1, S2]", "roots: [S1, S6]")
        .replace("site: soleal_line", "site: Soleal line")
    )
    data.write(F, "structures:\n" + text)
    assert data.messages() == [
        f"{F}, line 10: entry 'soleus', field 'origins[0].site': 'Soleal line' is not a valid id "
        "(use lower_snake_case, e.g. tibial_nerve)",
        f"{F}, line 24: entry 'soleus', field 'actions[0].role': invalid value 'primary': "
        "expected 'prime' or 'assisting'",
        f"{F}, line 28: entry 'soleus', field 'innervation.roots[1]': 'S6' is not a spinal root "
        "such as L5 or S1",
    ]


KINDS = "muscle, bone, tendon, nerve, artery, vein, region, retinaculum, fascia, ligament"


def test_unknown_or_missing_kind(data: DataFolder) -> None:
    text = "structures:\n  - id: thing\n    kind: organ\n  - id: other\n    name: Other\n"
    data.write("structures/odd.yaml", text)
    assert data.messages() == [
        "structures/odd.yaml, line 3: entry 'thing', field 'kind': unknown kind 'organ' "
        f"(expected one of {KINDS})",
        "structures/odd.yaml, line 4: entry 'other', field 'kind': required field is missing "
        f"(one of {KINDS})",
    ]


def test_duplicate_id_across_files_keeps_the_first(data: DataFolder) -> None:
    data.write("structures/more.yaml", "structures:\n" + muscle(name="Second soleus"))
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        "structures/muscles.yaml, line 2: entry 'soleus', field 'id': duplicate id 'soleus' "
        "(first defined in structures/more.yaml)"
    ]
    assert atlas.get("soleus").name == "Second soleus"  # files load in name order


def test_unknown_nerve_is_reported_and_dropped_but_the_entry_kept(data: DataFolder) -> None:
    data.write(F, "structures:\n" + muscle(nerve="tibal_nerve"))
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        f"{F}, line 27: entry 'soleus', field 'innervation.nerves[0]': unknown nerve "
        "'tibal_nerve' (did you mean 'tibial_nerve'?)"
    ]
    assert problems[0].file == F
    assert problems[0].entry == "soleus"
    assert problems[0].field == "innervation.nerves[0]"
    assert atlas.get("soleus").innervation.nerves == []


def test_reference_of_the_wrong_kind(data: DataFolder) -> None:
    text = muscle().replace("bone: tibia", "bone: tibial_nerve")
    data.write(F, "structures:\n" + text)
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        f"{F}, line 11: entry 'soleus', field 'origins[0].bone': 'tibial_nerve' is a nerve, "
        "not a bone"
    ]
    soleus = atlas.get("soleus")
    assert soleus.origins == []  # the attachment on a non-bone is dropped
    assert atlas.attachments_on_bone("tibia").origins == ()


def test_unknown_reference_movement_parent_and_artery(data: DataFolder) -> None:
    text = muscle(
        movement="plantarflex", extra="parent: triceps_surae\nreferences: [grays]\n"
    ).replace("arteries: [posterior_tibial_artery]", "arteries: [tibial_nerve]")
    data.write(F, "structures:\n" + text)
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        f"{F}, line 23: entry 'soleus', field 'actions[0].movement': unknown movement "
        "'plantarflex' of joint 'ankle' (did you mean 'plantarflexion'?)",
        f"{F}, line 31: entry 'soleus', field 'blood_supply.arteries[0]': 'tibial_nerve' is a "
        "nerve, not an artery",
        f"{F}, line 33: entry 'soleus', field 'parent': unknown muscle 'triceps_surae'",
        f"{F}, line 34: entry 'soleus', field 'references[0]': unknown reference 'grays'",
    ]
    soleus = atlas.get("soleus")
    assert soleus.actions == [] and soleus.parent is None and soleus.references == []


def test_reference_to_an_entry_that_failed_validation(data: DataFolder) -> None:
    bad_nerve = "  - id: sural_nerve\n    kind: nerve\n    name: Sural nerve\n"
    data.write("structures/base.yaml", BASE + bad_nerve)
    data.write(F, "structures:\n" + muscle(nerve="sural_nerve"))
    messages = data.messages()
    # The nerve itself misses fields (reported at its line), and the muscle that names it says
    # why the name does not resolve instead of calling it unknown.
    assert messages[-1] == (
        f"{F}, line 27: entry 'soleus', field 'innervation.nerves[0]': nerve 'sural_nerve' "
        "has errors of its own and was skipped"
    )
    assert {m.split(" field")[0] for m in messages[:-1]} == {
        "structures/base.yaml, line 35: entry 'sural_nerve',"
    }


def test_entry_that_is_not_a_mapping(data: DataFolder) -> None:
    data.write("structures/odd.yaml", "structures:\n  - just text\n")
    assert data.messages() == [
        "structures/odd.yaml, line 2: entry #0: expected a mapping (key: value pairs), got text"
    ]


def test_file_level_shapes(data: DataFolder) -> None:
    data.write("structures/a.yaml", "")
    data.write("structures/b.yaml", "structure:\n  - id: x\n")
    data.write("structures/c.yaml", "structures: 5\n")
    data.write("references/d.yaml", "- id: x\n")
    assert data.messages() == [
        "references/d.yaml: expected a mapping with the key 'references', got a list",
        "structures/a.yaml: file is empty (expected 'structures:' followed by a list)",
        "structures/b.yaml: unknown top-level key 'structure' (expected only 'structures')",
        "structures/b.yaml: missing top-level key 'structures'",
        "structures/c.yaml: 'structures' must be a list, got a number",
    ]


def test_unknown_reference_in_a_reference_file_field(data: DataFolder) -> None:
    data.write(
        "references/extra.yaml",
        "references:\n  - id: book\n    citation: Again.\n"
        "  - id: web1\n    citation: A page.\n    kind: website\n",
    )
    assert data.messages() == [
        "references/extra.yaml, line 2: entry 'book', field 'id': duplicate id 'book' "
        "(first defined in references/core.yaml)",
        "references/extra.yaml, line 6: entry 'web1', field 'kind': invalid value 'website': "
        "expected 'textbook', 'article', 'database' or 'web'",
    ]


def _joint_messages(data: DataFolder, text: str) -> list[str]:
    """What validation says of ``text`` written as joints.yaml."""
    data.write("joints.yaml", text)
    return [m for m in data.messages() if m.startswith("joints.yaml")]


def test_joint_with_an_unknown_opposite(data: DataFolder) -> None:
    text = (
        "joints:\n  - id: hip\n    name: Hip\n    movements:\n"
        "      - {id: flexion, name: flexion, opposite: extention}\n"
        "      - {id: extension, name: extension, opposite: flexion}\n"
    )
    # not also "'flexion' gives 'extention' as its opposite" for line 6
    assert _joint_messages(data, text) == [
        "joints.yaml, line 5: entry 'hip', field 'movements[0].opposite': unknown movement "
        "'extention' of joint 'hip' (did you mean 'extension'?)"
    ]


def test_a_movement_its_own_opposite_or_opposites_that_disagree(data: DataFolder) -> None:
    """Both passed validation; the synergists and antagonists are derived from them."""
    text = (
        "joints:\n  - id: hip\n    name: Hip\n    movements:\n"
        "      - {id: flexion, name: flexion, opposite: flexion}\n"
        "      - {id: extension, name: extension, opposite: abduction}\n"
        "      - {id: abduction, name: abduction, opposite: flexion}\n"
    )
    assert _joint_messages(data, text)[:3] == [
        "joints.yaml, line 5: entry 'hip', field 'movements[0].opposite': 'flexion' cannot be "
        "its own opposite",
        "joints.yaml, line 6: entry 'hip', field 'movements[1].opposite': 'abduction' gives "
        "'flexion' as its opposite, not 'extension'",
        "joints.yaml, line 7: entry 'hip', field 'movements[2].opposite': 'flexion' gives "
        "'flexion' as its opposite, not 'abduction'",
    ]


def test_a_joint_citing_a_reference_that_does_not_exist(data: DataFolder) -> None:
    """A normal range or an absent main mover citing an unknown reference passed validation
    (the references of joints.yaml were never checked)."""
    text = (
        "joints:\n  - id: hip\n    name: Hip\n    movements:\n"
        "      - {id: flexion, name: flexion, opposite: extension,\n"
        "         normal: {degrees: 120, text: about 120 degrees, refs: [bok]},\n"
        "         main_movers_absent: {text: iliopsoas, refs: [book, papr]}}\n"
        "      - {id: extension, name: extension, opposite: flexion}\n"
    )
    assert _joint_messages(data, text) == [
        "joints.yaml, line 6: entry 'hip', field 'movements[0].normal.refs[0]': unknown "
        "reference 'bok' (did you mean 'book'?)",
        "joints.yaml, line 7: entry 'hip', field 'movements[0].main_movers_absent.refs[1]': "
        "unknown reference 'papr' (did you mean 'paper'?)",
    ]


def test_absent_main_movers_of_toes_the_joint_does_not_move(data: DataFolder) -> None:
    text = (
        "joints:\n  - id: toes\n    name: Toes\n    digits: [2, 3, 4, 5]\n    movements:\n"
        "      - {id: abduction, name: abduction, opposite: adduction,\n"
        "         main_movers_absent: {text: interossei, digits: [1, 2], refs: [book]}}\n"
        "      - {id: adduction, name: adduction, opposite: abduction}\n"
    )
    assert _joint_messages(data, text) == [
        "joints.yaml, line 7: entry 'toes', field 'movements[0].main_movers_absent.digits': "
        "toes [1, 2] are not all this joint's ([2, 3, 4, 5])"
    ]


def test_empty_data_folder(tmp_path: Path) -> None:
    atlas, problems = load_atlas(tmp_path)
    assert [str(p) for p in problems] == [
        f"data folder: no data found in {tmp_path} (expected joints.yaml, references/*.yaml "
        "and structures/*.yaml)"
    ]
    assert len(atlas) == 0 and atlas.muscles() == []


def test_missing_data_folder(tmp_path: Path) -> None:
    _, problems = load_atlas(tmp_path / "nope")
    assert [str(p) for p in problems] == [f"data folder: {tmp_path}/nope not found"]


def test_folder_without_structures_or_joints(data: DataFolder) -> None:
    (data.path / "structures/base.yaml").unlink()
    (data.path / "structures/muscles.yaml").unlink()
    (data.path / "joints.yaml").unlink()
    assert data.messages() == [
        "joints.yaml: file is missing (it lists the joints and movements)",
        "structures: no structure files found (expected structures/*.yaml)",
    ]


def test_every_problem_is_reported_at_once(data: DataFolder) -> None:
    data.write("structures/broken.yaml", "structures: [\n")
    data.write(
        F,
        "structures:\n"
        + muscle(nerve="x_nerve")
        + muscle("plantaris", "Plantaris", extra="colour: red\n"),
    )
    atlas, problems = data.load()
    assert len(problems) == 3
    assert {p.file for p in problems} == {"structures/broken.yaml", F}
    assert "soleus" in atlas and "plantaris" not in atlas


def test_a_broken_file_is_reported_once_not_at_every_reference(data: DataFolder) -> None:
    broken = BASE.replace("    course: Down the back of the leg.\n", "    course: [\n", 1)
    data.write("structures/base.yaml", broken)
    data.write("references/core.yaml", "references:\n  - id: book\n    citation: 'A\n")
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        "references/core.yaml, line 4: malformed YAML at column 1: while scanning a quoted "
        "scalar: found unexpected end of stream",
        "references/core.yaml, line 4: 3 citations could not be checked because "
        "references/core.yaml failed to load",
        "structures/base.yaml, line 20: malformed YAML at column 3: while parsing a flow "
        "sequence: did not find expected ',' or ']'",
        "structures/base.yaml, line 20: 4 structure ids could not be checked because "
        "structures/base.yaml failed to load",
    ]
    soleus = atlas.get("soleus")  # kept, without the ids it cannot resolve
    assert soleus.innervation.nerves == [] and soleus.origins == []


def test_a_loop_of_parts_is_reported_and_cut(data: DataFolder) -> None:
    """Each of two muscles edited to be part of the other: named, not a hang in the Study
    panel (its walk up the parts never ended)."""
    text = muscle(extra="parent: plantaris\n") + muscle("plantaris", "Plantaris",
                                                          extra="parent: soleus\n")
    data.write(F, "structures:\n" + text)
    atlas, problems = data.load()
    loops = [str(p) for p in problems if "loop of parts" in str(p)]
    assert loops == [
        f"{F}, line 33: entry 'soleus', field 'parent': a loop of parts: soleus is part of "
        "plantaris is part of soleus",
        f"{F}, line 65: entry 'plantaris', field 'parent': a loop of parts: plantaris is part "
        "of soleus is part of plantaris",
    ]
    assert atlas["soleus"].parent is None and atlas["plantaris"].parent is None
    from calfexplorer.study import StudyFacts

    assert StudyFacts(atlas).family("soleus") == {"soleus"}


def test_an_empty_or_blank_name_is_refused_by_name(data: DataFolder) -> None:
    """A blank name passed validate, then crashed find-it questions and the Anki export."""
    data.write(F, "structures:\n" + muscle(name='"   "'))
    assert data.messages() == [
        f"{F}, line 4: entry 'soleus', field 'name': must not be empty (a name the user reads)"
    ]


def test_a_field_of_another_kind_is_named_as_such_not_suggested_as_itself(
    data: DataFolder,
) -> None:
    """A bone given a ligament's field read "unknown field 'resists' (did you mean
    'resists'?)"; a misspelt field is still suggested."""
    data.write("structures/base.yaml", BASE.replace(
        "    description: The heel bone.\n",
        "    description: The heel bone.\n    resists: []\n    landmark: [heel]\n"
        "    insertions: []\n"))
    assert data.messages()[:3] == [
        "structures/base.yaml, line 12: entry 'calcaneus', field 'resists': unknown field "
        "'resists': a bone has none",
        "structures/base.yaml, line 13: entry 'calcaneus', field 'landmark': unknown field "
        "'landmark' (did you mean 'landmarks'?)",
        # (a bone's own fields are the suggestions: a tendon's 'insertion' was offered)
        "structures/base.yaml, line 14: entry 'calcaneus', field 'insertions': unknown field "
        "'insertions': a bone has none",
    ]

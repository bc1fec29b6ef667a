"""A file or folder that fails to load is reported once, with what it leaves unchecked.

The ids it would have defined are not reported as unknown at every mention (issue #13 item 9):
on a copy of the real data folder each case reads as two lines, the cause and a count.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from calfexplorer.cli import main

from .data_folder import DataFolder, muscle


@pytest.fixture
def real(tmp_path: Path) -> DataFolder:
    """A copy of the app's own data folder."""
    return DataFolder.copy_of_app_data(tmp_path / "data")


def _count(message: str, pattern: str) -> int:
    found = re.fullmatch(pattern, message)
    assert found, message
    return int(found.group(1).replace(",", ""))


def test_a_byte_that_is_not_utf8_is_reported_at_its_line_once(real: DataFolder) -> None:
    nerves = real.path / "structures/nerves.yaml"
    raw = nerves.read_bytes()
    at = raw.index(b"name: Tibial nerve") + len(b"name: ")
    nerves.write_bytes(raw[:at] + b"\xe9" + raw[at + 1 :])  # "Tibial" -> latin-1 "\xe9ibial"
    line = raw.count(b"\n", 0, at) + 1
    column = at - raw.rfind(b"\n", 0, at)

    atlas, problems = real.load()
    messages = [str(p) for p in problems]
    assert messages[0] == (
        f"structures/nerves.yaml, line {line}: not UTF-8 text: byte 0xE9 at column {column} "
        "cannot be read (save the file as UTF-8)"
    )
    skipped = _count(
        messages[1],
        rf"structures/nerves\.yaml, line {line}: (\d+) structure ids could not be checked "
        r"because structures/nerves\.yaml failed to load",
    )
    assert skipped > 10 and len(messages) == 2  # no "unknown nerve" line at every muscle
    assert "tibial_nerve" not in atlas and "soleus" in atlas
    assert atlas.get("soleus").innervation.nerves == []  # kept, without what it cannot resolve


@pytest.mark.parametrize(
    ("damage", "cause", "because"),
    [
        (shutil.rmtree, "folder is missing (expected references/*.yaml)", "references/ is missing"),
        (
            lambda p: (shutil.rmtree(p), p.write_text("not a folder")),
            "cannot read folder: Not a directory",
            "references/ cannot be read",
        ),
        (
            lambda p: [f.unlink() for f in p.glob("*.yaml")],
            "no reference files found (expected references/*.yaml)",
            "references/ holds no reference files",
        ),
    ],
    ids=["missing", "not-a-folder", "empty"],
)
def test_a_references_folder_that_does_not_load_is_reported_once(
    real: DataFolder, damage, cause: str, because: str
) -> None:  # noqa: ANN001
    damage(real.path / "references")
    atlas, problems = real.load()
    messages = [str(p) for p in problems]
    assert messages[0] == f"references: {cause}"
    skipped = _count(
        messages[1], rf"references: ([\d,]+) citations could not be checked because {because}"
    )
    assert skipped > 1000 and len(messages) == 2
    assert "soleus" in atlas and atlas.get("soleus").innervation.refs == []


def test_an_empty_joints_file_is_reported_once(real: DataFolder) -> None:
    real.write("joints.yaml", "")
    atlas, problems = real.load()
    messages = [str(p) for p in problems]
    assert messages[0] == "joints.yaml: file is empty (expected 'joints:' followed by a list)"
    skipped = _count(
        messages[1],
        r"joints\.yaml: (\d+) joint names could not be checked because joints\.yaml failed to load",
    )
    assert skipped > 50 and len(messages) == 2  # no "unknown joint" line at every action
    assert atlas.get("soleus").actions == []


def test_the_count_is_exact_and_singular_for_one_mention(data: DataFolder) -> None:
    data.write("joints.yaml", "")
    assert data.messages() == [
        "joints.yaml: file is empty (expected 'joints:' followed by a list)",
        "joints.yaml: 1 joint name could not be checked because joints.yaml failed to load",
    ]


def test_a_missing_joints_file_leaves_the_joints_unchecked(data: DataFolder) -> None:
    (data.path / "joints.yaml").unlink()
    assert data.messages() == [
        "joints.yaml: file is missing (it lists the joints and movements)",
        "joints.yaml: 1 joint name could not be checked because joints.yaml is missing",
    ]


def test_other_unknown_ids_are_still_reported(data: DataFolder) -> None:
    """A failed references file covers its own ids only: a typo elsewhere is still a typo."""
    data.write("references/more.yaml", "references:\n  - id: atlas2\n    citation: 'An atlas\n")
    soleus = muscle().replace("refs: [book]\n", "refs: [book, atlas2, bokk]\n", 1)
    data.write("structures/muscles.yaml", "structures:\n" + soleus)
    assert data.messages() == [
        "references/more.yaml, line 4: malformed YAML at column 1: while scanning a quoted "
        "scalar: found unexpected end of stream",
        "references/more.yaml, line 4: 1 citation could not be checked because "
        "references/more.yaml failed to load",
        "structures/muscles.yaml, line 14: entry 'soleus', field 'origins[0].refs[2]': "
        "unknown reference 'bokk' (did you mean 'book'?)",
    ]


def test_validate_prints_the_cause_and_the_count(
    real: DataFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(real.path / "references")
    assert main(["validate", str(real.path)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "references: folder is missing (expected references/*.yaml)"
    assert lines[1].startswith("references: ") and len(lines) == 2
    assert err.strip() == "2 problems found"


def test_a_joint_or_reference_with_errors_of_its_own_is_not_called_unknown_at_each_use(
    real: DataFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    """One misspelt field in the knee's entry read as 26 lines of "unknown joint 'knee'" (and
    of "unknown joint movement" in lesions.yaml); a reference with an error of its own as
    "unknown reference" at every citation. A skipped muscle read as unknown in lesions.yaml
    and as "not a structure of the atlas" in bodyparts3d.yaml."""
    joints = real.path / "joints.yaml"
    joints.write_text(joints.read_text(encoding="utf-8").replace(
        "    name: Knee joint\n", "    name: Knee joint\n    nam: x\n"), encoding="utf-8")
    posterior = real.path / "structures/leg_posterior.yaml"
    text = posterior.read_text(encoding="utf-8")
    at = text.index("- id: soleus")
    posterior.write_text(text[:at] + text[at:].replace("    name: Soleus\n",
                                                       "    name: Soleus\n    colour: red\n", 1),
                         encoding="utf-8")
    refs = real.path / "references/core.yaml"
    text = refs.read_text(encoding="utf-8")
    first = re.search(r"- id: (\w+)\n", text)
    assert first
    refs.write_text(text.replace(first.group(0), first.group(0) + "    pages: [1]\n", 1),
                    encoding="utf-8")

    assert main(["validate", str(real.path)]) == 1
    said = capsys.readouterr().out.splitlines()
    assert not [line for line in said if "unknown joint" in line or "unknown muscle" in line
                or "unknown reference" in line or "not a structure" in line], said
    assert said[0] == ("joints.yaml: 24 joint names could not be checked because the entry "
                       "'knee' of joints.yaml has errors")
    assert any(f"could not be checked because the entry '{first.group(1)}' of "
               "references/core.yaml has errors" in line for line in said)
    assert any(line.startswith("lesions.yaml, line ") and line.endswith(
        ": entry 'knee_flexion', field 'movement': joint 'knee' has errors of its own in the "
        "atlas and was skipped") for line in said)
    assert any(line.startswith("bodyparts3d.yaml, line ") and line.endswith(
        ": entry 'soleus': muscle 'soleus' has errors of its own in the atlas and was skipped")
        for line in said)
    assert any("entry 'ankle_reflex', field 'muscles[1]': muscle 'soleus' has errors of its "
               "own in the atlas and was skipped" in line for line in said)


def test_a_yml_file_is_read_like_a_yaml_file(real: DataFolder, tmp_path: Path) -> None:
    """A teacher's structures/extra.yml was left out without a word, and 'validate' said OK."""
    from calfexplorer.atlas.cache import cache_key

    before = cache_key(real.path)
    (real.path / "structures/extra.yml").write_text(
        "structures:\n  - id: os_trigonum\n    kind: bone\n    name: Os trigonum\n"
        "    region: ankle\n    description: An accessory ossicle behind the talus.\n"
        "    references: [gray42]\n  - id: broken\n", encoding="utf-8")
    assert cache_key(real.path) != before  # (a cached atlas is not served without it)
    atlas, problems = real.load()
    assert [str(p).split(":")[0] for p in problems] == ["structures/extra.yml, line 8"], problems
    assert "os_trigonum" in atlas

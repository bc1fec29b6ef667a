"""``calfexplorer validate`` and ``calfexplorer facts`` on small data folders."""

from __future__ import annotations

import json
import re

import pytest

from calfexplorer.cli import main

from .data_folder import DataFolder, muscle


def test_validate_ok_prints_a_summary(data: DataFolder, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", str(data.path)]) == 0
    assert capsys.readouterr().out == "6 structures, 2 references: OK\n"


def test_validate_prints_every_problem_and_exits_1(
    data: DataFolder, capsys: pytest.CaptureFixture
) -> None:
    data.write("structures/muscles.yaml", "structures:\n" + muscle(nerve="tibal_nerve"))
    data.write("structures/broken.yaml", "structures:\n  - id: x\n   kind: bone\n")
    assert main(["validate", str(data.path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "structures/broken.yaml, line 3: malformed YAML at column 4: while parsing a block "
        "collection: did not find expected '-' indicator",
        "structures/muscles.yaml, line 27: entry 'soleus', field 'innervation.nerves[0]': "
        "unknown nerve 'tibal_nerve' (did you mean 'tibial_nerve'?)",
    ]
    assert captured.err == "2 problems found\n"


@pytest.mark.parametrize("command", [["validate"], ["facts", "--data"], ["lengths", "--data"]])
def test_a_command_given_an_empty_folder_says_so_in_one_line(
    tmp_path, capsys: pytest.CaptureFixture, command: list[str]
) -> None:
    """'facts' printed an empty JSON atlas after the error."""
    assert main([*command, str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"calfexplorer {command[0]}: no data found in {tmp_path} (expected "
                            "joints.yaml, references/*.yaml and structures/*.yaml)\n")


def test_facts_json(data: DataFolder, capsys: pytest.CaptureFixture) -> None:
    data.write(
        "structures/muscles.yaml",
        "structures:\n"
        + muscle()
        + muscle("gastrocnemius", "Gastrocnemius")
        + muscle("tibialis_anterior", "Tibialis anterior", "deep_fibular_nerve", "dorsiflexion"),
    )
    assert main(["facts", "--json", "--data", str(data.path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"structures", "references"}
    assert doc["references"]["book"]["citation"] == "An anatomy textbook."
    by_id = {s["id"]: s for s in doc["structures"]}
    soleus = by_id["soleus"]
    assert soleus["kind"] == "muscle" and soleus["name"] == "Soleus"
    assert soleus["synonyms"] == []
    assert soleus["origin"] == [
        {
            "id": "soleus:origin:soleal_line",
            "site": "soleal_line",
            "bone": "tibia",
            "landmark": "soleal line",
            "text": "From the soleal line.",
            "shape": "area",
            "refs": ["book"],
        }
    ]
    assert soleus["insertion"][0]["bone"] == "calcaneus"
    assert soleus["actions"] == [
        {
            "joint": "ankle",
            "movement": "plantarflexion",
            "role": "prime",
            "digits": [],
            "refs": ["book"],
            "disputed": [],
        }
    ]
    assert soleus["innervation"] == {
        "nerves": ["tibial_nerve"],
        "roots": ["S1", "S2"],
        "parts": [],
        "refs": ["book"],
        "disputed": [],
    }
    assert soleus["blood_supply"] == ["posterior_tibial_artery"]
    assert [(r["id"], r["joint"], r["movement"]) for r in soleus["synergists"]] == [
        ("gastrocnemius", "ankle", "plantarflexion")
    ]
    assert [(r["id"], r["joint"], r["movement"]) for r in soleus["antagonists"]] == [
        ("tibialis_anterior", "ankle", "plantarflexion")
    ]
    assert soleus["references"] == ["book"]
    assert by_id["tibia"]["origins_here"] == [
        {"id": f"{m}:origin:soleal_line", "muscle": m}
        for m in ("soleus", "gastrocnemius", "tibialis_anterior")
    ]
    assert by_id["tibial_nerve"]["supplies"] == ["soleus", "gastrocnemius"]


def test_facts_markdown(data: DataFolder, capsys: pytest.CaptureFixture) -> None:
    assert main(["facts", "--markdown", "--data", str(data.path)]) == 0
    out = capsys.readouterr().out
    assert "### Soleus" in out
    assert "| Innervation | Tibial nerve (S1, S2) |" in out
    assert "| Origin | Tibia: soleal line |" in out
    assert "| References | [1] |" in out  # numbered, not the bare id 'book'
    assert "\n1. An anatomy textbook." in out


def test_facts_reports_problems_on_stderr(data: DataFolder, capsys) -> None:
    data.write("structures/muscles.yaml", "structures:\n" + muscle(nerve="x"))
    assert main(["facts", "--json", "--data", str(data.path)]) == 1
    captured = capsys.readouterr()
    assert "unknown nerve 'x'" in captured.err
    assert json.loads(captured.out)["structures"]


@pytest.mark.parametrize("flag", ["--json", "--markdown"])
def test_facts_fails_on_problems_of_the_lesion_data_too(tmp_path, capsys, flag) -> None:
    """A malformed lesions.yaml was reported on stderr, and the exit code said success."""
    from data_copy import data_copy

    data = data_copy(tmp_path)
    with (data / "lesions.yaml").open("a", encoding="utf-8") as f:
        f.write("foo: [unclosed\n")
    assert main(["facts", flag, "--data", str(data)]) == 1
    captured = capsys.readouterr()
    assert "lesions.yaml, line" in captured.err and "malformed YAML" in captured.err
    assert captured.out  # the facts are still printed


@pytest.mark.parametrize(("rel", "named"), [
    ("geometry/muscles.yaml", "geometry/muscles.yaml: line "),
    ("skin_map.yaml", "skin_map.yaml"),
    ("bodyparts3d.yaml", "bodyparts3d.yaml"),
])
def test_validate_checks_the_other_data_files_too(tmp_path, capsys: pytest.CaptureFixture,
                                                  rel: str, named: str) -> None:
    """The geometry parameters, the skin map and the BodyParts3D mapping (they said OK with a
    syntax error, then the Study panel or the skin failed)."""
    from data_copy import append, data_copy

    data = data_copy(tmp_path)
    append(data / rel)
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(named in line for line in out), out


def test_a_key_given_twice_is_named_not_taken_silently(tmp_path, capsys) -> None:
    from data_copy import data_copy

    data = data_copy(tmp_path)
    bones = data / "structures" / "bones.yaml"
    text = bones.read_text(encoding="utf-8")
    bones.write_text(text.replace("    name: Tibia\n", "    name: Tibia\n    name: Shin\n", 1),
                     encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out
    assert "structures/bones.yaml, line" in out and "the key 'name' is given twice" in out


@pytest.mark.parametrize("rel", ["lesions.yaml", "skin_map.yaml", "bodyparts3d.yaml",
                                 "geometry/muscles.yaml", "structures/bones.yaml"])
def test_a_data_file_saved_in_another_encoding_is_named_at_its_line(tmp_path, capsys,
                                                                   rel: str) -> None:
    """Every data file says where its first byte that is not UTF-8 is, as the atlas's files
    did; the others read "cannot read file: 'utf-8' codec can't decode byte 0xe9 in position
    ..." (Python's words, no line)."""
    from data_copy import data_copy

    data = data_copy(tmp_path)
    path = data / rel
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"# caf\xe9 au lait"  # (a comment, saved as latin-1)
    path.write_bytes(b"\n".join(lines))
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    said = "line 3: not UTF-8 text: byte 0xE9 at column 6 cannot be read (save the file as UTF-8)"
    assert any(line.startswith(rel) and said in line for line in out), out
    assert not any("codec" in line for line in out), out


@pytest.mark.parametrize("rel", ["structures/huge.yaml", "lesions.yaml",
                                 "geometry/muscles.yaml"])
def test_an_enormous_data_file_is_named_and_not_read(tmp_path, capsys, rel: str) -> None:
    """A file far larger than any data file (a log saved under its name, thousands of
    entries pasted in) was parsed and checked entry by entry: 5,000 entries took 17 s,
    300,000 more than 5 minutes before the window could open."""
    from calfexplorer.atlas.yaml_io import MAX_DATA_FILE
    from data_copy import data_copy

    data = data_copy(tmp_path)
    path = data / rel
    entry = b"  - {id: s%d, kind: muscle, name: S%d, region: leg}\n"
    with path.open("ab") as f:
        f.write(b"structures:\n" if rel.startswith("structures/") else b"\n")
        n = 0
        while f.tell() <= MAX_DATA_FILE:
            f.write(b"".join(entry % (i, i) for i in range(n, n + 10_000)))
            n += 10_000
    size = path.stat().st_size / 1e6
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    said = (f"the file is {size:.1f} MB, more than the {MAX_DATA_FILE / 1e6:.0f} MB a data "
            "file may be (is it the right file?): it was not read")
    assert any(line.startswith(rel) and said in line for line in out), out
    assert not any("'s1'" in line for line in out), out[:5]  # (its entries were not checked)


def test_a_control_character_in_a_data_file_is_named_at_its_line(tmp_path, capsys) -> None:
    """It read "malformed YAML: unacceptable character #x0000: ... in "<unicode string>",
    position 1234" over two lines, with no line number."""
    from data_copy import data_copy

    data = data_copy(tmp_path)
    for rel in ("structures/bones.yaml", "lesions.yaml"):
        path = data / rel
        lines = path.read_bytes().split(b"\n")
        lines[3] = b"# a NUL\x00 pasted in"
        path.write_bytes(b"\n".join(lines))
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out.splitlines()
    for rel in ("structures/bones.yaml", "lesions.yaml"):
        assert f"{rel}, line 4: malformed YAML at column 8: character #x0000 is not allowed " \
               "(control characters are not allowed)" in out, out
    assert not any("<unicode string>" in line or not line.strip() for line in out), out


@pytest.mark.parametrize(("sid", "title", "rows"), [
    ("tibia", "Tibia", ("| Muscles arising | Soleus: soleal line<br>Gastrocnemius: soleal line",)),
    ("tibial_nerve", "Tibial nerve", (
        "| Roots | L4, L5, S1, S2, S3 |", "| Muscles supplied | Soleus, Gastrocnemius |",
        "| Course | Down the back of the leg. |",
    )),
    ("posterior_tibial_artery", "Posterior tibial artery", ("| Muscles supplied | Soleus",)),
])
def test_facts_markdown_one_bone_nerve_or_artery(
    data: DataFolder, capsys: pytest.CaptureFixture, sid: str, title: str, rows: tuple[str, ...]
) -> None:
    """A teacher asking for one bone, nerve or artery gets its table (an empty line before)."""
    data.write(
        "structures/muscles.yaml",
        "structures:\n" + muscle() + muscle("gastrocnemius", "Gastrocnemius"),
    )
    assert main(["facts", "--markdown", "--data", str(data.path), "--id", sid]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"### {title}\n")
    for row in rows:
        assert row in out


def test_facts_markdown_says_what_each_dispute_says_and_who_says_it(
        capsys: pytest.CaptureFixture) -> None:
    """A handout showed only 'Tibial nerve (S1, S2) [disputed]': not the other roots, nor
    their sources."""
    assert main(["facts", "--markdown", "--id", "soleus", "--id", "sartorius"]) == 0
    out = capsys.readouterr().out
    soleus, sartorius = out.split("### Sartorius")
    disputes = soleus.split("\nDisputed:\n")[1]
    assert "- **Innervation**: " in disputes and "(roots L5, S1, S2) [" in disputes
    cited = re.search(r"\(roots L5, S1, S2\) \[([\d, -]+)\]", disputes).group(1)
    # a helper named with the part that acts, and a word where the main movers are missing
    assert "Hip abduction: Gluteus maximus (upper fibres) (counting only this atlas's" in sartorius
    # the references cited are listed once each by number with their citations (a handout
    # showed bare ids, then every reference of the atlas in no findable order)
    references = sartorius.split("\n## References\n")[1]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", references, re.M)]
    assert numbers == list(range(1, len(numbers) + 1))
    imaios = next(n for n in numbers if f"\n{n}. IMAIOS e-Anatomy. Soleus" in references)
    spans = [[int(x) for x in part.split("-")] for part in cited.split(", ")]
    assert any(span[0] <= imaios <= span[-1] for span in spans)  # the dispute cites it
    # a note the disputes speak of is in the table (its fibre types were not)
    assert "| Notes | " in soleus and "**Fibre types" in soleus.split("\nDisputed:")[0]
    assert "| Also called | soleus muscle |" not in soleus

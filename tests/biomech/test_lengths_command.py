import csv
import io
import json

import pytest
from test_atlas_map import ATLAS

import calfexplorer.atlas
from calfexplorer.biomech import LegModel, Pose
from calfexplorer.cli import main
from calfexplorer.commands.lengths import parse_sweep

REAL_LOAD_ATLAS = calfexplorer.atlas.load_atlas


@pytest.fixture(autouse=True)
def fake_atlas(monkeypatch):
    monkeypatch.setattr(
        calfexplorer.atlas, "load_atlas", lambda path=None: (ATLAS, []), raising=False
    )


def test_json_for_one_pose(capsys, leg):
    assert main(["lengths", "--pose", "knee=90,ankle=-10", "--json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["pose"] == {"knee": 90.0, "ankle": -10.0, "subtalar": 0.0, "toes": 0.0}
    assert set(doc["muscles"]) == {
        "gastrocnemius",
        "gastrocnemius_medial_head",
        "soleus",
        "biceps_femoris",
    }
    state = LegModel.load().evaluate(Pose.from_degrees(knee=90, ankle=-10))
    soleus = doc["muscles"]["soleus"]
    assert soleus["length_m"] == pytest.approx(state.length("soleus_r"), abs=1e-12)
    assert set(soleus["moment_arms_m"]) == {"ankle", "subtalar"}
    assert doc["muscles"]["gastrocnemius"]["moment_arms_m"]["knee"] > 0
    assert "typo_muscle" in err  # the data problem is reported, the rest still printed


def test_csv_sweep(capsys):
    assert (
        main(["lengths", "--csv", "--sweep", "knee=0:120:10", "--muscles", "soleus,gastrocnemius"])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 13 * 2
    assert [float(r["knee_deg"]) for r in rows if r["muscle"] == "soleus"] == list(
        range(0, 121, 10)
    )
    soleus = [float(r["length_m"]) for r in rows if r["muscle"] == "soleus"]
    gastro = [float(r["length_m"]) for r in rows if r["muscle"] == "gastrocnemius"]
    assert max(soleus) - min(soleus) < 1e-4
    assert gastro[0] - gastro[-1] > 0.02
    assert all(r["moment_arm_knee_m"] == "" for r in rows if r["muscle"] == "soleus")


def test_grid_sweep_in_json(capsys):
    argv = [
        "lengths",
        "--json",
        "--sweep",
        "knee=0:90:90",
        "--sweep",
        "ankle=-10:10:10",
        "--muscles",
        "soleus",
    ]
    assert main(argv) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [(d["pose"]["knee"], d["pose"]["ankle"]) for d in docs] == [
        (0, -10),
        (0, 0),
        (0, 10),
        (90, -10),
        (90, 0),
        (90, 10),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--pose", "knee=200"], "knee angle 200 degrees is outside the model's range 0..120"),
        (["--sweep", "knee=0:120"], "range must be three numbers START:STOP:STEP"),
        (["--sweep", "elbow=0:1:1"], "must be JOINT=START:STOP:STEP with JOINT one of"),
        (["--muscles", "plantaris"], "no model path for plantaris"),
    ],
)
def test_bad_input_is_a_clear_error(capsys, argv, message):
    assert main(["lengths", *argv]) == 2
    assert message in capsys.readouterr().err


def test_parse_sweep_includes_stop():
    assert parse_sweep("ankle=-40:30:10") == ("ankle", [-40, -30, -20, -10, 0, 10, 20, 30])
    assert parse_sweep("knee=0:5:2") == ("knee", [0, 2, 4])


@pytest.mark.parametrize(
    ("sweeps", "asked"),
    [
        (["knee=0:120:0.0001"], "1,200,001 poses"),
        (["knee=0:120:0.1", "ankle=-40:30:0.1"], "the sweeps together ask for 841,901 poses"),
    ],
)
def test_a_huge_sweep_is_refused_at_once(capsys, monkeypatch, sweeps, asked):
    def no_model(*_args, **_kwargs):
        raise AssertionError("loaded the model for a sweep it should refuse")

    monkeypatch.setattr(LegModel, "load", no_model)
    argv = ["lengths", "--csv"] + [a for s in sweeps for a in ("--sweep", s)]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert asked in err and "more than the limit of 100,000" in err
    assert "--max-poses" in err


def test_max_poses_lowers_and_raises_the_limit(capsys):
    assert main(["lengths", "--csv", "--sweep", "knee=0:120:10", "--max-poses", "5"]) == 2
    assert "asks for 13 poses, more than the limit of 5" in capsys.readouterr().err
    argv = ["lengths", "--csv", "--sweep", "knee=0:120:10", "--max-poses", "13"]
    assert main([*argv, "--muscles", "soleus"]) == 0


@pytest.mark.parametrize(("value", "why"), [("0", "0 allows no pose"), ("-1", "-1 allows no pose"),
                                            ("lots", "'lots' is not a whole number")])
def test_a_limit_that_allows_no_pose_is_an_argument_error(capsys, value, why):
    # It was taken, then a plain pose 'asks for 1 poses, more than the limit of -1'.
    with pytest.raises(SystemExit) as exit_:
        main(["lengths", "--max-poses", value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and why in err[0], err


@pytest.mark.parametrize("fmt", ["--csv", "--json", "--text"])
def test_a_sweep_prints_each_pose_as_soon_as_it_is_evaluated(monkeypatch, fmt):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    evaluate = LegModel.evaluate
    seen: list[str] = []

    def evaluate_and_look(self, pose, **kwargs):
        seen.append(out.getvalue())
        return evaluate(self, pose, **kwargs)

    monkeypatch.setattr(LegModel, "evaluate", evaluate_and_look)
    argv = ["lengths", "--sweep", "knee=0:30:10", "--muscles", "soleus"]
    assert main(argv + ([fmt] if fmt != "--text" else [])) == 0
    assert len(seen) == 4
    # by the time pose k is evaluated, the output already holds poses 0..k-1
    marker = {"--csv": ",soleus,", "--json": '"pose"', "--text": "Pose:"}[fmt]
    counts = [text.count(marker) for text in seen]
    assert counts == [0, 1, 2, 3]
    if fmt == "--json":
        knees = [d["pose"]["knee"] for d in json.loads(out.getvalue())]
        assert knees == pytest.approx([0, 10, 20, 30])


def test_text_marks_a_moment_arm_against_the_atlas_and_says_why(capsys, monkeypatch):
    """Past about 110 degrees of knee flexion the model's lateral gastrocnemius path crosses
    the knee's axis: the table marks the extensor reading and says the muscle still flexes."""
    monkeypatch.setattr(calfexplorer.atlas, "load_atlas", REAL_LOAD_ATLAS)
    argv = ["lengths", "--sweep", "knee=90:120:30", "--muscles", "gastrocnemius,soleus"]
    assert main(argv) == 0
    at_90, at_120 = capsys.readouterr().out.split("Pose: ")[1:]
    assert "†" not in at_90
    gastro = next(line for line in at_120.splitlines() if "Gastrocnemius " in line)
    assert gastro.split("knee ")[1].split(",")[0].endswith("mm extensor†")
    soleus = next(line for line in at_120.splitlines() if "Soleus " in line)
    assert "†" not in soleus
    notes = [line for line in at_120.splitlines() if line.strip().startswith("†")]
    assert notes == [
        "  † Gastrocnemius: in this pose the model's path crosses the axis of the knee, so its "
        "moment arm has the other sign; the muscle itself still acts in knee flexion."
    ]


def test_text_names_what_the_numbers_are(capsys, monkeypatch):
    """The text read "tibialis_anterior 305.9 mm ankle +42.6 mm subtalar +8.9 mm": no word
    of what the numbers were, nor of the signs; the toes were "mtp" (--pose says "toes");
    --muscles took ids only ("Soleus" was refused)."""
    monkeypatch.setattr(calfexplorer.atlas, "load_atlas", REAL_LOAD_ATLAS)
    argv = ["lengths", "--muscles", "Tibialis anterior,flexor_hallucis_longus"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Length: the muscle-tendon length. Moment arms (mm)")
    line = next(x for x in out.splitlines() if "Tibialis anterior" in x)
    assert "ankle " in line and "mm dorsiflexor" in line and "mm invertor" in line
    assert "toes " in next(x for x in out.splitlines() if "Flexor hallucis longus" in x)
    assert "mtp" not in out
    assert "_" not in out  # names, not ids ("tibialis_anterior", "hip_adduction")


def test_text_names_the_hip_and_its_movements_in_words(capsys, monkeypatch):
    monkeypatch.setattr(calfexplorer.atlas, "load_atlas", REAL_LOAD_ATLAS)
    assert main(["lengths", "--muscles", "gracilis"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Gracilis" in x)
    assert "hip_" not in line and "hip " in line and "mm adductor" in line
    assert "mm hip" not in line and "mm flexor" in line  # (not "hip 13.7 mm hip flexor")

"""Exercise cards: each preset tied to the atlas's exercise advice, with the model's numbers
saying what the knee's position does to each muscle at the same ankle angle (a comparison of
percentages between muscles said a straight-knee stretch lengthens the soleus more)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from calfexplorer.motion.numbers import MotionModel, MuscleReadout
from calfexplorer.motion.presets import PRESETS, Preset
from calfexplorer.motion.words import pose_words


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _AtlasLike(Protocol):
    def get(self, structure_id: str) -> _Named | None: ...


@dataclass(frozen=True)
class Advice:
    """One exercise from the atlas that the preset illustrates."""

    muscle_id: str
    muscle_name: str
    name: str
    kind: str
    knee: str
    text: str


@dataclass(frozen=True)
class ExerciseCard:
    """A preset explained: its pose, the atlas's advice and the model's numbers.

    ``headline`` gives the focus muscles' lengths at the preset, e.g. ``"Straight-knee calf
    stretch: gastrocnemius +14 mm (103.1%), soleus +13 mm (104.1%) from anatomical
    position"``. ``knee_mm`` is what the knee does to each focus muscle: how much longer it is
    here than at the same ankle angle with the knee as in the presets of the same kind with
    the other knee position (straight against bent), millimetres; empty without such a preset.
    """

    preset: Preset
    pose_text: str
    headline: str
    knee_mm: dict[str, float]
    lines: tuple[str, ...]
    advice: tuple[Advice, ...]
    numbers: dict[str, MuscleReadout]


def matching_advice(atlas: _AtlasLike, p: Preset) -> list[Advice]:
    """Atlas exercises of the preset's focus (and ``also``) muscles with the same kind and knee
    position (an exercise for ``any`` knee position matches both), only those it names if it
    does (by name alone for a preset of no kind)."""
    if p.kind is None and not p.exercises:
        return []
    out = []
    for mid in (*p.focus, *p.also):
        muscle = atlas.get(mid)
        if muscle is None:
            continue
        for ex in getattr(muscle, "exercises", []) or []:
            if (p.kind is None or ex.kind == p.kind and ex.knee in (p.knee, "any")) and (
                    not p.exercises or ex.name in p.exercises):
                out.append(Advice(mid, muscle.name, ex.name, ex.kind, ex.knee, ex.text))
    return out


def exercise_cards(
    atlas: _AtlasLike, model: MotionModel, presets: Iterable[Preset] = PRESETS
) -> list[ExerciseCard]:
    """One card per preset with focus muscles the model has (anatomical position has none)."""
    presets = list(presets)
    cards = []
    for p in presets:
        numbers = model.readout(p.pose, p.focus)
        focus = [m for m in p.focus if m in numbers]
        if not focus:
            continue
        lines: list[str] = list(_also_lines(model.readout(p.pose, p.also)))
        if p.kind == "strengthen":
            start = model.readout(p.start_pose, focus)
            lines += _raise_lines(p, start, numbers, focus)
        twin = _other_knee(presets, p)
        knee_mm: dict[str, float] = {}
        if twin is not None:
            other = model.readout(replace(p.pose, knee=twin.pose.knee), focus)
            knee_mm = {m: 1000.0 * (numbers[m].length_m - other[m].length_m) for m in focus}
            lines += _knee_lines(p, twin, numbers, knee_mm)
            if p.kind == "stretch":
                lines += _ankle_lines(p, twin, numbers, model.readout(twin.pose, focus), knee_mm)
        cards.append(
            ExerciseCard(
                preset=p,
                pose_text=pose_words(p.pose),
                headline=_headline(p, numbers, focus),
                knee_mm=knee_mm,
                lines=tuple(lines),
                advice=tuple(matching_advice(atlas, p)),
                numbers=numbers,
            )
        )
    return cards


def _other_knee(presets: list[Preset], p: Preset) -> Preset | None:
    """The preset of the same kind with the other knee position (the bent-knee stretch for
    the straight-knee one), if any."""
    if p.kind is None or p.knee is None:
        return None
    return next((q for q in presets if q.kind == p.kind and q.knee not in (None, p.knee)), None)


def _pct(r: MuscleReadout) -> str:
    return f"{r.percent:.1f}%"


def _mm(value: float) -> str:
    return "0 mm" if round(value) == 0 else f"{value:+.0f} mm"


def _names(ids: list[str], numbers: dict[str, MuscleReadout]) -> str:
    return " and ".join(numbers[m].name.lower() for m in ids)


def _headline(p: Preset, numbers: dict[str, MuscleReadout], focus: list[str]) -> str:
    parts = ", ".join(
        f"{numbers[m].name.lower()} {_mm(numbers[m].change_mm)} ({_pct(numbers[m])})"
        for m in focus
    )
    return f"{p.name}: {parts} from anatomical position"


def _knee_lines(
    p: Preset, twin: Preset, numbers: dict[str, MuscleReadout], knee_mm: dict[str, float]
) -> list[str]:
    """What the knee does here: the muscles that cross it against those that do not."""
    focus = list(knee_mm)
    crossing = [m for m in focus if abs(knee_mm[m]) >= 0.5]
    steady = [m for m in focus if abs(knee_mm[m]) < 0.5]
    bend = round(twin.pose.degrees()["knee"])
    other = f"bent {bend}°" if bend else "straight"
    changes = ", ".join(f"{numbers[m].name.lower()} {_mm(knee_mm[m])}" for m in focus)
    lines = [f"Against the same ankle angle with the knee {other}: {changes}."]
    if not crossing or not steady:
        return lines
    if p.knee == "straight":
        what = "stretches the {} further" if p.kind == "stretch" else "keeps the {} longer"
        lines.append(
            f"So the straight knee is what {what.format(_names(crossing, numbers))}: it "
            f"crosses the knee; the {_names(steady, numbers)}, which does not, is the same "
            "either way."
        )
    else:
        lines.append(
            f"So bending the knee slackens the {_names(crossing, numbers)} and leaves the "
            f"{_names(steady, numbers)} as it was: "
            + ("the stretch falls on the " if p.kind == "stretch" else
               "the raise relies more on the ")
            + f"{_names(steady, numbers)}."
        )
    return lines


def _ankle_lines(
    p: Preset,
    twin: Preset,
    numbers: dict[str, MuscleReadout],
    there: dict[str, MuscleReadout],
    knee_mm: dict[str, float],
) -> list[str]:
    """Where the two stretches also differ at the ankle, what that adds to the muscles the
    knee leaves alone."""
    mine, theirs = p.pose.degrees()["ankle"], twin.pose.degrees()["ankle"]
    if round(mine) == round(theirs):
        return []
    lines = []
    for m in (m for m in knee_mm if abs(knee_mm[m]) < 0.5):
        diff = 1000.0 * (numbers[m].length_m - there[m].length_m)
        if round(diff) == 0:
            continue
        lines.append(
            f"The {numbers[m].name.lower()} is {abs(diff):.0f} mm "
            f"{'longer' if diff > 0 else 'shorter'} here than in the {twin.name.lower()} "
            f"only because the ankle goes to {round(mine)}° here and {round(theirs)}° there, "
            "not because of the knee."
        )
    return lines


def _also_lines(numbers: dict[str, MuscleReadout]) -> list[str]:
    """What the pose does to muscles beyond the focus, told as far as the model can: one that
    crosses only the knee as it is; one that also crosses the hip by the knee's share, and
    which way the hip bending of the real movement takes it (the model's hip stays straight);
    one that crosses only the hip as left out, with the way the hip would take it."""
    def say(ids: list[str]) -> str:
        return ", ".join(f"{numbers[m].name.lower()} {_mm(numbers[m].change_mm)}" for m in ids)

    def hip_way(ids: list[str], way: int) -> list[str]:  # (+1: hip flexion lengthens it)
        return [m for m in ids if way * numbers[m].moment_arms_m.get("hip", 0.0) < -1e-3]

    knee_only = [m for m in numbers if "hip" not in numbers[m].moment_arms_m]
    both = [m for m in numbers if "hip" in numbers[m].moment_arms_m
            and "knee" in numbers[m].moment_arms_m]
    hip_only = [m for m in numbers if m not in knee_only and m not in both]
    lines = []
    if knee_only:
        lines.append(f"Crossing only the knee, as they are in the squat: {say(knee_only)}.")
    if both:
        line = (f"Crossing knee and hip, the knee's share only: {say(both)}; the model keeps "
                "the hip straight")
        longer, shorter = hip_way(both, 1), hip_way(both, -1)
        if longer or shorter:
            line += ", and bending it, as the squat does, " + " and ".join(
                f"{'lengthens' if way > 0 else 'shortens'} the {_names(ids, numbers)}"
                for way, ids in ((1, longer), (-1, shorter)) if ids)
        lines.append(line + ".")
    if hip_only:
        longer = hip_way(hip_only, 1)
        line = (f"Crossing only the hip, unchanged in the model's straight hip: "
                f"{_names(hip_only, numbers)}")
        if longer:
            they = "it extends" if len(longer) == 1 else "they extend"
            line += (f"; the squat's hip bending lengthens the {_names(longer, numbers)} "
                     f"({they} the hip, by the model's moment arms)")
        lines.append(line + ".")
    return lines


def _raise_lines(
    p: Preset,
    start: dict[str, MuscleReadout],
    end: dict[str, MuscleReadout],
    focus: list[str],
) -> list[str]:
    where = pose_words(p.start_pose)
    moves = ", ".join(
        f"{end[m].name.lower()} {_mm(end[m].length_m * 1000 - start[m].length_m * 1000)}"
        for m in focus
    )
    lines = [f"From the start ({where}) to the top of the raise: {moves}."]
    for m in focus:
        if start[m].percent < 99.5:
            lines.append(
                f"The {end[m].name.lower()} already starts shortened ({_pct(start[m])}) in "
                f"this position."
            )
    return lines

"""Exercise cards: each preset tied to the atlas's exercise advice, with the model's numbers
saying which muscle it lengthens (or shortens) more."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from calfexplorer.motion.numbers import MotionModel, MuscleReadout
from calfexplorer.motion.presets import PRESETS, Preset
from calfexplorer.motion.words import pose_words


class _Exercise(Protocol):
    name: str
    kind: str
    knee: str
    text: str


class _Muscle(Protocol):
    id: str
    name: str
    exercises: list[_Exercise]


class _AtlasLike(Protocol):
    def get(self, structure_id: str) -> object | None: ...


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

    ``headline`` compares the focus muscles at the preset, e.g. ``"Straight-knee calf
    stretch: soleus 104.1% vs gastrocnemius 103.1% of anatomical length"``; ``favours`` is
    the focus muscle the preset lengthens more (stretch, squat) or shortens more
    (strengthening), in percent of its own anatomical length.
    """

    preset: Preset
    pose_text: str
    headline: str
    favours: str | None
    lines: tuple[str, ...]
    advice: tuple[Advice, ...]
    numbers: dict[str, MuscleReadout]


def matching_advice(atlas: _AtlasLike, p: Preset) -> list[Advice]:
    """Atlas exercises of the preset's focus muscles with the same kind and knee position
    (an exercise for ``any`` knee position matches both)."""
    if p.kind is None:
        return []
    out = []
    for mid in p.focus:
        muscle = atlas.get(mid)
        for ex in getattr(muscle, "exercises", []) or []:
            if ex.kind == p.kind and ex.knee in (p.knee, "any"):
                out.append(Advice(mid, muscle.name, ex.name, ex.kind, ex.knee, ex.text))  # type: ignore[union-attr]
    return out


def exercise_cards(
    atlas: _AtlasLike, model: MotionModel, presets: Iterable[Preset] = PRESETS
) -> list[ExerciseCard]:
    """One card per preset with focus muscles the model has (anatomical position has none)."""
    presets = list(presets)
    at = {p.id: model.readout(p.pose, p.focus) for p in presets}
    cards = []
    for p in presets:
        numbers = at[p.id]
        focus = [m for m in p.focus if m in numbers]
        if not focus:
            continue
        if p.kind == "strengthen":
            start = model.readout(p.start_pose, focus)
            ranked = sorted(focus, key=lambda m: numbers[m].percent - start[m].percent)
            headline = _raise_headline(p, start, numbers, ranked)
            lines = _raise_lines(p, start, numbers, ranked)
        else:
            ranked = sorted(focus, key=lambda m: numbers[m].percent, reverse=True)
            headline = _headline(p, numbers, ranked)
            lines = _stretch_lines(numbers, ranked)
        lines += _versus_other_presets(presets, at, p, focus)
        cards.append(
            ExerciseCard(
                preset=p,
                pose_text=pose_words(p.pose),
                headline=headline,
                favours=ranked[0] if len(ranked) > 1 else None,
                lines=tuple(lines),
                advice=tuple(matching_advice(atlas, p)),
                numbers=numbers,
            )
        )
    return cards


def _pct(r: MuscleReadout) -> str:
    return f"{r.percent:.1f}%"


def _mm(value: float) -> str:
    return f"{value:+.0f} mm"


def _headline(p: Preset, numbers: dict[str, MuscleReadout], ranked: list[str]) -> str:
    parts = " vs ".join(f"{numbers[m].name.lower()} {_pct(numbers[m])}" for m in ranked)
    return f"{p.name}: {parts} of anatomical length"


def _raise_headline(
    p: Preset,
    start: dict[str, MuscleReadout],
    end: dict[str, MuscleReadout],
    ranked: list[str],
) -> str:
    parts = " vs ".join(f"{end[m].name.lower()} {_pct(start[m])} → {_pct(end[m])}" for m in ranked)
    return f"{p.name}: {parts} of anatomical length over the raise"


def _stretch_lines(numbers: dict[str, MuscleReadout], ranked: list[str]) -> list[str]:
    if len(ranked) < 2:
        return []
    first, second = numbers[ranked[0]], numbers[ranked[1]]
    if second.percent < 99.95:
        return [
            f"It lengthens the {first.name.lower()} ({_pct(first)}, {_mm(first.change_mm)}) "
            f"while the {second.name.lower()} is shorter than in anatomical position "
            f"({_pct(second)}, {_mm(second.change_mm)})."
        ]
    line = (
        f"Relative to its own length it lengthens the {first.name.lower()} more "
        f"({_pct(first)}, {_mm(first.change_mm)}) than the {second.name.lower()} "
        f"({_pct(second)}, {_mm(second.change_mm)})."
    )
    if second.change_mm > first.change_mm + 0.5:
        line += f" In millimetres the {second.name.lower()}, the longer muscle, gains more."
    return [line]


def _raise_lines(
    p: Preset,
    start: dict[str, MuscleReadout],
    end: dict[str, MuscleReadout],
    ranked: list[str],
) -> list[str]:
    where = pose_words(p.start_pose)
    moves = ", ".join(
        f"{end[m].name.lower()} {_mm(end[m].length_m * 1000 - start[m].length_m * 1000)}"
        for m in ranked
    )
    lines = [f"From the start ({where}) to the top of the raise: {moves}."]
    for m in ranked:
        if start[m].percent < 99.5:
            lines.append(
                f"The {end[m].name.lower()} already starts shortened ({_pct(start[m])}) in "
                f"this position."
            )
    lines.append(
        f"Relative to its own length the {end[ranked[0]].name.lower()} shortens most over "
        f"the raise."
    )
    return lines


def _versus_other_presets(
    presets: list[Preset], at: dict[str, dict[str, MuscleReadout]], p: Preset, focus: list[str]
) -> list[str]:
    """For stretches: per muscle, which stretch preset lengthens it most."""
    if p.kind != "stretch":
        return []
    others = [q for q in presets if q.kind == "stretch" and q.id != p.id]
    lines = []
    for m in focus:
        rivals = [(q, at[q.id][m]) for q in others if m in at[q.id]]
        if not rivals:
            continue
        mine = at[p.id][m]
        best, theirs = max(rivals, key=lambda qr: qr[1].percent)
        verb = "more" if mine.percent >= theirs.percent else "less"
        lines.append(
            f"{mine.name}: {_pct(mine)} here vs {_pct(theirs)} in the {best.name.lower()}: "
            f"this preset stretches it {verb}."
        )
    return lines

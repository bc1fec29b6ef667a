"""Load ``data/lesions.yaml`` and check it against the atlas.

Like the atlas, loading never raises for bad data: every problem names the file, the entry and
the field, and every valid entry is kept so the rest of the lesion model still works.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from calfexplorer.atlas import Atlas, AtlasProblem
from calfexplorer.atlas.loader import _Collector
from calfexplorer.atlas.messages import did_you_mean, pydantic_message, type_name
from calfexplorer.atlas.models import Muscle, Nerve
from calfexplorer.atlas.yaml_io import DataFileError, load_yaml, read_text, yaml_problem
from calfexplorer.lesion.models import (
    CourseEvent,
    Dermatome,
    Myotome,
    NerveCourse,
    Reflex,
    Sign,
)

FILE = "lesions.yaml"
_SECTIONS: dict[str, type[BaseModel]] = {
    "courses": NerveCourse,
    "reflexes": Reflex,
    "dermatomes": Dermatome,
    "myotomes": Myotome,
    "signs": Sign,
}


@dataclass(frozen=True)
class LesionData:
    """The checked contents of ``lesions.yaml``, indexed for the lesion model."""

    courses: dict[str, NerveCourse] = field(default_factory=dict)
    reflexes: tuple[Reflex, ...] = ()
    dermatomes: dict[str, Dermatome] = field(default_factory=dict)
    signs: tuple[Sign, ...] = ()
    myotomes: tuple[Myotome, ...] = ()

    def myotomes_of(self, root: str) -> list[Myotome]:
        """The myotomes whose main roots include ``root``, the key one first."""
        return sorted((m for m in self.myotomes if root in m.roots), key=lambda m: not m.key)

    def tested_roots(self, muscle_ids: Iterable[str]) -> set[str]:
        """The roots sources test through any of these muscles (a myotome that names one of
        them: its roots and the roots of its disputes); empty for a muscle no myotome names."""
        ids = set(muscle_ids)
        return {r for m in self.myotomes if ids & set(m.muscles)
                for r in (*m.roots, *(x for a in m.disputed for x in a.roots or ()))}

    def key_myotome(self, root: str) -> Myotome | None:
        """The key movement (ISNCSCI key muscle group) that tests ``root``, if it has one."""
        return next((m for m in self.myotomes if m.key and root in m.roots), None)

    def levels_of(self, nerve_id: str) -> list[CourseEvent]:
        """The places where ``nerve_id`` can be cut, proximal to distal."""
        course = self.courses.get(nerve_id)
        return [e for e in course.course if e.level] if course else []

    def first_offered(self, nerve_id: str) -> str | None:
        """The level the lesion explorer offers first for ``nerve_id``: where it is injured
        most often (the common fibular nerve at the fibular neck), else its highest."""
        levels = self.levels_of(nerve_id)
        return next((e.level for e in levels if e.commonest), levels[0].level if levels else None)

    def branch_names(self) -> dict[str, str]:
        """Named branches the atlas lacks (``branch`` events), by id."""
        return {
            e.branch: e.name or e.branch
            for c in self.courses.values()
            for e in c.course
            if e.branch
        }

    def skin_names(self) -> dict[str, str]:
        """Cutaneous areas (``skin`` events), by id."""
        return {e.skin: e.name or e.skin for c in self.courses.values() for e in c.course if e.skin}


def load_lesion_data(
    atlas: Atlas, data_dir: Path | str | None = None
) -> tuple[LesionData, list[AtlasProblem]]:
    """Read and check ``lesions.yaml`` in ``data_dir`` (default: the app's data folder)."""
    from calfexplorer.paths import data_dir as app_data_dir

    root = Path(data_dir) if data_dir is not None else app_data_dir()
    out = _Collector(root)
    raw = read_sections(
        root / FILE, FILE, _SECTIONS, out, what="it lists where nerves branch and can be cut",
        cache=root.resolve() == app_data_dir().resolve(),
    )
    records: dict[str, list[tuple[int, Any]]] = {k: [] for k in _SECTIONS}
    for key, model in _SECTIONS.items():
        items = raw.get(key) or []
        if not isinstance(items, list):
            out.add(FILE, None, (), f"'{key}' must be a list, got {type_name(items)}")
            continue
        for i, item in enumerate(items):
            record = _validate(model, key, i, item, out)
            if record is not None:
                records[key].append((i, record))
    for key in records:
        records[key] = _first_of_each(records[key], key, out)
    data = LesionData(
        courses={c.nerve: c for _, c in records["courses"]},
        reflexes=tuple(r for _, r in records["reflexes"]),
        dermatomes={d.root: d for _, d in records["dermatomes"]},
        signs=tuple(s for _, s in records["signs"]),
        myotomes=tuple(m for _, m in records["myotomes"]),
    )
    for key, entries in records.items():
        for i, record in entries:
            for loc, message in _cross_check(atlas, data, record):
                out.add(FILE, _entry_name(record, i), loc, message, key=key, index=i)
    for nerve_id, loc, message in _coverage(atlas, data):
        i = next(i for i, c in records["courses"] if c.nerve == nerve_id)
        out.add(FILE, nerve_id, loc, message, key="courses", index=i)
    return data, out.problems()


def read_sections(
    path: Path, file: str, sections: Any, out: _Collector, *, what: str, cache: bool = False
) -> dict[str, Any]:
    """The top-level mapping of a data file made of named sections, or ``{}`` with one problem
    (missing, unreadable, malformed, not a mapping); an unknown section is named with the
    nearest known one. ``what`` says what the file is for, in the "missing" message."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        out.add(file, None, (), f"file is missing ({what})")
        return {}
    except OSError as exc:
        out.add(file, None, (), f"cannot read file: {exc.strerror or exc}")
        return {}
    except DataFileError as exc:
        out.add(file, None, (), str(exc), line=exc.line)
        return {}
    try:
        doc = load_yaml(text, file if cache else None)
    except yaml.YAMLError as exc:
        message, line = yaml_problem(exc, text)
        out.add(file, None, (), message, line=line)
        return {}
    if not isinstance(doc, dict):
        out.add(file, None, (), f"expected a mapping of sections, got {type_name(doc)}")
        return {}
    for key in doc:
        if key not in sections:
            out.add(file, None, (), f"unknown section '{key}'{did_you_mean(str(key), sections)}")
    return doc


def _first_of_each(entries: list[tuple[int, Any]], key: str,
                   out: _Collector) -> list[tuple[int, Any]]:
    """The entries of a section without a repeated id (nerve, root): each repeat is reported
    and left out (cards and panels are keyed by it: one of the two was never asked)."""
    seen: set[str] = set()
    kept = []
    for i, record in entries:
        name = _entry_name(record, i)
        if isinstance(name, str) and name in seen:
            attr = next(a for a in ("id", "nerve", "root") if getattr(record, a, None) == name)
            out.add(FILE, name, (attr,), f"duplicate {attr} '{name}': only the first one is used",
                    key=key, index=i)
            continue
        seen.add(str(name))
        kept.append((i, record))
    return kept


def _entry_name(record: Any, index: int) -> str | int:
    for attr in ("id", "nerve", "root"):
        if isinstance(value := getattr(record, attr, None), str):
            return value
    return index


def _validate(
    model: type[BaseModel], key: str, index: int, item: Any, out: _Collector
) -> Any | None:
    entry: str | int = index
    if isinstance(item, dict):
        for attr in ("id", "nerve", "root"):
            if isinstance(item.get(attr), str):
                entry = item[attr]
                break
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        names = set(model.model_fields) | set(CourseEvent.model_fields)
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p != "function-after[_one_kind(), CourseEvent]")
            out.add(FILE, entry, loc, pydantic_message(err, names), key=key, index=index)
        return None


Problem = tuple[tuple[str | int, ...], str]


def _refs(atlas: Atlas, refs: list[str], loc: tuple[str | int, ...]) -> Iterator[Problem]:
    if not atlas.references:  # the atlas has reported why (e.g. references/ is missing)
        return
    for j, ref in enumerate(refs):
        if ref not in atlas.references:
            yield (*loc, "refs", j), f"unknown reference '{ref}'"


def _cross_check(atlas: Atlas, data: LesionData, record: Any) -> Iterator[Problem]:
    if isinstance(record, NerveCourse):
        yield from _check_course(atlas, record)
    elif isinstance(record, Reflex):
        yield from _refs(atlas, record.refs, ())
        for j, m in enumerate(record.muscles):
            if not isinstance(atlas.get(m), Muscle):
                yield ("muscles", j), atlas.unknown("muscle", m)
        if not isinstance(atlas.get(record.nerve), Nerve):
            yield ("nerve",), atlas.unknown("nerve", record.nerve)
    elif isinstance(record, Dermatome):
        yield from _refs(atlas, record.refs, ())
    elif isinstance(record, Myotome):
        yield from _check_myotome(atlas, data, record)
    elif isinstance(record, Sign):
        yield from _refs(atlas, record.refs, ())
        for key in record.when.movements:
            if not _movement_known(atlas, key):
                yield ("when", "movements", key), _unknown_movement(atlas, key)
        branches = data.branch_names()
        for j, b in enumerate(record.when.nerves_cut):
            if b not in branches and not isinstance(atlas.get(b), Nerve):
                yield ("when", "nerves_cut", j), f"'{b}' is neither a nerve nor a named branch"


def _movement_known(atlas: Atlas, key: str) -> bool:
    """Whether ``joint.movement`` is a movement of the atlas's joints; true of any when the
    atlas has no joints at all (joints.yaml failed to load: reported once, not at each use)."""
    if not atlas.joints:
        return True
    joint_id, movement = key.split(".")
    joint = atlas.joints.get(joint_id)
    return joint is not None and movement in {x.id for x in joint.movements}


def _unknown_movement(atlas: Atlas, key: str) -> str:
    joint_id = key.split(".")[0]
    if joint_id not in atlas.joints and atlas.was_skipped(joint_id):
        return atlas.unknown("joint", joint_id)
    return f"unknown joint movement '{key}'"


def _check_myotome(atlas: Atlas, data: LesionData, m: Myotome) -> Iterator[Problem]:
    yield from _refs(atlas, m.refs, ())
    joint_id, movement = m.movement.split(".")
    if not _movement_known(atlas, m.movement):
        yield ("movement",), _unknown_movement(atlas, m.movement)
    elif atlas.joints:  # (no joints: joints.yaml failed to load, and said so once)
        for j, muscle_id in enumerate(m.muscles):
            muscle = atlas.get(muscle_id)
            if not isinstance(muscle, Muscle):
                yield ("muscles", j), atlas.unknown("muscle", muscle_id)
            elif not any(a.joint == joint_id and a.movement == movement for a in muscle.actions):
                yield ("muscles", j), (
                    f"the atlas gives {muscle_id} no {movement.replace('_', ' ')} of the "
                    f"{joint_id.replace('_', ' ')}"
                )
    for d, alt in enumerate(m.disputed):
        yield from _refs(atlas, alt.refs, ("disputed", d))
        if not alt.roots:
            yield ("disputed", d, "roots"), "a dispute about a myotome gives the other roots"
    if m.key:
        for root in m.roots:
            first = data.key_myotome(root)
            if first is not None and first.id != m.id:
                yield ("roots",), f"{root} already has a key movement ({first.id})"


def _check_course(atlas: Atlas, course: NerveCourse) -> Iterator[Problem]:
    nerve = atlas.get(course.nerve)
    if not isinstance(nerve, Nerve):
        yield ("nerve",), atlas.unknown("nerve", course.nerve)
        return
    levels: set[str] = set()
    for i, event in enumerate(course.course):
        loc: tuple[str | int, ...] = ("course", i)
        yield from _refs(atlas, event.refs, loc)
        for key in ("disputed", "skin_disputed"):
            for d, alt in enumerate(getattr(event, key)):
                yield from _refs(atlas, alt.refs, (*loc, key, d))
        for j, other in enumerate(event.skin_disputed_unless_cut):
            if not isinstance(atlas.get(other), Nerve):
                yield (*loc, "skin_disputed_unless_cut", j), atlas.unknown("nerve", other)
        if event.level:
            if event.level in levels:
                yield (*loc, "level"), f"level '{event.level}' appears twice in this course"
            levels.add(event.level)
        for j, m in enumerate(event.muscles or ()):
            muscle = atlas.get(m)
            if not isinstance(muscle, Muscle):
                yield (*loc, "muscles", j), atlas.unknown("muscle", m)
            elif not muscle.innervation.nerves:
                yield (*loc, "muscles", j), (
                    f"the atlas gives {m} no nerve it knows (see the atlas's problems), so "
                    f"{course.nerve} cannot be checked against it"
                )
            elif course.nerve not in muscle.innervation.nerves:
                yield (*loc, "muscles", j), (
                    f"the atlas says {m} is supplied by {', '.join(muscle.innervation.nerves)}, "
                    f"not {course.nerve}"
                )
        for j, n in enumerate(event.nerves or ()):
            child = atlas.get(n)
            if not isinstance(child, Nerve):
                yield (*loc, "nerves", j), atlas.unknown("nerve", n)
            elif child.branch_of != course.nerve:
                yield (*loc, "nerves", j), (
                    f"the atlas says {n} is a branch of {child.branch_of or 'no nerve'}, "
                    f"not of {course.nerve}"
                )
    if not levels:
        yield ("course",), "the course names no level where the nerve can be cut"


def _coverage(atlas: Atlas, data: LesionData) -> Iterator[tuple[str, tuple[str | int, ...], str]]:
    """Every muscle the atlas says a nerve supplies must leave that nerve's course somewhere."""
    for nerve_id, course in data.courses.items():
        listed = {m for e in course.course for m in e.muscles or ()}
        for muscle_id in atlas.muscles_supplied_by(nerve_id):
            muscle = atlas[muscle_id]
            if atlas.children(muscle_id) or muscle_id in listed:
                continue  # a whole is covered by its parts
            if muscle.parent and muscle.parent in listed:
                continue
            yield nerve_id, ("course",), (
                f"{muscle_id} is supplied by {nerve_id} in the atlas but no branch of this "
                "course reaches it"
            )

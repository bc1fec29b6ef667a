"""Dermatomes and cutaneous nerve territories on a skin surface (``data/skin_map.yaml``).

Each area is a union of patches in body-relative coordinates (height and angle around the leg,
along/across/normal on the foot), so the map is data and fits any skin whose vertices know the
body they follow. Pure numpy: no Qt, no VTK::

    skin_map, problems = load_skin_map(atlas)
    coords = skin_coordinates(skin.vertices, skin.normals, skin.vertex_bodies(), rest.bodies)
    labels = classify(skin_map, coords)
    labels.at(i)                         # (["L5"], ["first_web_space"]) for vertex i
    labels.numb(["dermatome_l5"])        # boolean mask, for a lesion's SkinEffect ids
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from calfexplorer.atlas import AtlasProblem
from calfexplorer.atlas.loader import _Collector
from calfexplorer.atlas.messages import did_you_mean, pydantic_message, type_name
from calfexplorer.atlas.models import Alternative, Id, Record, RefList, Root
from calfexplorer.lesion.data import read_sections

FILE = "skin_map.yaml"
LEG_BODIES = ("femur_r", "patella_r", "tibia_r", "talus_r")
FOOT_BODIES = ("calcn_r", "toes_r")

#: Two finite numbers (a NaN made an area cover five times the skin it should).
Finite = Annotated[float, Field(allow_inf_nan=False)]
Range = tuple[Finite, Finite]


class Patch(Record):
    """Skin inside every given range (see the header of ``skin_map.yaml``)."""

    part: Literal["leg", "foot"]
    height: Range | None = None
    angle: Range | None = None
    along: Range | None = None
    across: Range | None = None
    up: Range | None = None
    side: Range | None = None

    @model_validator(mode="after")
    def _fits_part(self) -> Patch:
        leg, foot = ("height", "angle"), ("along", "across", "up", "side")
        own, other = (leg, foot) if self.part == "leg" else (foot, leg)
        wrong = [k for k in other if getattr(self, k) is not None]
        if wrong:
            raise ValueError(f"a {self.part} patch cannot use {', '.join(wrong)}")
        if not any(getattr(self, k) is not None for k in own):
            raise ValueError(f"a {self.part} patch needs at least one of {', '.join(own)}")
        for k in ("height", "along", "across", "up", "side"):
            r = getattr(self, k)
            if r is not None and r[0] > r[1]:
                raise ValueError(f"{k} runs from {r[0]} down to {r[1]}: give the smaller first")
        if self.angle is not None and not all(0 <= a <= 360 for a in self.angle):
            raise ValueError(f"angle {list(self.angle)}: give degrees from 0 to 360")
        return self


class Area(Record):
    """One dermatome (``id`` is its root) or nerve territory, as patches with sources."""

    id: str
    name: str
    text: str
    nerves: list[Id] = []
    patches: Annotated[list[Patch], Field(min_length=1)]  # (none: an area no click can find)
    refs: RefList
    disputed: list[Alternative] = []


class Dermatome(Area):
    """An area whose id is a spinal root."""

    id: Root


class Territory(Area):
    """An area whose id matches the ``skin`` ids of ``lesions.yaml``, supplied by ``nerves``."""

    id: Id


class MapNote(Record):
    """Which published map is drawn."""

    dermatomes: str
    refs: RefList


@dataclass(frozen=True)
class SkinMap:
    """The checked areas, in the file's order (the first listed wins where areas overlap)."""

    dermatomes: tuple[Dermatome, ...] = ()
    territories: tuple[Territory, ...] = ()
    note: MapNote | None = None

    def area(self, area_id: str) -> Area | None:
        """A dermatome or territory by id."""
        return next((a for a in (*self.dermatomes, *self.territories) if a.id == area_id), None)


@dataclass(frozen=True)
class SkinCoordinates:
    """Per-vertex body-relative coordinates of a skin (see ``skin_map.yaml``)."""

    foot: np.ndarray  # bool: the vertex follows the foot
    height: np.ndarray
    angle: np.ndarray  # degrees, 0..360
    along: np.ndarray
    across: np.ndarray
    up: np.ndarray
    side: np.ndarray


def skin_coordinates(
    vertices: np.ndarray, normals: np.ndarray, vertex_bodies: Iterable[str],
    bodies: Mapping[str, np.ndarray],
) -> SkinCoordinates:
    """Coordinates of each skin vertex from rest-pose body transforms (4x4, body to world).

    Uses ``tibia_r`` (knee joint centre and the leg's anterior and lateral axes), ``talus_r``
    (ankle joint centre), ``calcn_r`` (foot frame) and ``toes_r`` (metatarsophalangeal joints).
    """
    v = np.asarray(vertices, np.float64)
    n = np.asarray(normals, np.float64)
    names = np.asarray(list(vertex_bodies), dtype=object)
    tib, tal = np.asarray(bodies["tibia_r"]), np.asarray(bodies["talus_r"])
    knee, ankle = tib[:3, 3], tal[:3, 3]
    axis = ankle - knee
    length = float(np.linalg.norm(axis))
    axis /= length
    rel = v - knee
    height = rel @ axis / length
    anterior = _orthogonal(tib[:3, 0], axis)
    lateral = np.cross(axis, anterior)  # the tibia's +z (lateral on the right leg)
    if lateral @ tib[:3, 2] < 0:
        lateral = -lateral
    angle = np.degrees(np.arctan2(rel @ lateral, rel @ anterior)) % 360.0
    cal = np.asarray(bodies["calcn_r"])
    rot, origin = cal[:3, :3], cal[:3, 3]
    local = (v - origin) @ rot  # x anterior, y up, z lateral
    toes = (np.asarray(bodies["toes_r"])[:3, 3] - origin) @ rot
    foot = np.isin(names, FOOT_BODIES)
    along = local[:, 0] / toes[0]
    z = local[:, 2] - toes[2] * np.clip(along, 0, None)  # from the heel-to-toes line
    lo = -z[foot].min() if foot.any() and z[foot].min() < 0 else 1.0
    hi = z[foot].max() if foot.any() and z[foot].max() > 0 else 1.0
    across = np.where(z < 0, z / lo, z / hi)
    nl = n @ rot
    return SkinCoordinates(foot, height, angle, along, across, nl[:, 1], nl[:, 2])


def _orthogonal(vector: np.ndarray, axis: np.ndarray) -> np.ndarray:
    out = vector - (vector @ axis) * axis
    return out / np.linalg.norm(out)


def _in(values: np.ndarray, r: Range | None) -> np.ndarray | bool:
    return True if r is None else (values >= r[0]) & (values <= r[1])


def _whole_turn(angle: tuple[float, float]) -> bool:
    """Whether clockwise from the first angle to the second is all the way round ([0, 360]
    covered one degree: 360 read as 0)."""
    return angle[0] != angle[1] and (angle[1] - angle[0]) % 360 == 0


def patch_mask(patch: Patch, c: SkinCoordinates) -> np.ndarray:
    """Which vertices the patch covers."""
    if patch.part == "leg":
        mask = ~c.foot & _in(c.height, patch.height)
        if patch.angle is not None and not _whole_turn(patch.angle):
            a, b = patch.angle[0] % 360, patch.angle[1] % 360
            after, before = c.angle >= a, c.angle <= b
            mask &= (after & before) if a <= b else (after | before)
        return np.asarray(mask)
    mask = c.foot.copy()
    for key in ("along", "across", "up", "side"):
        mask &= _in(getattr(c, key), getattr(patch, key))
    return mask


@dataclass
class SkinLabels:
    """Which areas cover each vertex; ``primary_*`` is the first listed area (-1: none)."""

    dermatome_ids: tuple[str, ...]
    territory_ids: tuple[str, ...]
    dermatomes: np.ndarray  # (n, k) bool
    territories: np.ndarray  # (n, m) bool
    primary_dermatome: np.ndarray = field(init=False)
    primary_territory: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.primary_dermatome = _first(self.dermatomes)
        self.primary_territory = _first(self.territories)

    def at(self, vertex: int) -> tuple[list[str], list[str]]:
        """The dermatomes and territories at a vertex, the first-listed first (for a click)."""
        d = [a for a, on in zip(self.dermatome_ids, self.dermatomes[vertex], strict=True) if on]
        t = [a for a, on in zip(self.territory_ids, self.territories[vertex], strict=True) if on]
        return d, t

    def mask(self, area_id: str) -> np.ndarray:
        """The vertices an area covers (a root such as ``L4`` or a territory id)."""
        if area_id in self.dermatome_ids:
            return self.dermatomes[:, self.dermatome_ids.index(area_id)]
        if area_id in self.territory_ids:
            return self.territories[:, self.territory_ids.index(area_id)]
        raise KeyError(f"no skin area '{area_id}'{did_you_mean(area_id, self.ids())}")

    def ids(self) -> list[str]:
        """Every area id, dermatomes first."""
        return [*self.dermatome_ids, *self.territory_ids]

    def numb(self, skin_ids: Iterable[str]) -> np.ndarray:
        """Vertices that go numb for a lesion's skin effects (territory ids, or
        ``dermatome_l5``-style ids as the lesion model writes them). An area the map has no
        shape for is left out (``validate`` reports it: :func:`unmapped_areas`)."""
        out = np.zeros(len(self.dermatomes), dtype=bool)
        known = set(self.ids())
        for sid in skin_ids:
            key = _area_key(sid)
            if key in known:
                out |= self.mask(key)
        return out


def _area_key(skin_id: str) -> str:
    """The map's area id of a lesion's skin effect (``dermatome_l5`` -> ``L5``)."""
    return skin_id.removeprefix("dermatome_").upper() if skin_id.startswith("dermatome_") \
        else skin_id


def unmapped_areas(skin_map: SkinMap, lesion_data: Any) -> list[AtlasProblem]:
    """The dermatomes and skin branches of ``lesions.yaml`` this map draws no area for (the
    lesion view could not shade them)."""
    from calfexplorer.lesion.data import FILE as LESIONS

    drawn = {a.id for a in (*skin_map.dermatomes, *skin_map.territories)}
    out = [AtlasProblem(LESIONS, root, None, f"the dermatome {root} has no area in {FILE}")
           for root, dermatome in lesion_data.dermatomes.items()
           if root not in drawn and dermatome.on_skin]
    for nerve, course in lesion_data.courses.items():
        for i, event in enumerate(course.course):
            if event.skin and event.skin not in drawn:
                out.append(AtlasProblem(LESIONS, nerve, f"course[{i}].skin",
                                        f"'{event.skin}' has no area in {FILE}"))
    return out


def _first(masks: np.ndarray) -> np.ndarray:
    if masks.shape[1] == 0:
        return np.full(len(masks), -1)
    return np.where(masks.any(1), masks.argmax(1), -1)


def classify(skin_map: SkinMap, coords: SkinCoordinates) -> SkinLabels:
    """Label every vertex with the areas of the map that cover it."""

    def masks(areas: tuple[Area, ...]) -> np.ndarray:
        out = []
        for area in areas:
            m = np.zeros(len(coords.foot), bool)
            for patch in area.patches:
                m |= patch_mask(patch, coords)
            out.append(m)
        return np.stack(out, axis=1) if out else np.zeros((len(coords.foot), 0), bool)

    return SkinLabels(
        tuple(a.id for a in skin_map.dermatomes), tuple(a.id for a in skin_map.territories),
        masks(skin_map.dermatomes), masks(skin_map.territories),
    )


_SECTIONS: dict[str, Any] = {"map": MapNote, "dermatomes": Dermatome, "territories": Territory}


def load_skin_map(
    atlas: Any = None, data_dir: Path | str | None = None
) -> tuple[SkinMap, list[AtlasProblem]]:
    """Read and check ``skin_map.yaml``; never raises for bad data (problems name file, entry
    and field, and every valid area is kept). With ``atlas``, refs and nerves are checked."""
    from calfexplorer.paths import data_dir as app_data_dir

    root = Path(data_dir) if data_dir is not None else app_data_dir()
    out = _Collector(root)
    raw = read_sections(
        root / FILE, FILE, _SECTIONS, out, what="it draws the dermatomes and nerve territories"
    )
    note = None
    if "map" in raw:
        try:
            note = MapNote.model_validate(raw["map"])
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                out.add(FILE, "map", tuple(err["loc"]),
                        pydantic_message(err, set(MapNote.model_fields)))
    else:
        out.add(FILE, None, (), "the 'map' section (which published map is drawn) is missing")
    sections: dict[str, list[Any]] = {}
    for key in ("dermatomes", "territories"):
        sections[key] = []
        items = raw.get(key) or []
        if not isinstance(items, list):
            out.add(FILE, None, (), f"'{key}' must be a list, got {type_name(items)}")
            continue
        seen: set[str] = set()
        for i, item in enumerate(items):
            area = _validate(_SECTIONS[key], key, i, item, out)
            if area is None:
                continue
            if area.id in seen:
                out.add(FILE, area.id, ("id",), f"'{area.id}' is listed twice", key=key, index=i)
                continue
            seen.add(area.id)
            sections[key].append(area)
            for loc, message in _cross_check(atlas, area, key):
                out.add(FILE, area.id, loc, message, key=key, index=i)
    if note is not None and atlas is not None:
        for loc, message in _refs(atlas, note.refs, ()):
            out.add(FILE, "map", loc, message)
    skin_map = SkinMap(tuple(sections["dermatomes"]), tuple(sections["territories"]), note)
    return skin_map, out.problems()


def _validate(model: Any, key: str, index: int, item: Any, out: _Collector) -> Any | None:
    entry: str | int = index
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        entry = item["id"]
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        names = set(model.model_fields) | set(Patch.model_fields)
        for err in exc.errors(include_url=False):
            out.add(FILE, entry, tuple(err["loc"]), pydantic_message(err, names), key=key,
                    index=index)
        return None


Problem = tuple[tuple[str | int, ...], str]


def _refs(atlas: Any, refs: list[str], loc: tuple[str | int, ...]) -> Iterable[Problem]:
    if not atlas.references:
        return
    for j, ref in enumerate(refs):
        if ref not in atlas.references:
            yield (*loc, "refs", j), f"unknown reference '{ref}'"


def _cross_check(atlas: Any, area: Area, key: str) -> Iterable[Problem]:
    if key == "territories" and not area.nerves:
        yield ("nerves",), "a territory names the nerve that supplies it"
    if atlas is None:
        return
    from calfexplorer.atlas.models import Nerve

    yield from _refs(atlas, area.refs, ())
    for d, alt in enumerate(area.disputed):
        yield from _refs(atlas, alt.refs, ("disputed", d))
    for j, nerve in enumerate(area.nerves):
        if not isinstance(atlas.get(nerve), Nerve):
            yield ("nerves", j), atlas.unknown("nerve", nerve)

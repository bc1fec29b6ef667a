"""Geometry parameters from ``data/geometry/*.yaml``: bones, swept structures, attachment sites."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calfexplorer.paths import data_dir


@dataclass(frozen=True)
class Source:
    """One path a swept structure follows: a model actuator, or authored points in bone frames."""

    actuator: str | None = None
    points: tuple[tuple[str, tuple[float, float, float]], ...] = ()


@dataclass(frozen=True)
class SweepSpec:
    """Shape of one swept structure (muscle, tendon, nerve, vessel, ligament, retinaculum or
    fascial sheet: a flat tube); lengths in metres."""

    id: str
    kind: str
    layer: str
    sources: tuple[Source, ...]
    range: tuple[float, float] = (0.0, 1.0)
    end_before: float | None = None  # stop this many metres before the path's end (rest pose)
    tail: float | None = None  # cover only the last this-many metres of each path (rest pose)
    belly: tuple[float, float] = (0.2, 0.8)
    peak: float = 0.5
    fullness: float | tuple[float, float] = 0.7  # or [above the peak, below it]
    width: float = 0.03
    thickness: float = 0.02
    tendon: tuple[float, float] = (0.005, 0.005)
    tendon_flat: float = 1.0
    offset: float = 0.0
    side_offset: float = 0.0
    flat_deep: float = 0.0
    # belly cross-section curved around its bed: the width edges lie this far (m) deeper than
    # the middle (parabolic), e.g. the soleus' crescent wrapping the deep muscles
    wrap: float = 0.0
    # thickness axis: [x, y, z] in the world, or [body, x, y, z] in a body frame (else outwards)
    thickness_dir: tuple | None = None
    # [[u, outwards, sideways], ...]: shift of the whole cross-section along the structure (m),
    # linear between the listed fractions u of the covered path: lays a solid on its bed
    bend: tuple[tuple[float, float, float], ...] = ()
    # [[u, width, thickness?], ...]: tendon cross-section along the structure (m), linear between
    # the listed u (thickness defaults to width / tendon_flat); replaces the taper from tendon[0]
    # to tendon[1] (e.g. a tendon narrowest above its insertion)
    widths: tuple[tuple[float, ...], ...] = ()
    # nerves and vessels: where the path runs in the air, move it to lie this far (m) from the
    # nearest bone, muscle or tendon; subcutaneous ones are also lifted out of muscle onto it
    hug: float | None = None
    # [[body, x, y, z], ...]: points in body frames put before each model path, e.g. to carry a
    # belly up to its origin patch where the model's path starts lower (poses with the body)
    prepend: tuple = ()
    subcutaneous: bool = False
    # [[body, x, y, z], ...]: points in body frames put after each model path, e.g. to carry a
    # tendon on past the toe the model's path ends on (poses with the body)
    append: tuple = ()
    # (start, gap, cuts, ends): a sheet split into slips towards its end (geometry/slips.py)
    slips: tuple = ()
    # > 0: a round tendon that divides into slips this wide (m) at the split, instead of a flat
    # sheet cut into slips; the slips keep their width and fan apart as 'widths' widens
    slip_width: float = 0.0
    # [[u, body, x, y, z], ...]: the thickness axis from the split on (each row from its u on,
    # in its body's frame): the plane the slips fan out in, turning with the toes past their
    # joints
    slip_dir: tuple = ()
    # [[u, lift of slip 0, lift of slip 1, ...], ...]: each slip moved along the thickness axis
    # (m), linear between the listed u: lays each slip on its own bed (the dorsum's dome)
    slip_lift: tuple[tuple[float, ...], ...] = ()
    # [[u, shift of slip 0, ...], ...]: each slip moved across the fan (m), linear between the
    # listed u: two halves of one tendon parting round another tendon
    slip_side: tuple[tuple[float, ...], ...] = ()
    stations: int = 48
    ring: int = 20
    smooth: int = 2
    push_out: bool = True


@dataclass(frozen=True)
class BoneSpec:
    """One atlas bone: the model mesh it comes from, which pieces of it, and remesh spacing."""

    id: str
    mesh: str
    spacing: float
    triangles: int = 8000
    seeds: tuple[tuple[float, float, float], ...] = ()  # pick components nearest these points


@dataclass(frozen=True)
class SiteSpec:
    """Where an attachment patch sits and how big it is."""

    id: str  # "<structure>:<origin|insertion>:<site>"
    actuator: str | None = None
    point: tuple[str, tuple[float, float, float]] | None = None
    # several [body, x, y, z] centres instead of one (a site on four toes: one patch on each)
    points: tuple[tuple[str, tuple[float, float, float]], ...] = ()
    size: float | None = None
    direction: tuple[float, float, float] | None = None  # line direction in the bone's body frame
    shift: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class GeometryParams:
    """Everything read from ``data/geometry``."""

    bones: tuple[BoneSpec, ...]
    sweeps: tuple[SweepSpec, ...]
    sites: tuple[SiteSpec, ...]
    axis_bodies: tuple[str, ...]
    no_geometry: dict[str, str] = field(default_factory=dict)
    files: tuple[Path, ...] = ()


#: YAML blocks of swept structures -> the kind their entries get unless they name one.
_SWEPT_GROUPS: dict[str, str] = {
    "muscles": "muscle", "tendons": "tendon", "nerves": "nerve", "arteries": "artery",
    "veins": "vein", "ligaments": "ligament", "retinacula": "retinaculum", "fasciae": "fascia",
}


def _tuple(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_tuple(x) for x in v)
    return v


def _sources(raw: Any) -> tuple[Source, ...]:
    out = []
    for s in raw:
        if isinstance(s, str):
            out.append(Source(actuator=s))
        else:
            pts = tuple((p[0], (float(p[1]), float(p[2]), float(p[3]))) for p in s["points"])
            out.append(Source(points=pts))
    return tuple(out)


def _checked(spec: SweepSpec) -> SweepSpec:
    """The spec, or ValueError naming the first field out of range (a ring of 2 points, a
    negative width or fullness went through 'validate' and failed in build-assets naming
    nothing, or built a mesh of NaN)."""

    def pair(v: object, ok: Callable[[float], bool]) -> bool:
        return isinstance(v, tuple) and len(v) == 2 and all(_number(x) and ok(x) for x in v)

    fullness = spec.fullness if isinstance(spec.fullness, tuple) else (spec.fullness,) * 2
    problems = (
        ("stations", spec.stations >= 4, "at least 4"),
        ("ring", spec.ring >= 3, "at least 3"),
        ("smooth", spec.smooth >= 0, "0 or more"),
        ("width", spec.width > 0, "above 0"),
        ("thickness", spec.thickness > 0, "above 0"),
        ("range", pair(spec.range, lambda x: 0 <= x <= 1) and spec.range[0] < spec.range[1],
         "two fractions 0 <= a < b <= 1"),
        ("belly", pair(spec.belly, lambda x: 0 <= x <= 1) and spec.belly[0] <= spec.belly[1],
         "two fractions 0 <= a <= b <= 1"),
        ("peak", _number(spec.peak) and 0 <= spec.peak <= 1, "a fraction 0..1"),
        ("fullness", pair(fullness, lambda x: 0 < x <= 2), "a number (or two) above 0, at most 2"),
        ("tendon", pair(spec.tendon, lambda x: x > 0), "two sizes above 0 (metres)"),
        ("tendon_flat", spec.tendon_flat > 0, "above 0"),
        ("end_before", spec.end_before is None or 0 < spec.end_before < 1, "0..1 metre"),
        ("tail", spec.tail is None or 0 < spec.tail < 1, "0..1 metre"),
        ("widths", all(len(w) in (2, 3) and 0 <= w[0] <= 1 and all(x > 0 for x in w[1:])
                       for w in spec.widths), "[u 0..1, width above 0, thickness above 0?] rows"),
        ("slip_width", _number(spec.slip_width) and spec.slip_width >= 0
         and (spec.slip_width == 0 or bool(spec.slips)), "0 or more, with 'slips'"),
        ("slip_dir", isinstance(spec.slip_dir, tuple) and all(
            isinstance(row, tuple) and len(row) == 5 and _number(row[0]) and 0 <= row[0] <= 1
            and _body_row(row[1:], nonzero=True) for row in spec.slip_dir),
         "[[u 0..1, body, x, y, z with a non-zero vector], ...] rows"),
        ("slip_lift", not spec.slip_lift or (spec.slip_width > 0 and all(
            len(row) == len(spec.slips[3]) + 1 and all(_number(x) for x in row)
            and 0 <= row[0] <= 1 for row in spec.slip_lift)),
         "[u 0..1, one lift per slip] rows, with 'slip_width'"),
        ("slip_side", not spec.slip_side or (spec.slip_width > 0 and all(
            len(row) == len(spec.slips[3]) + 1 and all(_number(x) for x in row)
            and 0 <= row[0] <= 1 for row in spec.slip_side)),
         "[u 0..1, one shift per slip] rows, with 'slip_width'"),
        ("append", isinstance(spec.append, tuple) and all(_body_row(p) for p in spec.append),
         "[[body, x, y, z], ...] rows"),
        ("slips", not spec.slips or _slips_ok(spec.slips),
         "[start above 0, gap above 0, [cuts 0..1 rising], [one end per slip, from start to "
         "1]]"),
    )
    for name, ok, wanted in problems:
        if not ok:
            raise ValueError(f"field '{name}' is {getattr(spec, name)!r}; it must be {wanted}")
    return spec


def _slips_ok(slips: tuple) -> bool:
    if len(slips) != 4 or not all(_number(x) for x in slips[:2]):
        return False
    start, gap, cuts, ends = slips
    fractions = [*cuts, *ends, start, gap]
    # (a start or gap of 0 left the split with no first station or no gap to build; an end
    # before the start left the sheet open)
    return (isinstance(cuts, tuple) and isinstance(ends, tuple) and len(ends) == len(cuts) + 1
            and all(_number(x) and 0 <= x <= 1 for x in fractions)
            and list(cuts) == sorted(cuts) and start > 0 and gap > 0
            and all(end >= start for end in ends))


def _body_row(value: object, nonzero: bool = False) -> bool:
    """A ``(body, x, y, z)`` row of three numbers (not all zero where ``nonzero``)."""
    return (isinstance(value, tuple) and len(value) == 4 and isinstance(value[0], str)
            and all(_number(x) for x in value[1:])
            and (not nonzero or any(x != 0 for x in value[1:])))


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def geometry_dir(root: Path | None = None) -> Path:
    """Folder of the geometry parameters."""
    return (root or data_dir()) / "geometry"


class GeometryDataError(ValueError):
    """A geometry parameter file that cannot be used; its text names the file (one line)."""


def load_params(root: Path | None = None) -> GeometryParams:
    """Read and merge ``data/geometry/*.yaml`` (and ``.yml``; later files add entries to
    earlier ones, each entry in one file only). Raises :class:`GeometryDataError` naming the
    file (and entry, where one is at fault)."""
    import yaml  # (here: the pack leg's start reads tube layouts from this package, no YAML)

    from calfexplorer.atlas.files import yaml_files_in
    from calfexplorer.atlas.yaml_io import DataFileError, yaml_problem

    folder = geometry_dir(root)
    files = tuple(yaml_files_in(folder))
    try:  # the same files read before (the study's facts, the motion lab's deformer)
        key = tuple((path, hashlib.sha1(path.read_bytes()).digest()) for path in files)
    except OSError:
        key = None  # (read below, where it says which file)
    if key is not None and (known := _READ.get(folder)) is not None and known[0] == key:
        return known[1]
    out = _Merged()
    for path in files:
        try:
            _merge(path, out)
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError,
                IndexError, RecursionError) as exc:
            where = f"{path.parent.name}/{path.name}"
            entry = f", entry '{out.entry}'" if out.entry else ""
            why = " ".join(str(exc).split())
            if isinstance(exc, KeyError):
                why = f"field {why} is missing"
            if isinstance(exc, RecursionError):  # (20,000 nested lists)
                why = "nested too deep to read"
            if isinstance(exc, OSError):
                why = f"cannot read file: {exc.strerror or exc}"
            if isinstance(exc, DataFileError):
                why = str(exc) if exc.line is None else f"line {exc.line}: {exc}"
            if isinstance(exc, yaml.YAMLError):
                message, line = yaml_problem(exc, out.text)
                why = message if line is None else f"line {line}: {message}"
            raise GeometryDataError(f"{where}{entry}: {why}; the 3D geometry parameters "
                                    "cannot be read") from None
    params = GeometryParams(tuple(out.bones), tuple(out.sweeps), tuple(out.sites), out.axis,
                            out.no_geometry, files)
    if key is not None:
        _READ[folder] = (key, params)
    return params


#: The parameters last read from each folder, by the files' paths and contents (parsing them
#: takes ~0.2-0.3 s; both the study and the motion lab need them).
_READ: dict[Path, tuple[tuple[tuple[Path, bytes], ...], GeometryParams]] = {}


class _Merged:
    """What the files read so far give, and the entry being read (for the message)."""

    def __init__(self) -> None:
        self.bones: list[BoneSpec] = []
        self.sweeps: list[SweepSpec] = []
        self.sites: list[SiteSpec] = []
        self.axis: tuple[str, ...] = ()
        self.no_geometry: dict[str, str] = {}
        self.entry: str | None = None
        self.text = ""  # the file being read (for where its YAML is malformed)
        self._given_in: dict[str, Path] = {}

    def claim(self, entry: str, path: Path) -> None:
        """Note that ``path`` gives ``entry``; ValueError where it was given before, in this
        file's other section or another file (a second soleus replaced the first unseen, from
        another layer)."""
        first = self._given_in.get(entry)
        if first is not None:
            where = "another section of this file" if first == path else first.name
            raise ValueError(f"it is given in {where} too; give each entry once")
        self._given_in[entry] = path


def _merge(path: Path, out: _Merged) -> None:
    """Add one file's parameters to ``out``."""
    from calfexplorer.atlas.yaml_io import Loader, read_text  # (safe: a key given twice is refused)

    out.entry, out.text = None, ""
    text = out.text = read_text(path)
    # An alias repeats what its anchor holds: nine nested ones in 600 bytes made billions of
    # numbers to read (validate ran out of memory after a minute, the study panel could not
    # open). These files need none.
    import yaml

    if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=Loader)):
        raise ValueError("YAML aliases (*name) are not allowed in the geometry files")
    doc = yaml.load(text, Loader=Loader) or {}  # noqa: S506 - a safe loader
    if not isinstance(doc, dict):
        raise ValueError("the file must be a mapping of sections")
    for section in ("no_geometry", "bones", "sites", *_SWEPT_GROUPS):
        if not isinstance(doc.get(section) or {}, dict):
            raise ValueError(f"the section '{section}' must be a mapping of id -> entry")
    out.axis = tuple(doc.get("axis_bodies", out.axis))
    out.no_geometry.update(doc.get("no_geometry", {}) or {})
    for bid, b in (doc.get("bones") or {}).items():
        out.entry = bid
        out.claim(bid, path)
        out.bones.append(BoneSpec(id=bid, mesh=b["mesh"], spacing=float(b["spacing"]),
                                  triangles=int(b.get("triangles", 8000)),
                                  seeds=_tuple(b.get("seeds", []))))
    for group, group_kind in _SWEPT_GROUPS.items():
        block = doc.get(group) or {}
        defaults = dict(block.get("defaults", {}) or {})
        for sid, s in block.items():
            if sid == "defaults":
                continue
            out.entry = sid
            out.claim(sid, path)
            merged = {**defaults, **s}
            kw = {k: _tuple(v) for k, v in merged.items() if k not in ("sources",)}
            kind = kw.pop("kind", group_kind)
            layer = kw.pop("layer", "deep")
            out.sweeps.append(_checked(SweepSpec(id=sid, kind=kind, layer=layer,
                                                 sources=_sources(merged["sources"]), **kw)))
    for sid, s in (doc.get("sites") or {}).items():
        out.entry = sid
        out.claim(sid, path)
        kw = {k: _tuple(v) for k, v in s.items()}
        if "point" in kw:
            p = kw["point"]
            kw["point"] = (p[0], (float(p[1]), float(p[2]), float(p[3])))
        if "points" in kw:
            kw["points"] = tuple((p[0], (float(p[1]), float(p[2]), float(p[3])))
                                 for p in kw["points"])
        out.sites.append(SiteSpec(id=sid, **kw))
    out.entry = None

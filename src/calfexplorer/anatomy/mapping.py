"""The atlas <-> BodyParts3D mapping in ``data/bodyparts3d.yaml``, as typed records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.atlas.messages import did_you_mean, pydantic_message, type_name
from calfexplorer.atlas.problems import AtlasProblem

MAPPING_FILE = "bodyparts3d.yaml"


@dataclass(frozen=True)
class StructureMap:
    """One atlas structure: its kind and concepts, or why BodyParts3D has no mesh of it."""

    id: str
    kind: str
    concepts: tuple[str, ...] = ()
    missing: str | None = None
    follows: str | None = None
    paths: tuple[str, ...] = ()
    beside: tuple[str, ...] = ()
    within: tuple[str, ...] = ()
    from_end_of: str | None = None


@dataclass(frozen=True)
class SiteTissue:
    """BodyParts3D meshes read only to find where a structure meets its bones (the pack does
    not draw them): its own muscle, or what it inserts through (``of`` names the structure)."""

    id: str
    concepts: tuple[str, ...]
    of: str


@dataclass(frozen=True)
class Group:
    """Bones fitted together onto their MyoLeg meshes by one similarity transform."""

    name: str
    fit: tuple[str, ...]
    carries: tuple[str, ...] = ()
    tissue: bool = True
    #: another group whose transform places these bones (fitted only to report the error)
    placed_by: str | None = None


@dataclass(frozen=True)
class Mapping:
    """The whole mapping file."""

    structures: dict[str, StructureMap]
    groups: dict[str, Group]
    midline: frozenset[str]
    source: dict[str, Any]
    site_tissue: dict[str, SiteTissue] = field(default_factory=dict)

    def group_of(self, atlas_id: str) -> str | None:
        """The registration group that fits or carries a bone (None for soft tissue)."""
        for g in self.groups.values():
            if atlas_id in g.fit or atlas_id in g.carries:
                return g.name
        return None


def mapping_path() -> Path:
    """Where the mapping file lives (the data folder)."""
    from calfexplorer.paths import data_dir

    return data_dir() / MAPPING_FILE


_KIND = Literal["bone", "muscle", "tendon", "artery", "vein", "nerve"]
_Fma = Annotated[str, StringConstraints(pattern=r"^FMA\d+$")]
_AtlasId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
_Words = Annotated[str, StringConstraints(pattern=r"\S")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _StructureEntry(_Strict):
    kind: _KIND
    fma: list[_Fma] = []
    missing: _Words | None = None
    follows: str | None = None
    paths: list[_AtlasId] = []
    beside: list[_AtlasId] = []
    within: list[_AtlasId] = []
    from_end_of: _AtlasId | None = None


class _GroupEntry(_Strict):
    fit: Annotated[list[_AtlasId], Field(min_length=1)]
    carries: list[_AtlasId] = []
    tissue: bool = True
    placed_by: _AtlasId | None = None


class _SiteEntry(_Strict):
    fma: Annotated[list[_Fma], Field(min_length=1)]
    of: _AtlasId | None = None


class _Source(_Strict):
    archive: _Words
    size: Annotated[int, Field(gt=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    folder: _Words
    tables: Annotated[list[_Words], Field(min_length=1)]


_SECTIONS: dict[str, Any] = {
    "source": _Source, "midline": list, "registration": _GroupEntry,
    "structures": _StructureEntry, "site_tissue": _SiteEntry,
}
_REQUIRED = ("source", "registration", "structures")


def mapping_problems(path: Path | None = None, atlas: Any = None) -> list[AtlasProblem]:
    """Every problem of the mapping file, each naming its entry and field (none: it loads).
    With ``atlas``, the ids and kinds are checked against the knowledge base too."""
    return _read(path or mapping_path(), atlas)[1]


def load_mapping(path: Path | None = None) -> Mapping:
    """Read and check the mapping file; raises AnatomyError naming the first problem (and how
    many more there are) in one line."""
    path = path or mapping_path()
    mapping, problems = _read(path, None)
    if mapping is None:
        more = (f" (and {len(problems) - 1} more: run 'calfexplorer validate')"
                if len(problems) > 1 else "")
        raise AnatomyError(f"the BodyParts3D mapping is not usable: "
                           f"{replace(problems[0], file=str(path))}{more}")
    return mapping


def _read(path: Path, atlas: Any) -> tuple[Mapping | None, list[AtlasProblem]]:
    from calfexplorer.atlas.loader import _Collector
    from calfexplorer.lesion.data import read_sections

    out = _Collector(path.parent)
    file = path.name
    # the app's own file is parsed once and then read from the YAML cache (plain data)
    doc = read_sections(path, file, _SECTIONS, out, what="it maps the atlas onto BodyParts3D",
                        cache=path == mapping_path())
    if not doc:
        return None, out.problems()
    for key in _REQUIRED:
        if key not in doc:
            out.add(file, None, (), f"the '{key}' section is missing")
    source = _one(_Source, doc.get("source"), file, "source", out)
    midline = doc.get("midline") or []
    if not isinstance(midline, list) or not all(isinstance(m, str) for m in midline):
        out.add(file, None, ("midline",), f"expected a list of ids, got {type_name(midline)}")
        midline = []
    broken: set[str] = set()  # entries that failed their own checks (already reported)
    entries = {key: _entries(model, doc.get(key), file, key, out, broken)
               for key, model in _SECTIONS.items() if key not in ("source", "midline")}
    structures = {
        sid: StructureMap(sid, e.kind, tuple(e.fma), e.missing, e.follows, tuple(e.paths),
                          tuple(e.beside), tuple(e.within), e.from_end_of)
        for sid, e in entries["structures"].items()
    }
    groups = {
        name: Group(name, tuple(g.fit), tuple(g.carries), g.tissue, g.placed_by)
        for name, g in entries["registration"].items()
    }
    site_tissue = {sid: SiteTissue(sid, tuple(e.fma), e.of or sid)
                   for sid, e in entries["site_tissue"].items()}
    for where, message in _cross_check(structures, groups, site_tissue, midline, atlas, broken):
        section, entry, field_loc = where
        out.add(file, entry, field_loc, message, key=section, index=entry)
    problems = out.problems()
    if problems or source is None:
        return None, problems
    return Mapping(structures, groups, frozenset(midline), source.model_dump(),
                   site_tissue), []


def _one(model: Any, raw: Any, file: str, key: str, out: Any) -> Any:
    if raw is None:
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            out.add(file, key, tuple(err["loc"]), pydantic_message(err, set(model.model_fields)))
        return None


def _entries(
    model: Any, raw: Any, file: str, key: str, out: Any, broken: set[str]
) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        out.add(file, None, (key,), f"expected a mapping of ids to entries, got {type_name(raw)}")
        return {}
    kept = {}
    for name, item in raw.items():
        try:
            kept[str(name)] = model.model_validate(item)
        except ValidationError as exc:
            broken.add(str(name))
            for err in exc.errors(include_url=False):
                out.add(file, str(name), tuple(err["loc"]),
                        pydantic_message(err, set(model.model_fields)), key=key,
                        index=str(name))
    return kept


_Where = tuple[str, str | int, tuple[str | int, ...]]


def _cross_check(
    structures: dict[str, StructureMap], groups: dict[str, Group],
    site_tissue: dict[str, SiteTissue], midline: list[str], atlas: Any, broken: set[str],
) -> Iterable[tuple[_Where, str]]:
    """References between the sections (and, with the atlas, to the knowledge base). A
    reference to an entry already reported as ``broken`` is not reported again."""
    placed: dict[str, str] = {}
    for g in groups.values():
        for field_name, ids in (("fit", g.fit), ("carries", g.carries)):
            for i, sid in enumerate(ids):
                where: _Where = ("registration", g.name, (field_name, i))
                if sid in broken:
                    continue
                if sid not in structures or structures[sid].kind != "bone":
                    yield where, f"'{sid}' is not a bone of the 'structures' section" + \
                        did_you_mean(sid, [s for s, m in structures.items() if m.kind == "bone"])
                elif sid in placed:
                    yield where, f"'{sid}' is already placed by group '{placed[sid]}'"
                else:
                    placed[sid] = g.name
    for g in groups.values():
        by = g.placed_by
        if by is None or by in broken:
            continue
        where = ("registration", g.name, ("placed_by",))
        if by not in groups:
            yield where, f"unknown registration group '{by}'" + did_you_mean(by, groups)
        elif by == g.name or groups[by].placed_by is not None:
            yield where, f"'{by}' must be a group fitted on its own"
    for s in structures.values():
        if s.follows is not None and s.follows not in groups and s.follows not in broken:
            yield (("structures", s.id, ("follows",)),
                   f"unknown registration group '{s.follows}'" + did_you_mean(s.follows, groups))
        if not s.concepts and not s.missing:
            yield ("structures", s.id, ()), "needs 'fma' (its concepts) or 'missing' (why none)"
        if s.concepts and s.missing:
            yield ("structures", s.id, ("missing",)), "has concepts ('fma') and says 'missing'"
        for field_name, ids in (("beside", s.beside), ("within", s.within)):
            for i, sid in enumerate(ids):
                if sid not in broken and (sid not in structures or structures[sid].missing):
                    yield ((("structures", s.id, (field_name, i))),
                           f"'{sid}' has no BodyParts3D mesh to route by")
        parent = s.from_end_of
        if parent is not None and parent not in broken and (
                parent == s.id or parent not in structures or not structures[parent].missing):
            yield ((("structures", s.id, ("from_end_of",))),
                   f"'{parent}' is not another structure that keeps its built-in tube")
    for t in site_tissue.values():
        if t.id in structures:
            yield ("site_tissue", t.id, ()), f"'{t.id}' is also in the 'structures' section"
    for i, sid in enumerate(midline):
        if sid not in structures and sid not in broken:
            yield ("midline", i, ()), f"'{sid}' is not in the 'structures' section"
    if atlas is None:
        return
    for s in structures.values():
        record = atlas.get(s.id)
        if record is None and atlas.was_skipped(s.id):
            yield ("structures", s.id, ()), atlas.unknown(s.kind, s.id)
        elif record is None:
            yield ("structures", s.id, ()), "not a structure of the atlas" + \
                did_you_mean(s.id, _ids(atlas))
        elif record.kind != s.kind:
            yield (("structures", s.id, ("kind",)),
                   f"the atlas calls it a {record.kind}, not a {s.kind}")
    for t in site_tissue.values():
        if atlas.get(t.of) is None:  # the key names a BodyParts3D mesh, ``of`` the structure
            yield (("site_tissue", t.id, ("of",) if t.of != t.id else ()),
                   f"'{t.of}' is not a structure of the atlas" + did_you_mean(t.of, _ids(atlas)))


def _ids(atlas: Any) -> list[str]:
    return [record.id for record in atlas]

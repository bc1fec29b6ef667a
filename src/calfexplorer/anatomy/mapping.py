"""The atlas <-> BodyParts3D mapping in ``data/bodyparts3d.yaml``, as typed records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from calfexplorer.anatomy.errors import AnatomyError

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
    scale_from: str | None = None


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


def load_mapping(path: Path | None = None) -> Mapping:
    """Read and check the mapping file; raises AnatomyError naming what is wrong."""
    from calfexplorer.atlas.yaml_io import load_yaml

    path = path or mapping_path()
    try:
        # the app's own file is parsed once and then read from the YAML cache (plain data)
        doc = load_yaml(path.read_text(encoding="utf-8"),
                        MAPPING_FILE if path == mapping_path() else None)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        why = " ".join(str(exc).split())
        raise AnatomyError(f"cannot read the mapping {path}: {why}") from None
    if not isinstance(doc, dict):
        raise AnatomyError(f"the mapping {path} is empty or not a mapping of sections "
                           "(structures, registration, source)")
    try:
        structures = {
            sid: StructureMap(sid, str(e["kind"]), tuple(e.get("fma", ())), e.get("missing"),
                              e.get("follows"), tuple(e.get("paths", ())),
                              tuple(e.get("beside", ())), tuple(e.get("within", ())))
            for sid, e in doc["structures"].items()
        }
        groups = {
            name: Group(name, tuple(g["fit"]), tuple(g.get("carries", ())),
                        bool(g.get("tissue", True)), g.get("scale_from"))
            for name, g in doc["registration"].items()
        }
        site_tissue = {
            sid: SiteTissue(sid, tuple(e["fma"]), str(e.get("of", sid)))
            for sid, e in (doc.get("site_tissue") or {}).items()
        }
        mapping = Mapping(structures, groups, frozenset(doc.get("midline", ())), doc["source"],
                          site_tissue)
    except KeyError as exc:
        raise AnatomyError(f"the mapping {path} lacks {exc.args[0]!r} (a section, or a field "
                           "of one of its entries)") from None
    except (TypeError, AttributeError) as exc:
        raise AnatomyError(f"the mapping {path} has an entry of the wrong shape ({exc})") from None
    for g in groups.values():
        for sid in (*g.fit, *g.carries):
            if sid not in structures or structures[sid].kind != "bone":
                raise AnatomyError(f"the mapping {path}: group {g.name} names {sid!r}, not a bone")
    for s in structures.values():
        if s.follows and s.follows not in groups:
            raise AnatomyError(f"the mapping {path}: {s.id} follows unknown group {s.follows!r}")
        if not s.concepts and not s.missing:
            raise AnatomyError(f"the mapping {path}: {s.id} has neither concepts nor 'missing'")
        for sid in (*s.beside, *s.within):
            if sid not in structures or structures[sid].missing:
                raise AnatomyError(f"the mapping {path}: {s.id} is routed by {sid!r}, which "
                                   "has no BodyParts3D mesh")
    for t in site_tissue.values():
        if t.id in structures or not t.concepts:
            raise AnatomyError(f"the mapping {path}: site tissue {t.id} is also a structure or "
                               "lists no concept")
    return mapping

"""Build the anatomy pack: select, check, register and write BodyParts3D meshes.

The pack is one folder: ``bodyparts3d.glb`` (one mesh per atlas id, metres, the MyoLeg world
frame in the rest pose), ``manifest.json`` (readable by :func:`calfexplorer.assets.load_assets`)
and ``NOTICE.md``. It is written into a temporary folder and swapped in at the end, so a failed
or interrupted build leaves the previous pack as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.anatomy.archive import ElementSource
from calfexplorer.anatomy.attribution import ATTRIBUTION, notice_text
from calfexplorer.anatomy.disk import MB, ensure_space, write_failed
from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.anatomy.limb import Element, Refusal, check_structure, limb_height
from calfexplorer.anatomy.mapping import Mapping, load_mapping, mapping_path
from calfexplorer.anatomy.model_bones import model_layers, model_target, model_versions
from calfexplorer.anatomy.obj import parse_obj
from calfexplorer.anatomy.register import Fit, fit_similarity
from calfexplorer.anatomy.tables import Tables, parse_tables

PACK_VERSION = "1.0.0"
GLB_NAME = "bodyparts3d.glb"
#: Bytes of pack per byte of OBJ text, measured about 0.35; kept generous for the space check.
PACK_PER_OBJ_BYTE = 0.6
LAYER_OF_KIND = {"bone": "bones", "tendon": "tendons", "artery": "vessels", "vein": "vessels"}
FRAME = {
    "units": "metres",
    "axes": "MyoLeg world frame: +z superior, -y anterior, -x lateral (right leg), +x medial",
    "pose": "anatomical position (all joint angles zero), as the built-in meshes",
}


@dataclass
class BuildReport:
    """What a build did: per-group fits, refused elements, ids without a mesh, timing."""

    pack: Path
    fits: dict[str, Fit] = field(default_factory=dict)
    refused: list[Refusal] = field(default_factory=list)
    without_mesh: dict[str, str] = field(default_factory=dict)
    meshes: int = 0
    seconds: float = 0.0


def _select(mapping: Mapping, tables: Tables, source: ElementSource) -> tuple[
        dict[str, list[tuple[str, str]]], dict[str, str]]:
    """Element files (fj, concept) per atlas id, and why the others have none."""
    present = source.elements()
    chosen: dict[str, list[tuple[str, str]]] = {}
    without: dict[str, str] = {}
    lacking: list[str] = []
    for s in mapping.structures.values():
        if s.missing:
            without[s.id] = s.missing
            continue
        pairs = [(fj, c) for c in s.concepts for fj in tables.elements.get(c, ())]
        if not pairs:
            without[s.id] = f"isa_element_parts.txt lists no element of {', '.join(s.concepts)}"
            continue
        lacking += [f"{fj}.obj ({tables.concept_name(c)})" for fj, c in pairs if fj not in present]
        chosen[s.id] = list(dict.fromkeys(pairs))
    if lacking:
        more = f" and {len(lacking) - 1} more" if len(lacking) > 1 else ""
        raise AnatomyError(
            f"{source.description} lacks {lacking[0]}{more}, which the mapping tables list: it is "
            "not a complete isa_BP3D_4.0_obj_99 archive"
        )
    return chosen, without


def _read(source: ElementSource, chosen: dict[str, list[tuple[str, str]]]) -> dict[
        str, tuple[list[Element], list[np.ndarray]]]:
    """Parse every chosen element: per atlas id its elements and their faces."""
    out: dict[str, tuple[list[Element], list[np.ndarray]]] = {}
    for sid, pairs in chosen.items():
        els, faces = [], []
        for fj, concept in pairs:
            try:
                v, f = parse_obj(source.read(fj), f"{fj}.obj")
            except ValueError as exc:
                raise AnatomyError(f"{source.description}: {exc}") from None
            els.append(Element(fj, sid, concept, v))
            faces.append(f)
        out[sid] = (els, faces)
    return out


def _nearest_group(points: np.ndarray, trees: dict[str, cKDTree]) -> str:
    """The registration group whose bones lie nearest to most of ``points``."""
    names = list(trees)
    dist = np.stack([trees[n].query(points)[0] for n in names])
    votes = np.bincount(dist.argmin(axis=0), minlength=len(names))
    return names[int(votes.argmax())]


def build_pack(
    source: ElementSource,
    pack: Path,
    mapping: Mapping | None = None,
    say: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the pack from ``source`` into the folder ``pack`` (replaced only on success)."""
    t0 = time.perf_counter()
    say = say or (lambda _m: None)
    mapping = mapping or load_mapping()
    tables = parse_tables(source.tables())
    chosen, without = _select(mapping, tables, source)
    sizes = source.elements()
    obj_bytes = sum(sizes[fj] for pairs in chosen.values() for fj, _ in pairs)
    pack.parent.mkdir(parents=True, exist_ok=True)
    ensure_space(pack.parent, int(obj_bytes * PACK_PER_OBJ_BYTE) + 5 * MB, "build the pack")
    say(f"reading {sum(len(p) for p in chosen.values())} element files from {source.description}")
    parsed = _read(source, chosen)

    report = BuildReport(pack, without_mesh=dict(without))
    bones = [e.vertices for sid, (els, _) in parsed.items()
             if mapping.structures[sid].kind == "bone" for e in els]
    if not bones:
        raise AnatomyError(f"{source.description} holds none of the limb's bones")
    height = limb_height(bones)
    kept: dict[str, tuple[list[Element], list[np.ndarray]]] = {}
    for sid, (els, faces) in parsed.items():
        ok, refused = check_structure(els, sid in mapping.midline, height)
        report.refused += refused
        if ok:
            keep = {e.fj for e in ok}
            kept[sid] = (ok, [f for e, f in zip(els, faces, strict=True) if e.fj in keep])
        else:
            report.without_mesh[sid] = "every BodyParts3D element of it was refused"
    for r in report.refused:
        say(f"refused {r.fj} ({tables.concept_name(r.concept)}) for {r.structure}: {r.reason}")

    bodies: dict[str, str] = {}
    for g in mapping.groups.values():
        fit_ids = [b for b in g.fit if b in kept]
        if not fit_ids:
            raise AnatomyError(f"no BodyParts3D element of {', '.join(g.fit)} to register")
        target = model_target(tuple(fit_ids))
        pts = np.concatenate([e.vertices for b in fit_ids for e in kept[b][0]])
        fit = fit_similarity(pts, target.points)
        report.fits[g.name] = fit
        bodies[g.name] = target.body
        say(f"registered {g.name} onto {target.body}: scale {fit.scale * 1000:.3f}, "
            f"surface error {fit.mean_mm:.1f} mm mean, {fit.p95_mm:.1f} mm p95")

    tissue_trees = {
        g.name: cKDTree(np.concatenate([e.vertices for b in g.fit if b in kept
                                        for e in kept[b][0]]))
        for g in mapping.groups.values() if g.tissue
    }
    layers = model_layers()
    meshes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, None]] = {}
    entries: dict[str, dict[str, Any]] = {}
    extras: dict[str, dict[str, Any]] = {}
    for sid, (els, faces) in kept.items():
        s = mapping.structures[sid]
        group = mapping.group_of(sid) if s.kind == "bone" else None
        verts_mm = np.concatenate([e.vertices for e in els])
        if group is None:
            group = s.follows or _nearest_group(verts_mm, tissue_trees)
        how = "fitted" if s.kind == "bone" and sid in mapping.groups[group].fit else "carried"
        if s.kind != "bone":
            how = "follows" if s.follows else "nearest bones"
        offsets = np.cumsum([0] + [len(e.vertices) for e in els[:-1]])
        f_all = np.concatenate([f + o for f, o in zip(faces, offsets, strict=True)])
        mesh = _mesh(report.fits[group].apply(verts_mm), f_all)
        meshes[sid] = (mesh.vertices, mesh.faces, mesh.normals, None)
        body = bodies[group] if s.kind == "bone" else None
        layer = LAYER_OF_KIND.get(s.kind) or layers.get(sid, "superficial")
        placement = {"method": "rigid", "group": group, "body": bodies[group], "chosen_by": how}
        extras[sid] = {"kind": s.kind, "layer": layer, "body": body, "placement": placement}
        entries[sid] = _entry(mesh, s.kind, layer, body, els, tables, placement)
    report.meshes = len(entries)
    manifest = _manifest(report, mapping, tables, entries, bodies)
    _write(pack, meshes, extras, manifest)
    report.seconds = time.perf_counter() - t0
    return report


def _mesh(vertices: np.ndarray, faces: np.ndarray) -> Any:
    from calfexplorer.geometry.mesh import Mesh

    return Mesh(vertices, faces)


def _entry(mesh: Any, kind: str, layer: str, body: str | None, els: list[Element],
           tables: Tables, placement: dict[str, Any]) -> dict[str, Any]:
    from calfexplorer.assets.manifest import mesh_checksum

    return {
        "kind": kind, "layer": layer, "body": body,
        "triangles": int(len(mesh.faces)), "vertices": int(len(mesh.vertices)),
        "sha256": mesh_checksum(mesh.vertices, mesh.faces, mesh.normals),
        "elements": [{"file": e.fj, "concept": e.concept,
                      "name": tables.concept_name(e.concept)} for e in els],
        "placement": placement,
    }


def _manifest(report: BuildReport, mapping: Mapping, tables: Tables,
              entries: dict[str, Any], bodies: dict[str, str]) -> dict[str, Any]:
    mapping_file = mapping_path()
    digest = hashlib.sha256(mapping_file.read_bytes()).hexdigest() if mapping_file.is_file() \
        else "?"
    versions = model_versions()
    return {
        "format": "glTF 2.0 binary (.glb): one mesh per structure, named by atlas id",
        "file": GLB_NAME,
        "source": {"dataset": "BodyParts3D 4.0, IS-A tree, isa_BP3D_4.0_obj_99",
                   "archive": mapping.source.get("archive"),
                   "archive_sha256": mapping.source.get("sha256")},
        "generator": {"name": "calfexplorer get-anatomy", "version": PACK_VERSION},
        "frame": FRAME,
        "inputs": {f"data/{mapping_file.name}": digest,
                   "myo-sim": versions.get("version", "?")},
        "notice": "NOTICE.md",
        "attribution": ATTRIBUTION,
        "registration": {
            name: {"body": bodies[name], "bones": list(mapping.groups[name].fit),
                   "carries": list(mapping.groups[name].carries),
                   "places_soft_tissue": mapping.groups[name].tissue,
                   "scale": round(f.scale * 1000, 4), "mean_mm": round(f.mean_mm, 2),
                   "p95_mm": round(f.p95_mm, 2), "iterations": f.iterations,
                   "matrix_mm_to_m": [[round(float(x), 9) for x in row] for row in f.matrix]}
            for name, f in report.fits.items()
        },
        "refused": [{"file": r.fj, "structure": r.structure, "concept": r.concept,
                     "name": tables.concept_name(r.concept), "reason": r.reason}
                    for r in report.refused],
        "without_mesh": report.without_mesh,
        "total_triangles": sum(e["triangles"] for e in entries.values()),
        "meshes": entries,
    }


def _write(pack: Path, meshes: dict[str, Any], extras: dict[str, Any],
           manifest: dict[str, Any]) -> None:
    """Write into a temporary folder beside ``pack``, then swap it in."""
    from calfexplorer.assets.gltf import write_glb

    tmp = Path(tempfile.mkdtemp(prefix=f".{pack.name}-new-", dir=pack.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the pack is an ordinary folder
    try:
        try:
            write_glb(tmp / GLB_NAME, meshes, extras, {"frame": FRAME, "attribution": ATTRIBUTION})
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n",
                                               encoding="utf-8")
            (tmp / "NOTICE.md").write_text(notice_text(), encoding="utf-8")
        except OSError as exc:
            raise write_failed(exc, pack) from None
        swap_in(tmp, pack)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def swap_in(new: Path, pack: Path) -> None:
    """Replace the folder ``pack`` by ``new``; the old one comes back if the rename fails."""
    old = pack.with_name(f".{pack.name}-old")
    if old.exists():
        shutil.rmtree(old)
    if pack.exists():
        pack.rename(old)
    try:
        new.rename(pack)
    except OSError as exc:
        if old.exists():
            old.rename(pack)
        raise write_failed(exc, pack) from None
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def build_from(path: Path, pack: Path, say: Callable[[str], None] | None = None) -> BuildReport:
    """Build the pack from a zip or an unpacked folder at ``path``."""
    from calfexplorer.anatomy.archive import open_source

    with open_source(path) as source:
        return build_pack(source, pack, say=say)

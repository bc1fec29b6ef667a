"""Build the anatomy pack: select, check, register and write BodyParts3D meshes.

The pack is one folder: ``bodyparts3d.glb`` (one mesh per atlas id, metres, the MyoLeg world
frame in the rest pose), ``manifest.json`` (readable by :func:`calfexplorer.assets.load_assets`)
and ``NOTICE.md``. It is written into a temporary folder and swapped in at the end, so a failed
or interrupted build leaves the previous pack as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
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
from calfexplorer.anatomy.pack_folder import old_pack, tidy_interrupted
from calfexplorer.anatomy.pack_format import PACK_VERSION
from calfexplorer.anatomy.placement import group_distances, place_blended
from calfexplorer.anatomy.register import Fit, fit_similarity
from calfexplorer.anatomy.simplify import VESSEL_KINDS, lighter_vessel
from calfexplorer.anatomy.tables import Tables, parse_tables

GLB_NAME = "bodyparts3d.glb"
#: Bytes of pack per byte of OBJ text read, measured 1.47 (the meshes 0.31, the soft tissue's
#: binding 0.83 with the coarse twins' saved follow maps, the kept tubes' saved nearest points
#: 0.18, their learnt moves 0.07, the skin 0.05); kept generous for the space check.
PACK_PER_OBJ_BYTE = 1.8
#: A built pack's size on disk, as the window tells before a download (MB; 22.2 measured).
PACK_MB = 22
#: No element file of the official archive comes near this (the limb's largest, 1.2 MB); one
#: over it is not BodyParts3D's and would be read whole into memory (a 2 GB one took 4 GB).
MAX_OBJ_MB = 64
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
    sites: int = 0
    #: sites whose patch is only projected (no tissue meets the bone there), and why
    projected: dict[str, str] = field(default_factory=dict)
    #: pack bones whose pieces do not match the built-in bone's, and why: their sites are
    #: projected to the pack bone's nearest point, not carried piece to piece
    unmatched_pieces: dict[str, str] = field(default_factory=dict)
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


def _nearest_group(dist: np.ndarray, names: list[str]) -> str:
    """The registration group (of ``names``) whose bones lie nearest to most of the points
    (``dist``: :func:`.placement.group_distances`)."""
    votes = np.bincount(dist.argmin(axis=0), minlength=len(names))
    return names[int(votes.argmax())]


def build_pack(
    source: ElementSource,
    pack: Path,
    mapping: Mapping | None = None,
    say: Callable[[str], None] | None = None,
    still: Callable[[], None] | None = None,
) -> BuildReport:
    """Build the pack from ``source`` into the folder ``pack`` (replaced only on success).
    ``say`` is told each step; ``still`` is called several times a second while worker
    processes learn (see :mod:`.learning_workers`). Either may raise to stop."""
    t0 = time.perf_counter()
    say = say or (lambda _m: None)
    mapping = mapping or load_mapping()
    tables = parse_tables(
        source.tables(), looked_in=" and ".join(str(p) for p in source.tables_places())
    )
    chosen, without = _select(mapping, tables, source)
    sizes = source.elements()
    wanted = [fj for pairs in chosen.values() for fj, _ in pairs]
    if huge := next((fj for fj in wanted if sizes[fj] > MAX_OBJ_MB * MB), None):
        raise AnatomyError(
            f"{source.description}: {huge}.obj is {sizes[huge] / MB:.0f} MB, and no element "
            f"file of BodyParts3D 4.0 is over {MAX_OBJ_MB} MB: it is not the official archive"
        )
    obj_bytes = sum(sizes[fj] for fj in wanted)
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
    for g in sorted(mapping.groups.values(), key=lambda g: g.placed_by is not None):
        fit_ids = [b for b in g.fit if b in kept]
        if not fit_ids:
            raise AnatomyError(f"no BodyParts3D element of {', '.join(g.fit)} to register")
        target = model_target(tuple(fit_ids))
        pts = np.concatenate([e.vertices for b in fit_ids for e in kept[b][0]])
        if g.placed_by is None:
            fit = fit_similarity(pts, target.points)
            how = f"scale {fit.scale * 1000:.3f}"
        else:
            fit = report.fits[g.placed_by].measured(pts, target.points)
            how = f"placed by {g.placed_by}'s fit"
        report.fits[g.name] = fit
        bodies[g.name] = target.body
        say(f"registered {g.name} onto {target.body}: {how}, "
            f"surface error {fit.mean_mm:.1f} mm mean, {fit.p95_mm:.1f} mm p95")

    tissue_trees = {
        g.name: cKDTree(np.concatenate([e.vertices for b in g.fit if b in kept
                                        for e in kept[b][0]]))
        for g in mapping.groups.values() if g.tissue
    }
    layers = model_layers()
    built: dict[str, Any] = {}
    meshes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, None]] = {}
    entries: dict[str, dict[str, Any]] = {}
    extras: dict[str, dict[str, Any]] = {}
    for sid, (els, faces) in kept.items():
        s = mapping.structures[sid]
        group = mapping.group_of(sid) if s.kind == "bone" else None
        verts_mm = np.concatenate([e.vertices for e in els])
        dist = None
        if s.kind != "bone" or group is None:
            dist = group_distances(verts_mm, tissue_trees)
            group = group or s.follows or _nearest_group(dist, list(tissue_trees))
        how = "fitted" if s.kind == "bone" and sid in mapping.groups[group].fit else "carried"
        if s.kind != "bone":
            how = "follows" if s.follows else "nearest bones"
        offsets = np.cumsum([0] + [len(e.vertices) for e in els[:-1]])
        f_all = np.concatenate([f + o for f, o in zip(faces, offsets, strict=True)])
        if s.kind == "bone":
            placed = report.fits[group].apply(verts_mm)
        else:  # spans groups (leg and foot): each part with its own bones
            placed = place_blended(verts_mm, report.fits, tissue_trees, dist)
        mesh = _mesh(placed, f_all)
        built[sid] = mesh  # the sites and the kept tubes' routes measure the source's surface
        lighter = lighter_vessel(mesh.vertices, mesh.faces) if s.kind in VESSEL_KINDS else None
        if lighter is not None:
            mesh = lighter.mesh
        meshes[sid] = (mesh.vertices, mesh.faces, mesh.normals, None)
        body = bodies[group] if s.kind == "bone" else None
        layer = LAYER_OF_KIND.get(s.kind) or layers.get(sid, "superficial")
        method = "rigid" if s.kind == "bone" else "blended"
        placement = {"method": method, "group": group, "body": bodies[group], "chosen_by": how}
        extras[sid] = {"kind": s.kind, "layer": layer, "body": body, "placement": placement}
        entries[sid] = _entry(mesh, s.kind, layer, body, els, tables, placement)
        if lighter is not None:
            entries[sid]["simplified"] = lighter.record()
    from calfexplorer.geometry.params import load_params

    # the soft tissue is bound meanwhile (a worker binds a draft of its meshes alone)
    draft = pack.with_name(f".{pack.name}-new-draft-{os.getpid()}")
    started: list[Any] = []  # (the worker's job, stopped below however the build ends)
    try:
        binding = _start_binding(draft, meshes, extras,
                                 _manifest(report, mapping, tables, entries, bodies), started)
        # the learning workers' imports done meanwhile, beside the binding
        from calfexplorer.anatomy.learning_workers import warm_workers

        warm = warm_workers(started)
        params = load_params()
        kinds = {sid: e["kind"] for sid, e in extras.items()}
        say("routing the built-in nerves and vessels the pack keeps")
        routing = _start_routes(warm, mapping, built, kinds, params, say)
        say("attachment sites on the pack's bones")
        only = _site_tissue(mapping, tables, source, height, report, tissue_trees)
        sites = _add_sites(built, extras, meshes, entries, report, params, only)
        say("carrying the built-in foot muscles the pack keeps onto its foot bones")
        carried, save_carried = _carry_foot(built, extras, meshes)
        routes = routing(still)
        report.meshes = len(entries)
        manifest = _manifest(report, mapping, tables, entries, bodies)
        manifest["attachment_sites"] = sites
        manifest["routes"] = routes
        manifest["carried_muscles"] = carried

        def cache(folder: Path) -> None:  # in the new folder, before it replaces the old pack
            save_carried(folder)
            say("binding the soft tissue to the model's muscle paths")
            _cache_binding(folder, binding, still, say)
            say("keeping the built-in nerves and vessels out of the tissue of the bent knee")
            _cache_kept_tube_moves(folder, say, still, warm)

        _write(pack, meshes, extras, manifest, cache)
    finally:
        for job in started:
            job.stop()
        shutil.rmtree(draft, ignore_errors=True)
    report.seconds = time.perf_counter() - t0
    return report


def _start_binding(draft: Path, meshes: dict[str, Any], extras: dict[str, Any],
                   manifest: dict[str, Any], started: list[Any]) -> Any:
    """Write the pack's meshes alone into the folder ``draft`` and bind their soft tissue in
    a worker process (:mod:`.binding_worker`; its job added to ``started``); None where it
    cannot (the build binds it)."""
    from calfexplorer.anatomy.binding_worker import start_binding
    from calfexplorer.assets.gltf import write_glb

    try:  # (a folder that cannot be written fails the build later, with its own message)
        draft.mkdir()
        write_glb(draft / GLB_NAME, meshes, extras, {"frame": FRAME, "attribution": ATTRIBUTION})
        (draft / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    except OSError:
        return None
    return start_binding(draft, started)


def _site_tissue(mapping: Mapping, tables: Tables, source: ElementSource,
                 height: tuple[float, float], report: BuildReport,
                 trees: dict[str, cKDTree]) -> dict[str, tuple[Any, str]]:
    """The meshes read only to cut attachment patches (mapping ``site_tissue``), placed as the
    pack's soft tissue is, with the structure each is for; those the source lacks are left out."""
    present = source.elements()
    out: dict[str, tuple[Any, str]] = {}
    for t in mapping.site_tissue.values():
        pairs = [(fj, c) for c in t.concepts for fj in tables.elements.get(c, ()) if fj in present]
        if not pairs:
            continue
        els, faces = _read(source, {t.id: list(dict.fromkeys(pairs))})[t.id]
        ok, _refused = check_structure(els, False, height)
        if not ok:
            continue
        keep = {e.fj for e in ok}
        faces = [f for e, f in zip(els, faces, strict=True) if e.fj in keep]
        offsets = np.cumsum([0] + [len(e.vertices) for e in ok[:-1]])
        f_all = np.concatenate([f + o for f, o in zip(faces, offsets, strict=True)])
        placed = place_blended(np.concatenate([e.vertices for e in ok]), report.fits, trees)
        out[t.id] = (_mesh(placed, f_all), t.of)
    return out


def _add_sites(built: dict[str, Any], extras: dict[str, dict[str, Any]],
               meshes: dict[str, Any], entries: dict[str, Any], report: BuildReport,
               params: Any, only: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    """Patch every attachment site on the pack's bones (same ids as the built-in sites); the
    manifest's summary of how. ``only``: meshes read only for this, and whose they are."""
    from calfexplorer.anatomy.attachments import (
        CONTACT_M,
        FAR_M,
        NEAR_M,
        REACH_M,
        TISSUE_KINDS,
        pack_sites,
    )
    from calfexplorer.assets import load_assets
    from calfexplorer.assets.manifest import mesh_checksum
    from calfexplorer.atlas import load_atlas

    atlas, _problems = load_atlas()
    kinds = {sid: e["kind"] for sid, e in extras.items()}
    bones = {sid: m for sid, m in built.items() if kinds[sid] == "bone"}
    model = load_assets().meshes  # empty where the built-in model is unreadable: sites projected
    tissue = {sid: m for sid, m in built.items() if kinds[sid] in TISSUE_KINDS}
    via: dict[str, list[str]] = {}
    for tid, (mesh, of) in only.items():
        tissue[tid] = mesh
        kinds = {**kinds, tid: "site_tissue"}
        if of != tid:
            via.setdefault(of, []).append(tid)
    sites, without, unmatched = pack_sites(
        bones, {b: extras[b]["body"] for b in bones}, tissue, kinds, atlas, params, via=via,
        model_bones={b: model[b] for b in bones if b in model})
    report.unmatched_pieces = unmatched
    for site in sites:
        m = site.mesh
        meshes[site.id] = (m.vertices, m.faces, m.normals, None)
        extras[site.id] = site.extras()
        entries[site.id] = {**site.extras(), "triangles": int(len(m.faces)),
                            "vertices": int(len(m.vertices)),
                            "sha256": mesh_checksum(m.vertices, m.faces, m.normals),
                            "placement": site.placement()}
    report.sites = len(sites)
    report.projected = {s.id: s.why for s in sites if s.method == "projected"}
    return {
        "how": ("the built-in model's placement projected onto the pack bone (on the toes, "
                "metatarsals and cuneiforms: carried to the same place of the matching pack "
                "element), on the element it lands on, grown by "
                f"{REACH_M * 1000:.0f} mm (then {FAR_M * 1000:.0f} mm) and cut to where the "
                "BodyParts3D muscle (its heads; where they end short of the bone, what it "
                f"inserts through) lies within {CONTACT_M * 1000:.0f} mm of the bone or inside "
                "it (placement.method 'contact'; met_by names the meshes, some read only for "
                "this: " + ", ".join(sorted(only)) + "); where it ends short of the bone by at "
                f"most {NEAR_M * 1000:.0f} mm at the projected place, the bone nearest to it "
                "('near', gap_mm); else the projected placement ('projected', why)"),
        "contact": sum(1 for s in sites if s.method == "contact"),
        "near": sum(1 for s in sites if s.method == "near"),
        "projected": sum(1 for s in sites if s.method == "projected"),
        "projected_sites": report.projected,
        "unmatched_pieces": report.unmatched_pieces,
        "read_only_for_sites": sorted(only),
        "without_patch": without,
    }


def _carry_foot(built: dict[str, Any], extras: dict[str, dict[str, Any]],
                meshes: dict[str, Any]) -> tuple[dict[str, Any], Callable[[Path], None]]:
    """The built-in foot muscles the pack keeps, carried onto its foot bones
    (:mod:`.foot_carry`): the manifest's summary, and what saves them into a pack folder."""
    from calfexplorer.anatomy.carried_file import CARRIED_NAME, save_carried
    from calfexplorer.anatomy.foot_carry import FOOT_BONES, carried_muscles
    from calfexplorer.assets import load_assets
    from calfexplorer.geometry.mesh import Mesh

    builtin = load_assets()
    bones = {b: built[b] for b in FOOT_BONES if b in built}
    model = {b: builtin.meshes[b] for b in FOOT_BONES if b in builtin.meshes}
    sites = {sid: Mesh(m[0], m[1], m[2]) for sid, m in meshes.items()
             if extras.get(sid, {}).get("kind") == "site"}
    carried = carried_muscles(builtin, set(meshes), model, bones, sites)
    summary = {
        "file": CARRIED_NAME,
        "how": ("the one similarity nearest a blend of per-piece maps (the box round each "
                "built-in foot bone piece onto the box round its matching pack piece), plus a "
                "smooth per-station correction; pushed out of the pack's bones; tendons then "
                "laid to end on the pack's insertion patches"),
        "ids": sorted(carried),
    }
    return summary, lambda folder: save_carried(folder, carried, builtin)


def _start_routes(warm: Any, mapping: Mapping, built: dict[str, Any], kinds: dict[str, str],
                  params: Any, say: Callable[[str], None]
                  ) -> Callable[[Callable[[], None] | None], dict[str, Any]]:
    """Start the routes (:func:`_routes`) in one of the learning workers ``warm``, idle until
    the learning, where there are: the build patches the sites meanwhile (and a worker binds
    the soft tissue: :func:`_start_binding`). Returns what waits for them (``still`` called
    meanwhile), routing here where the worker failed; ``say`` is told why none are made."""
    from calfexplorer.anatomy.learning_workers import result_of

    args = (mapping, built, kinds, params)
    job = warm.start(_routes, *args) if warm is not None else None

    def routes(still: Callable[[], None] | None) -> dict[str, Any]:
        ok, answer = result_of(job, still) if job is not None else (False, None)
        if job is not None and not ok:
            say(f"routing in a worker failed ({answer}); routing here instead")
        made, problem = answer if ok and answer is not None else _routes(*args)
        if problem is not None:
            say(f"the kept built-in nerves and vessels are not routed: {problem}")
        return made

    return routes


def _routes(mapping: Mapping, built: dict[str, Any], kinds: dict[str, str],
            params: Any) -> tuple[dict[str, Any], str | None]:
    """Station offsets of the built-in tubes the pack keeps (see :mod:`.routing`), or none
    and why (the built-in meshes are not built)."""
    from calfexplorer.anatomy.routing import build_routes
    from calfexplorer.assets import load_assets

    builtin = load_assets()
    if not builtin.meshes:
        return {}, builtin.problem or "no built-in meshes"
    kept = [sid for sid in builtin.meshes if sid not in built]  # kinds: see build_routes
    return build_routes(builtin, kept, built, kinds, mapping, params), None


def _cache_binding(pack: Path, job: Any, still: Callable[[], None] | None,
                   say: Callable[[str], None]) -> None:
    """Save the soft tissue's binding in the pack, so the window does not bind at start: the
    one ``job`` bound (:func:`_start_binding`; ``still`` called while it does), or bound here
    where it failed (``say`` is told why)."""
    from calfexplorer.anatomy.soft_tissue import cache_binding, save_bound

    bound = job.result(still) if job is not None else None
    if bound is None:
        if job is not None:
            say(f"binding in the background failed ({job.failure}); binding here instead "
                "(about 10 s)")
        cache_binding(pack)
    else:
        save_bound(pack, bound)


def _cache_kept_tube_moves(pack: Path, say: Callable[[str], None],
                           still: Callable[[], None] | None, warm: Any = None) -> None:
    """Learn the kept tubes' moves out of the posed tissue (see :mod:`.leg_poser`; in the
    learning workers ``warm``, started ahead, where there are) and save them in the pack, so
    the motion lab does not spend ~10-20 s on them when it first opens, and fit the pack's
    skin (:func:`_fit_skin`) meanwhile; ``say`` is told each pose, ``still`` called meanwhile
    (either may raise to stop). Neither is made where the pack leg cannot be loaded."""
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.anatomy.leg_poser import PackLegPoser

    leg, problem = load_leg(BODYPARTS3D, pack=pack)
    if problem is None:
        def skin(poser: Any) -> None:
            say("fitting the skin over the pack's tissue (beside the learning)")
            _fit_skin(pack, poser, leg.pack, say)

        PackLegPoser(leg, say=say, still=still, warm=warm, meanwhile=skin)


def _fit_skin(pack: Path, poser: Any, meshes: Any, say: Callable[[str], None]) -> None:
    """Save the pack's own skin (:mod:`.pack_skin`): the built-in skin moved out over the
    pack's tissue; without a built-in skin (assets not built) the pack has none, and the
    window draws the built-in one as before."""
    from calfexplorer.anatomy.pack_skin import build_pack_skin
    from calfexplorer.geometry.skin import SKIN_FILE, load_skin
    from calfexplorer.paths import assets_dir

    try:
        builtin = load_skin(assets_dir() / SKIN_FILE)
    except ValueError as exc:
        say(f"no skin fitted over the pack: {exc}")
        return
    build_pack_skin(pack, poser, meshes, builtin, say)


def _mesh(vertices: np.ndarray, faces: np.ndarray) -> Any:
    """A mesh with the source's duplicate vertices merged: BodyParts3D repeats a vertex on
    each side of a crease (up to half of them), which would leave seams in the shading and
    open edges where the outline and the inside-bone checks need a closed surface."""
    from calfexplorer.geometry.mesh import Mesh

    key = np.round(np.asarray(vertices, np.float64) / 1e-7).astype(np.int64)  # 0.1 um
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    faces = inverse.reshape(-1)[np.asarray(faces)]
    faces = faces[(faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2])
                  & (faces[:, 0] != faces[:, 2])]
    return Mesh(np.asarray(vertices)[first], faces)


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
                   "placed_by": mapping.groups[name].placed_by,
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
           manifest: dict[str, Any], cache: Callable[[Path], None]) -> None:
    """Write into a temporary folder beside ``pack``, make the window's caches there
    (``cache``: they need the written pack; stopped there, the old pack stays whole), then
    swap it in."""
    from calfexplorer.assets.gltf import write_glb

    tidy_interrupted(pack)
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
        cache(tmp)
        swap_in(tmp, pack)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def swap_in(new: Path, pack: Path) -> None:
    """Replace the folder ``pack`` by ``new``; the old one comes back if the rename fails."""
    old = old_pack(pack)
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


def build_from(path: Path, pack: Path, say: Callable[[str], None] | None = None,
               still: Callable[[], None] | None = None) -> BuildReport:
    """Build the pack from a zip or an unpacked folder at ``path`` (see :func:`build_pack`)."""
    from calfexplorer.anatomy.archive import open_source

    with open_source(path) as source:
        return build_pack(source, pack, say=say, still=still)

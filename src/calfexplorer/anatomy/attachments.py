"""Attachment-site patches on the pack's bones: where each muscle meets its bone, at the place the
atlas names.

The built-in model's placement of a site (:func:`calfexplorer.geometry.sites.place_site`: the
model's attachment point, or the authored override), projected onto the pack's bone (on a bone
of several pieces, carried to the same place of the matching piece: :mod:`.piece_match`), is the
seed: it says which region, side and element (of a bone the pack merges from several) is meant.
Grown by ``REACH_M`` (then ``FAR_M``), that region is cut down to where the BodyParts3D muscle
(its own mesh or its heads; else what it inserts through: a pack tendon, the iliotibial tract)
touches or enters the bone; the patch is the largest piece of contact that overlaps the
projected region (else the nearest piece). Where the muscle ends short of the bone by at most
``NEAR_M`` at the projected region, the bone nearest to it is the patch ("near"). Only where no
tissue comes that close (a muscle BodyParts3D lacks, an insertion through a ligament it has no
mesh of) is the projected region itself the patch ("projected", with why). Patches are shells
lifted off the bone, as :func:`calfexplorer.geometry.patches.patch_over` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.anatomy.piece_match import PieceCarrier, piece_carrier
from calfexplorer.geometry.implicit import surface_samples, winding_number
from calfexplorer.geometry.mesh import Mesh, subdivide
from calfexplorer.geometry.mesh_graph import components, grow_by_rings, piece_labels
from calfexplorer.geometry.patches import patch_over, placement_region

#: Bone surface this close to a muscle's surface (or inside it) is in contact with it.
CONTACT_M = 0.004
#: How far beyond the projected region contact is looked for first...
REACH_M = 0.015
#: ...and then, where none is that close (the atlas's region lies elsewhere on the pack bone).
FAR_M = 0.04
#: Tissue that ends short of the bone by at most this much meets it there ("near").
NEAR_M = 0.01
#: Bones whose median edge is longer than this are subdivided once before patches are cut.
REFINE_EDGE_M = 0.003
#: A contact piece smaller than this many faces does not count.
MIN_CONTACT_FACES = 3
#: Beyond this distance from a muscle's surface a bone point is not tested for being inside.
INSIDE_TEST_M = 0.01
TISSUE_KINDS = ("muscle", "tendon")
#: A contact patch smaller than this share of the projected region's area is grown (at most
#: GROW_RINGS rings of vertices, GROW_M from the contact, inside the window) so that it shows.
MIN_AREA_SHARE = 0.5
GROW_RINGS = 4
GROW_M = 0.006


@dataclass
class PackSite:
    """One patch on a pack bone and how it was found."""

    id: str
    mesh: Mesh
    bone: str
    body: str
    structure: str
    role: str
    shape: str
    method: str  # "contact" (tissue meets the bone), "near" (ends short by gap_mm), "projected"
    met_by: tuple[str, ...]  # the meshes that meet the bone there (contact and near)
    from_model_mm: float  # patch centre to the built-in placement's centre (carried, on toes)
    gap_mm: float = 0.0  # near: how far short of the bone the tissue ends
    why: str = ""  # projected: why no tissue meets the bone there

    def extras(self) -> dict[str, Any]:
        """What the glb and the manifest record of it, as the built-in sites do."""
        return {"kind": "site", "layer": "attachments", "body": self.body, "bone": self.bone,
                "shape": self.shape, "role": self.role, "structure": self.structure}

    def placement(self) -> dict[str, Any]:
        """How the patch was placed, for the manifest."""
        out: dict[str, Any] = {"method": self.method, "met_by": list(self.met_by),
                               "from_model_mm": round(self.from_model_mm, 1)}
        if self.method == "near":
            out["gap_mm"] = round(self.gap_mm, 1)
        if self.why:
            out["why"] = self.why
        return out


class _Tissue:
    """A pack muscle or tendon: surface samples for distances, the mesh for inside tests."""

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        samples = surface_samples(mesh.vertices.astype(np.float64), mesh.faces,
                                  2 * CONTACT_M / 3)
        self.tree = cKDTree(samples)
        self.vtree = cKDTree(mesh.vertices.astype(np.float64))
        self.normals = mesh.normals.astype(np.float64)
        self.lo = samples.min(axis=0) - INSIDE_TEST_M
        self.hi = samples.max(axis=0) + INSIDE_TEST_M

    def touching(self, points: np.ndarray) -> np.ndarray:
        """Which points lie within CONTACT_M of the surface or inside it."""
        out = np.zeros(len(points), bool)
        box = np.flatnonzero(np.all((points > self.lo) & (points < self.hi), axis=1))
        if not len(box):
            return out
        d, _ = self.tree.query(points[box], distance_upper_bound=INSIDE_TEST_M)
        out[box[d < CONTACT_M]] = True
        test = box[(d >= CONTACT_M) & np.isfinite(d)]
        if len(test):  # behind the nearest vertex's normal, then the exact test
            _, iv = self.vtree.query(points[test])
            rel = points[test] - self.vtree.data[iv]
            test = test[np.einsum("ij,ij->i", rel, self.normals[iv]) < 0]
        if len(test):
            out[test] = winding_number(points[test], self.mesh.vertices, self.mesh.faces) > 0.5
        return out


def _refined(bone: Mesh) -> Mesh:
    tri = bone.vertices[bone.faces]
    edges = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2)
    return subdivide(bone) if np.median(edges) > REFINE_EDGE_M else bone


def _pieces(faces: np.ndarray, vertices: np.ndarray) -> list[np.ndarray]:
    """The connected pieces of a face set of at least :data:`MIN_CONTACT_FACES` faces, as
    vertex index arrays."""
    return [np.unique(faces[p]) for p in components(vertices, faces)
            if len(p) >= MIN_CONTACT_FACES]


def _contact_piece(bone: Mesh, window: np.ndarray, prior: np.ndarray, centre: np.ndarray,
                   tissues: list[_Tissue]) -> np.ndarray | None:
    """Vertex mask of the contact piece the site is, or None when nothing touches."""
    idx = np.flatnonzero(window)
    touch = np.zeros(len(bone.vertices), bool)
    for t in tissues:
        touch[idx] |= t.touching(bone.vertices[idx].astype(np.float64))
    faces = bone.faces[touch[bone.faces].all(axis=1)]
    if len(faces) < MIN_CONTACT_FACES:
        return None
    pieces = _pieces(faces, bone.vertices)
    if not pieces:
        return None
    sizes = [len(p) if prior[p].any() else 0 for p in pieces]
    if max(sizes) > 0:
        best = pieces[int(np.argmax(sizes))]
    else:
        near = [np.linalg.norm(bone.vertices[p] - centre, axis=1).min() for p in pieces]
        best = pieces[int(np.argmin(near))]
    mask = np.zeros(len(bone.vertices), bool)
    mask[best] = True
    return mask


def _area(bone: Mesh, mask: np.ndarray) -> float:
    tri = bone.vertices[bone.faces[mask[bone.faces].all(axis=1)]].astype(np.float64)
    return float(np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]),
                                axis=1).sum() / 2)


def _grown(bone: Mesh, mask: np.ndarray, window: np.ndarray, area: float) -> np.ndarray:
    """A contact piece too small to see grown ring by ring, inside the window and near the
    contact, towards ``area`` (a point of contact would light a few square millimetres)."""
    d, _ = cKDTree(bone.vertices[mask]).query(bone.vertices, distance_upper_bound=GROW_M)
    window = window & np.isfinite(d)
    mask = mask.copy()
    for _ in range(GROW_RINGS):
        if _area(bone, mask) >= area:
            break
        mask |= grow_by_rings(bone.faces, mask, 1) & window
    return mask


def _elements(bone: Mesh) -> np.ndarray:
    """Per vertex, which connected piece of the mesh it is on (BodyParts3D's elements of a
    bone the pack merges: the phalanges, metatarsals, cuneiforms)."""
    return piece_labels(bone.faces, len(bone.vertices))


def _window(bone: Mesh, prior: np.ndarray, centre: np.ndarray, reach: float,
            elements: np.ndarray) -> np.ndarray:
    """The projected region grown by ``reach``, on the side of the bone it faces and on the
    elements it lies on (not a neighbouring toe or metatarsal)."""
    d, _ = cKDTree(bone.vertices[prior]).query(bone.vertices, distance_upper_bound=reach)
    i0 = int(np.argmin(np.linalg.norm(bone.vertices - centre, axis=1)))
    facing = bone.normals.astype(np.float64) @ bone.normals[i0].astype(np.float64) > 0.0
    return np.isfinite(d) & facing & np.isin(elements, elements[prior])


def _near_piece(bone: Mesh, window: np.ndarray, prior: np.ndarray, centre: np.ndarray,
                tissues: list[_Tissue]) -> tuple[np.ndarray, float] | None:
    """Where tissue that ends short of the bone comes nearest to it (within NEAR_M, inside
    the window): the bone within CONTACT_M of that gap, and the gap (m); None beyond, or when
    that place is off the projected region (the tissue passes by another part of the bone)."""
    idx = np.flatnonzero(window)
    pts = bone.vertices[idx].astype(np.float64)
    d = np.full(len(idx), np.inf)
    for t in tissues:
        d = np.minimum(d, t.tree.query(pts, distance_upper_bound=NEAR_M)[0])
    if not np.isfinite(d).any():
        return None
    gap = float(d.min())
    near = np.zeros(len(bone.vertices), bool)
    near[idx[d <= gap + CONTACT_M]] = True
    faces = bone.faces[near[bone.faces].all(axis=1)]
    pieces = _pieces(faces, bone.vertices) if len(faces) else []
    if not pieces:
        i0 = idx[int(np.argmin(d))]
        pieces = [np.unique(bone.faces[(bone.faces == i0).any(axis=1)])]
    nearest = [float(np.linalg.norm(bone.vertices[p] - centre, axis=1).min()) for p in pieces]
    best = pieces[int(np.argmin(nearest))]
    if not prior[best].any():
        return None
    mask = np.zeros(len(bone.vertices), bool)
    mask[best] = True
    return mask, gap


@dataclass
class _Found:
    mask: np.ndarray | None
    met: tuple[str, ...] = ()
    method: str = "projected"
    gap: float = 0.0
    why: str = ""


def _search(bone: Mesh, prior: np.ndarray, centre: np.ndarray, own: list[str],
            via: list[str], tissues: Any, elements: np.ndarray) -> _Found:
    """Where the site's tissue meets the bone, nearest first: its own meshes, then those it
    inserts through (tendons, the iliotibial tract), beside the projected region; the same
    farther out (FAR_M: the atlas's region on a pack bone of another shape); then where it ends
    short of the bone by at most NEAR_M beside the projected region ('near'). None of these:
    'projected', with why."""
    if not own and not via:
        return _Found(None, why="BodyParts3D has no mesh of the muscle that the pack reads")
    close = _window(bone, prior, centre, REACH_M, elements)
    far = _window(bone, prior, centre, FAR_M, elements)
    for window in (close, far):
        for ids in (own, via):
            if ids:
                mask = _contact_piece(bone, window, prior, centre, tissues(ids))
                if mask is not None:
                    return _Found(mask, tuple(ids), "contact")
    near = _near_piece(bone, close, prior, centre, tissues([*own, *via]))
    if near is not None:
        return _Found(near[0], (*own, *via), "near", near[1])
    return _Found(None, why=f"its mesh comes no nearer than {NEAR_M * 1000:.0f} mm to the bone "
                           "at the atlas's place")


def pack_sites(
    bones: dict[str, Mesh], bodies: dict[str, str], tissue: dict[str, Mesh], kinds: dict[str, str],
    atlas: Any, params: Any = None, rest: Any = None, via: dict[str, list[str]] | None = None,
    model_bones: dict[str, Mesh] | None = None,
) -> tuple[list[PackSite], dict[str, str], dict[str, str]]:
    """Every atlas attachment site the built-in model draws, as a patch on the pack's bones;
    why the others have none (bone not in the pack, no placement); and the pack bones whose
    pieces do not match the built-in bone's, with why (their sites are projected to the pack
    bone's nearest point instead).

    ``model_bones`` (the built-in bones): a site on a bone of several pieces is placed at the
    same place of the matching pack piece (:mod:`.piece_match`), not the pack bone's point
    nearest to the model's.

    ``tissue`` holds the meshes whose contact cuts the patches (the pack's muscles and tendons,
    and meshes read only for this); ``via`` names, per structure, those it inserts through
    (default: the pack's tendons, for every structure with a mesh of its own)."""
    from calfexplorer.geometry.params import load_params
    from calfexplorer.geometry.quality import expected_ids
    from calfexplorer.geometry.sites import atlas_sites, model_mapping, place_site
    from calfexplorer.geometry.source import rest_pose

    params = params or load_params()
    rest = rest or rest_pose()
    wanted = {sid for sid, kind in expected_ids(atlas, params.no_geometry).items()
              if kind == "site"}
    overrides = {s.id: s for s in params.sites}
    mapping = model_mapping(atlas)
    refined: dict[str, Mesh] = {}
    elements: dict[str, np.ndarray] = {}
    cache: dict[str, _Tissue] = {}
    carriers: dict[str, PieceCarrier | None] = {}
    unmatched: dict[str, str] = {}

    def tissues(ids: list[str]) -> list[_Tissue]:
        for i in ids:
            if i not in cache:
                cache[i] = _Tissue(tissue[i])
        return [cache[i] for i in ids]

    tendons = sorted(i for i in tissue if kinds.get(i) == "tendon")
    out: list[PackSite] = []
    problems: dict[str, str] = {}
    for req in atlas_sites(atlas):
        if req.id not in wanted:
            continue
        if req.bone not in bones:
            problems[req.id] = f"the pack has no mesh of {req.bone}"
            continue
        bone = refined.setdefault(req.bone, _refined(bones[req.bone]))
        place = place_site(req, overrides.get(req.id), bone, bodies[req.bone], params, rest,
                           mapping)
        if isinstance(place, str):
            problems[req.id] = place
            continue
        if req.bone not in carriers:
            model = (model_bones or {}).get(req.bone)
            found_carrier = piece_carrier(model, bone) if model is not None else None
            if isinstance(found_carrier, str):
                unmatched[req.bone], found_carrier = found_carrier, None
            carriers[req.bone] = found_carrier
        carry = carriers[req.bone]
        if carry is not None and model_bones is not None:
            on_model = place_site(req, overrides.get(req.id), model_bones[req.bone],
                                  bodies[req.bone], params, rest, mapping)
            if not isinstance(on_model, str):
                place = replace(place, centre=carry(on_model.centre),
                                more=tuple(carry(m) for m in on_model.more))
        own = [i for i in (req.structure, *atlas.children(req.structure)) if i in tissue]
        through = (via or {}).get(req.structure)
        if through is None:  # a muscle that ends short of the bone may meet it through a tendon
            through = [t for t in tendons if t not in own] if own else []
        through = [t for t in through if t in tissue]
        if req.bone not in elements:
            elements[req.bone] = _elements(bone)
        # A site on several toes is looked for on each (the tendon meeting each toe); the
        # first centre's search is the one reported.
        found, mask = None, np.zeros(len(bone.vertices), bool)
        for centre in (place.centre, *place.more):
            # on the element the centre is on: the region round the base of a phalanx also
            # reaches the head of the one behind it
            at = int(np.argmin(np.linalg.norm(bone.vertices - centre, axis=1)))
            prior = placement_region(bone, replace(place, centre=centre, more=()))
            prior &= elements[req.bone] == elements[req.bone][at]
            prior[at] = True
            here = _search(bone, prior, centre, own, through, tissues, elements[req.bone])
            if here.mask is not None:
                window = _window(bone, prior, centre, FAR_M, elements[req.bone])
                mask |= _grown(bone, here.mask, window, MIN_AREA_SHARE * _area(bone, prior))
            else:
                mask |= prior
            found = found or here
        assert found is not None
        mesh = patch_over(bone, mask, place.centre, place.more)
        top = mesh.vertices[: len(mesh.vertices) // 2].astype(np.float64)
        centres = np.asarray([place.centre, *place.more], dtype=np.float64)
        shift = float(np.linalg.norm(top.mean(axis=0) - centres.mean(axis=0))) * 1000
        met = found.met
        if found.method == "contact":
            met = tuple(i for i in met if cache[i].touching(top).any()) or met
        elif found.method == "near":
            d = {i: float(cache[i].tree.query(top)[0].min()) for i in met}
            met = tuple(i for i in met if d[i] <= found.gap + CONTACT_M) or met
        out.append(PackSite(req.id, mesh, req.bone, bodies[req.bone], req.structure, req.role,
                            req.shape, found.method, met, shift, found.gap * 1000, found.why))
    return out, problems, unmatched

"""Attachment-site patches on the pack's bones: where each muscle meets its bone, at the place
the atlas names.

The built-in model's placement of a site (:func:`calfexplorer.geometry.sites.place_site`: the
model's attachment point, or the authored override), projected onto the pack's bone, says which
region of the bone is meant. Grown by ``REACH_M``, that region is cut down to where the pack's
muscle (its own mesh or its heads; where those end short of the bone, a pack tendon) touches or
enters the bone; the patch is the largest piece of contact that overlaps the projected region
(else the nearest piece). Where the pack tissue touches nowhere there (a muscle the pack lacks,
an insertion through a ligament the pack has no mesh of), the projected region itself is the
patch. Patches are shells lifted off the bone, as
:func:`calfexplorer.geometry.patches.patch_over` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.geometry.implicit import _surface_samples, winding_number
from calfexplorer.geometry.mesh import Mesh, subdivide
from calfexplorer.geometry.patches import patch_over, placement_region

#: Bone surface this close to a muscle's surface (or inside it) is in contact with it.
CONTACT_M = 0.004
#: How far beyond the projected region contact is looked for.
REACH_M = 0.015
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
    method: str  # "contact": where the pack tissue meets the bone; "projected": no contact
    met_by: tuple[str, ...]  # the pack meshes that meet the bone there (contact only)
    from_model_mm: float  # patch centre to the built-in placement's centre

    def extras(self) -> dict[str, Any]:
        """What the glb and the manifest record of it, as the built-in sites do."""
        return {"kind": "site", "layer": "attachments", "body": self.body, "bone": self.bone,
                "shape": self.shape, "role": self.role, "structure": self.structure}

    def placement(self) -> dict[str, Any]:
        """How the patch was placed, for the manifest."""
        return {"method": self.method, "met_by": list(self.met_by),
                "from_model_mm": round(self.from_model_mm, 1)}


class _Tissue:
    """A pack muscle or tendon: surface samples for distances, the mesh for inside tests."""

    def __init__(self, mesh: Mesh) -> None:
        self.mesh = mesh
        samples = _surface_samples(mesh.vertices.astype(np.float64), mesh.faces,
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


def _pieces(faces: np.ndarray, n: int) -> list[np.ndarray]:
    """The connected pieces of a face set, as vertex index arrays."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]]])
    g = sp.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    fl = lab[faces[:, 0]]
    out = []
    for label in np.unique(fl):
        mine = faces[fl == label]
        if len(mine) >= MIN_CONTACT_FACES:
            out.append(np.unique(mine))
    return out


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
    pieces = _pieces(faces, len(bone.vertices))
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
        ring = np.zeros_like(mask)
        ring[bone.faces[mask[bone.faces].any(axis=1)].ravel()] = True
        mask |= ring & window
    return mask


def _window(bone: Mesh, prior: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """The projected region grown by REACH_M, on the side of the bone it faces."""
    d, _ = cKDTree(bone.vertices[prior]).query(bone.vertices, distance_upper_bound=REACH_M)
    i0 = int(np.argmin(np.linalg.norm(bone.vertices - centre, axis=1)))
    facing = bone.normals.astype(np.float64) @ bone.normals[i0].astype(np.float64) > 0.0
    return np.isfinite(d) & facing


def pack_sites(
    bones: dict[str, Mesh], bodies: dict[str, str], tissue: dict[str, Mesh], kinds: dict[str, str],
    atlas: Any, params: Any = None, rest: Any = None,
) -> tuple[list[PackSite], dict[str, str]]:
    """Every atlas attachment site the built-in model draws, as a patch on the pack's bones,
    and why the others have none (bone not in the pack, no placement)."""
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
    cache: dict[str, _Tissue] = {}

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
        prior = placement_region(bone, place)
        if not prior.any():
            prior[int(np.argmin(np.linalg.norm(bone.vertices - place.centre, axis=1)))] = True
        window = _window(bone, prior, place.centre)
        own = [i for i in (req.structure, *atlas.children(req.structure)) if i in tissue]
        mask, met = None, ()
        # a muscle the pack lacks has no contact; one that ends short of the bone may meet it
        # through a pack tendon (the heads of gastrocnemius and soleus: the calcaneal tendon)
        for ids in (own, [t for t in tendons if t not in own] if own else []):
            if ids:
                mask = _contact_piece(bone, window, prior, place.centre, tissues(ids))
            if mask is not None:
                met = tuple(ids)
                break
        if mask is not None:
            mask = _grown(bone, mask, window, MIN_AREA_SHARE * _area(bone, prior))
        method = "contact" if mask is not None else "projected"
        mesh = patch_over(bone, mask if mask is not None else prior, place.centre)
        top = mesh.vertices[: len(mesh.vertices) // 2].astype(np.float64)
        shift = float(np.linalg.norm(top.mean(axis=0) - place.centre)) * 1000
        if mask is not None:
            met = tuple(i for i in met if cache[i].touching(top).any()) or met
        out.append(PackSite(req.id, mesh, req.bone, bodies[req.bone], req.structure, req.role,
                            req.shape, method, met, shift))
    return out, problems

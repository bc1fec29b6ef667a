"""A small stand-in leg for scene tests: MyoLeg's right-leg bones plus ellipsoid 'muscles'.

It has the shape of the real assets (``.meshes`` by id, ``.unavailable``) and a small real atlas
with kinds, layers and attachments, so the scene's logic is tested without the built assets.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import Attachment, Bone, Muscle

BONE_MESHES = {
    "r_femur": "femur",
    "r_patella": "patella",
    "r_tibia": "tibia",
    "r_fibula": "fibula",
    "r_talus": "talus",
    "r_foot": "calcaneus",
    "r_bofoot": "phalanges",
}


@dataclass
class ToyMesh:
    vertices: np.ndarray
    faces: np.ndarray
    normals: np.ndarray | None = None
    belly: np.ndarray | None = None


@dataclass
class ToyAssets:
    meshes: dict[str, ToyMesh]
    unavailable: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def myoleg_bones() -> dict[str, ToyMesh]:
    """The right leg's bone meshes in world coordinates, anatomical position."""
    import mujoco
    import myo_sim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m, d = myo_sim.load("myolegs")
    mujoco.mj_forward(m, d)
    out = {}
    for g in range(m.ngeom):
        if m.geom_type[g] != mujoco.mjtGeom.mjGEOM_MESH:
            continue
        mid = m.geom_dataid[g]
        name = m.mesh(mid).name
        if name not in BONE_MESHES:
            continue
        va, vn = m.mesh_vertadr[mid], m.mesh_vertnum[mid]
        fa, fn = m.mesh_faceadr[mid], m.mesh_facenum[mid]
        verts = np.array(m.mesh_vert[va : va + vn], dtype=np.float64)
        verts = verts @ d.geom_xmat[g].reshape(3, 3).T + d.geom_xpos[g]
        out[BONE_MESHES[name]] = ToyMesh(verts, np.array(m.mesh_face[fa : fa + fn]))
    return out


def ellipsoid(a, b, width: float, depth: float, n: int = 24) -> ToyMesh:
    """A closed ellipsoid from point a to point b (half-widths width, depth along x, y)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    centre, half = (a + b) / 2, np.linalg.norm(b - a) / 2
    axis = (b - a) / (2 * half)
    ex = np.cross(axis, [0.0, 1.0, 0.0])
    ex /= np.linalg.norm(ex)
    ey = np.cross(axis, ex)
    theta = np.linspace(0, np.pi, n)[1:-1]
    phi = np.linspace(0, 2 * np.pi, n, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    pts = (
        centre
        + np.cos(t)[..., None] * half * axis
        + (np.sin(t) * np.cos(p))[..., None] * width * ex
        + (np.sin(t) * np.sin(p))[..., None] * depth * ey
    ).reshape(-1, 3)
    top, bottom = centre + half * axis, centre - half * axis
    verts = np.vstack([pts, top, bottom])
    rows, cols = len(theta), len(phi)
    faces = []
    for i in range(rows - 1):
        for j in range(cols):
            k0, k1 = i * cols + j, i * cols + (j + 1) % cols
            k2, k3 = k0 + cols, k1 + cols
            faces += [(k0, k2, k1), (k1, k2, k3)]
    for j in range(cols):
        faces.append((len(pts), (j + 1) % cols, j))
        last = (rows - 1) * cols
        faces.append((len(pts) + 1, last + j, last + (j + 1) % cols))
    faces = np.array(faces)
    # Orient outwards.
    tri = verts[faces]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    if np.sum(normal * (tri.mean(axis=1) - centre)) < 0:
        faces = faces[:, ::-1]
    return ToyMesh(verts, faces)


# Right leg at x ~ -0.08, anterior is -y, knee at z ~ 0.52, ankle at z ~ 0.12.
MUSCLES = {
    # id: (top, bottom, half-width, half-depth, layer, parent)
    "soleus": ((-0.08, 0.095, 0.44), (-0.08, 0.11, 0.17), 0.045, 0.022, "superficial", None),
    "gastrocnemius_medial_head": (
        (-0.06, 0.12, 0.53),
        (-0.07, 0.13, 0.30),
        0.022,
        0.02,
        "superficial",
        "gastrocnemius",
    ),
    "gastrocnemius_lateral_head": (
        (-0.10, 0.12, 0.53),
        (-0.09, 0.13, 0.32),
        0.02,
        0.018,
        "superficial",
        "gastrocnemius",
    ),
    "tibialis_anterior": ((-0.095, 0.02, 0.46), (-0.08, 0.03, 0.16), 0.014, 0.014, "deep", None),
}


def _site(slug: str, bone: str, landmark: str) -> Attachment:
    return Attachment.model_construct(site=slug, bone=bone, landmark=landmark, text="", refs=[])


def _muscle(mid: str, layer: str, parent: str | None, name: str, **sites) -> Muscle:
    return Muscle.model_construct(
        id=mid,
        name=name,
        layer=layer,
        parent=parent,
        origins=sites.get("origins", []),
        insertions=sites.get("insertions", []),
        tendon_insertions=[],
    )


def toy_atlas() -> Atlas:
    """A real :class:`Atlas` of the toy leg's structures (records built without validation:
    only the fields the scene reads), so the scene reads it through the atlas's own queries."""
    s: dict = {}
    for bone in BONE_MESHES.values():
        s[bone] = Bone.model_construct(id=bone, name=bone.capitalize(), parent=None)
    s["gastrocnemius"] = _muscle("gastrocnemius", "superficial", None, "Gastrocnemius")
    sites = {
        "soleus": {
            "origins": [_site("soleal_line", "tibia", "Soleal line")],
            "insertions": [_site("calcaneal_tuberosity", "calcaneus", "Calcaneal tuberosity")],
        },
        "tibialis_anterior": {"origins": [_site("lateral_surface", "tibia", "Lateral surface")]},
    }
    for mid, (*_, layer, parent) in MUSCLES.items():
        name = mid.replace("_", " ").capitalize()
        s[mid] = _muscle(mid, layer, parent, name, **sites.get(mid, {}))
    return Atlas(s, {}, {})


SITES = {
    # id: centre of a small disc patch
    "soleus:origin:soleal_line": (-0.075, 0.075, 0.44),
    "soleus:insertion:calcaneal_tuberosity": (-0.085, 0.165, 0.06),
    "tibialis_anterior:origin:lateral_surface": (-0.095, 0.035, 0.42),
}


def toy_assets(with_bad_mesh: bool = False) -> ToyAssets:
    meshes: dict[str, ToyMesh] = dict(myoleg_bones())
    for mid, (top, bottom, w, d, *_rest) in MUSCLES.items():
        meshes[mid] = ellipsoid(top, bottom, w, d)
    # The soleus's lowest quarter is tendon (belly weight 0), the rest fleshy (1).
    z = meshes["soleus"].vertices[:, 2]
    meshes["soleus"].belly = (z > z.min() + 0.25 * (z.max() - z.min())).astype(np.float32)
    for sid, c in SITES.items():
        c = np.asarray(c)
        meshes[sid] = ellipsoid(c + [0, 0, 0.012], c - [0, 0, 0.012], 0.008, 0.004, n=10)
    if with_bad_mesh:
        meshes["plantaris"] = ToyMesh(np.zeros((3, 3)), np.array([[0, 1, 7]]))
    return ToyAssets(meshes, {"popliteus": "no geometry yet"})

"""The pack's soft-tissue binding, saved in the pack folder so the window need not bind at start.

One ``binding.npz`` of plain arrays (read with ``allow_pickle=False``: nothing in it can run
code) and a JSON header. Its key covers everything the binding depends on: the pack's manifest
(mesh checksums, registration), the paths each structure follows, the model's rest pose along
those paths, and the source of the modules that bind; any change binds again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.anatomy.binding import Level, PackBinding, Rows
from calfexplorer.anatomy.bone_fields import Field
from calfexplorer.anatomy.folds import Folds
from calfexplorer.anatomy.sparse_rows import Blend
from calfexplorer.anatomy.tracks import Track
from calfexplorer.npz_cache import DAMAGED, write_npz

CACHE_NAME = "binding.npz"
FORMAT = 2
#: The modules whose code makes the binding (the checks against bone come from posing; the
#: folds' solve from the mesh graph), by path from this folder.
_SOURCES = ("binding.py", "bone_fields.py", "tracks.py", "posing.py", "soft_tissue.py",
            "folds.py", "twins.py", "sparse_rows.py", "../geometry/mesh_graph.py")
#: The largest size of any number a binding holds: metres, weights and unit vectors, all
#: under ~1.1 in a built pack. An edited file with more, or with a number not finite, binds
#: again (1e30 or NaN failed the first pose: 'Singular matrix', 'data must be finite').
MOST_VALUE = 10.0
_BITS: dict[int, Any] = {2: np.uint16, 4: np.uint32, 8: np.uint64}
_ROW_FIELDS = ("vertex", "driver", "frac", "local", "weight")
#: The saved arrays of the coarse level's own rows (see :func:`load_binding`).
_COARSE_ROWS = ("coarse_path_", "coarse_rigid_")
_TRACK_ARRAYS = ("ext_origin", "ext_insertion", "interval", "fraction", "smooth", "frame0",
                 "normal_end", "rest_origin", "rest_insertion", "end_weight", "end_arc", "fixed")


def binding_key(manifest_bytes: bytes, paths: dict[str, tuple[str, ...]], rest: Any) -> str:
    """Hex digest of everything a pack's binding depends on."""
    h = hashlib.sha256()
    h.update(f"format {FORMAT}\n".encode())
    h.update(manifest_bytes)
    h.update(json.dumps(sorted((k, list(v)) for k, v in paths.items())).encode())
    for name in sorted(rest.bodies):
        h.update(name.encode() + np.ascontiguousarray(rest.bodies[name], np.float64).tobytes())
    for act in sorted({a for acts in paths.values() for a in acts if a in rest.muscles}):
        ms = rest.muscles[act]
        h.update(act.encode() + np.ascontiguousarray(ms.points, np.float64).tobytes()
                 + np.asarray(ms.is_wrap, bool).tobytes() + " ".join(ms.point_bodies).encode())
    for name in _SOURCES:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


def save_binding(path: Path, b: PackBinding, key: str) -> None:
    """Write ``b`` (but the full level's faces and rest vertices: the pack has them) to
    ``path``, atomically."""
    arrays: dict[str, np.ndarray] = {"rest_bodies": b.rest_bodies}
    for name in _TRACK_ARRAYS:
        arrays[f"track_{name}"] = np.stack([getattr(t, name) for t in b.tracks]) \
            if b.tracks else np.zeros(0)
    for lname, lev in (("full", b.full), ("coarse", b.coarse)):
        arrays[f"{lname}_starts"] = lev.starts
        for kind, rows in (("path", lev.path), ("rigid", lev.rigid)):
            for f in _ROW_FIELDS:  # posing works in float32: so can the file
                v = getattr(rows, f)
                arrays[f"{lname}_{kind}_{f}"] = v.astype(np.int32 if v.dtype.kind == "i"
                                                          else np.float32)
    arrays["coarse_faces"] = np.concatenate([b.coarse.faces[s] for s in b.coarse.ids]) \
        if b.coarse.ids else np.zeros((0, 3), np.int64)
    arrays["coarse_face_counts"] = np.array([len(b.coarse.faces[s]) for s in b.coarse.ids])
    arrays["coarse_rest"] = np.concatenate([b.coarse.rest[s] for s in b.coarse.ids]) \
        if b.coarse.ids else np.zeros((0, 3))
    fields = b.fields or {}
    for k, fld in fields.items():
        arrays[f"field_{k}_lo"] = fld.lo
        arrays[f"field_{k}_values"] = fld.values.astype(np.float16)
    checks = b.checks or {}
    for lname, lchecks in checks.items():
        for k, (_body, idx, goal) in enumerate(lchecks):
            arrays[f"check_{lname}_{k}_idx"] = idx.astype(np.int32)
            arrays[f"check_{lname}_{k}_goal"] = goal.astype(np.float32)
    if b.folds is not None:
        arrays["folds_knees"], arrays["folds_ankles"] = b.folds.knees, b.folds.ankles
        arrays["folds_rows"] = b.folds.rows.astype(np.int32)
        arrays["folds_values"] = b.folds.values.astype(np.float32)
    if b.follow is not None:  # (the twins' maps: made with SciPy's k-d tree, read without)
        arrays["follow_index"] = np.concatenate([b.follow[s].index for s in b.full.ids]) \
            if b.full.ids else np.zeros((0, 3), np.int32)
        arrays["follow_weight"] = np.concatenate([b.follow[s].weight for s in b.full.ids]) \
            if b.full.ids else np.zeros((0, 3), np.float32)
    header = {
        "key": key, "format": FORMAT, "bodies": b.bodies, "how": b.how, "kinds": b.kinds,
        "extensions_m": {k: list(v) for k, v in b.extensions_m.items()},
        "tracks": [[t.actuator, t.origin_body, t.insertion_body] for t in b.tracks],
        "full_ids": b.full.ids, "coarse_ids": b.coarse.ids,
        "fields": {str(k): f.spacing for k, f in fields.items()} if b.fields is not None
        else None,
        "checks": {ln: [int(c[0]) for c in lc] for ln, lc in checks.items()}
        if b.checks is not None else None,
        "folds": b.folds is not None,
        "follow": b.follow is not None,
    }
    arrays["header"] = np.array(json.dumps(header))
    write_npz(path, compressed=False, **arrays)


def load_binding(path: Path, key: str, full_meshes: dict[str, tuple[np.ndarray, np.ndarray]]
                 ) -> PackBinding | None:
    """The binding saved at ``path`` if it was made under ``key`` (else None, as for a missing
    or unreadable file); ``full_meshes``: id -> (rest vertices, faces) from the pack, which
    the binding shares (not copied).

    Loaded for posing: the coarse level's own rows are not read (posing moves the coarse
    twins through the full level's rows, :meth:`.posing.PackPoser._twin_level`; only
    binding writes them), and its faces are int32 and read-only, as a loaded mesh's, so the
    scene draws the twins on them without a copy."""
    try:
        stamp = _stamp(path)
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(str(z["header"]))
            if (not isinstance(header, dict) or header.get("key") != key
                    or header.get("format") != FORMAT):
                return None
            a = {name: z[name] for name in z.files if not name.startswith(_COARSE_ROWS)}
    except DAMAGED:  # (json.JSONDecodeError is a ValueError)
        return None
    if not all(_plausible(v) for v in a.values()):
        return None
    try:
        return _rebuild(header, a, full_meshes, path, stamp)
    except (KeyError, ValueError, IndexError, TypeError, AttributeError):  # edited: made again
        return None


def _stamp(path: Path) -> tuple[int, int, int]:
    """What tells one version of a file from another: its inode, size and modification time."""
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


class SavedRows(Rows):
    """A loaded binding's full-level rows, read from its file each time one is asked for, not
    kept: posing reads them once, to make its maps (:class:`.posing.PackPoser`), and never
    again, so the motion lab keeps none of them (2.4 MiB with the BodyParts3D pack). The file
    as loaded is read (a file replaced since, e.g. by a new build of the pack, is not)."""

    def __init__(self, path: Path, prefix: str, stamp: tuple[int, int, int]) -> None:
        # (Rows.__init__ is not called: its fields are the properties below)
        self._where = (path, prefix, stamp)

    def _read(self, name: str) -> np.ndarray:
        path, prefix, stamp = self._where
        try:
            if _stamp(path) == stamp:
                with np.load(path, allow_pickle=False) as z:
                    return z[f"{prefix}_{name}"]
        except DAMAGED:
            pass
        raise ValueError(f"the binding {path} changed or cannot be read since it was loaded; "
                         "open the motion lab again")

    @property
    def vertex(self) -> np.ndarray:  # type: ignore[override]
        return self._read("vertex")

    @property
    def driver(self) -> np.ndarray:  # type: ignore[override]
        return self._read("driver")

    @property
    def frac(self) -> np.ndarray:  # type: ignore[override]
        return self._read("frac")

    @property
    def local(self) -> np.ndarray:  # type: ignore[override]
        return self._read("local")

    @property
    def weight(self) -> np.ndarray:  # type: ignore[override]
        return self._read("weight")


def _plausible(values: np.ndarray) -> bool:
    """Whether ``values`` hold only numbers a binding makes (see :data:`MOST_VALUE`)."""
    if values.dtype.kind != "f" or values.size == 0:
        return values.dtype.kind != "c"
    bits = _BITS.get(values.dtype.itemsize)
    if bits is None:
        return False
    # An IEEE float's size orders as its bits without the sign, NaN and infinities above every
    # finite number: one pass of integers (float16's min and max took 40 ms for the grids).
    size_mask = bits(np.iinfo(bits).max >> 1)
    most = np.array(MOST_VALUE, values.dtype).view(bits)
    return bool((values.view(bits) & size_mask).max() <= most)


def _rebuild(header: dict[str, Any], a: dict[str, np.ndarray],
             full_meshes: dict[str, tuple[np.ndarray, np.ndarray]], path: Path,
             stamp: tuple[int, int, int]) -> PackBinding:
    trs = []
    for k, (act, ob, ib) in enumerate(header["tracks"]):
        vals = {name: a[f"track_{name}"][k] for name in _TRACK_ARRAYS}
        trs.append(Track(act, ob, ib, **vals))

    def rows(prefix: str) -> Rows:  # int32 and float32, as saved (posing widens them)
        found = [a[f"{prefix}_{f}"] for f in _ROW_FIELDS]
        if len({len(v) for v in found}) != 1 or found[3].shape != (len(found[0]), 3):
            raise ValueError(f"the rows {prefix} do not fit together")
        return SavedRows(path, prefix, stamp)

    full_ids = header["full_ids"]
    if set(full_ids) - set(full_meshes):
        raise KeyError("the pack lacks a bound mesh")
    # the rest vertices: the pack's float32 meshes themselves (float64 copies of them were
    # ~1.4 MiB; the rest volumes posing keeps are now summed from float32: poses within 1e-6 m)
    full = Level(full_ids, a["full_starts"], rows("full_path"), rows("full_rigid"),
                 {s: np.asarray(full_meshes[s][1]) for s in full_ids},
                 {s: np.asarray(full_meshes[s][0]) for s in full_ids})
    cids = header["coarse_ids"]
    fstart = np.concatenate([[0], np.cumsum(a["coarse_face_counts"])])
    vstart = a["coarse_starts"]
    faces = a["coarse_faces"]
    if len(faces) and (faces.min() < 0 or faces.max() > np.iinfo(np.int32).max):
        raise ValueError("a coarse face's index is out of range")
    faces = faces.astype(np.int32)  # (saved int64)
    faces.flags.writeable = False
    coarse = Level(cids, vstart, Rows.empty(), Rows.empty(),
                   {s: faces[fstart[k]:fstart[k + 1]] for k, s in enumerate(cids)},
                   {s: a["coarse_rest"][vstart[k]:vstart[k + 1]] for k, s in enumerate(cids)})
    fields = None if header["fields"] is None else {
        int(k): Field(a[f"field_{k}_lo"], float(h), a[f"field_{k}_values"])  # float16, as saved
        for k, h in header["fields"].items()}
    checks = None if header["checks"] is None else {
        ln: [(int(body), a[f"check_{ln}_{k}_idx"].astype(np.int64), a[f"check_{ln}_{k}_goal"])
             for k, body in enumerate(bodies)] for ln, bodies in header["checks"].items()}
    folds = Folds(a["folds_knees"], a["folds_ankles"], a["folds_rows"].astype(np.int64),
                  a["folds_values"]) if header.get("folds") else None
    return PackBinding(trs, header["bodies"], a["rest_bodies"], full, coarse, header["how"],
                       {k: (v[0], v[1]) for k, v in header["extensions_m"].items()},
                       header["kinds"], fields, checks, folds,
                       _follow(a, full, coarse) if header.get("follow") else None)


def _follow(a: dict[str, np.ndarray], full: Level, coarse: Level) -> dict[str, Blend]:
    """The twins' maps as saved: each full structure's rows, in order (raises ValueError where
    they do not fit the meshes)."""
    index, weight = a["follow_index"], a["follow_weight"]
    sizes = [len(coarse.rest[s]) for s in full.ids]
    if index.shape != weight.shape or index.ndim != 2 or len(index) != sum(sizes):
        raise ValueError("the twins' maps do not fit the coarse meshes")
    out, start = {}, 0
    for sid, n in zip(full.ids, sizes, strict=True):
        part = index[start:start + n]
        if part.size and (part.min() < 0 or part.max() >= len(full.rest[sid])):
            raise ValueError(f"{sid}: a twin's map reads past its full mesh")
        out[sid] = Blend(part, weight[start:start + n], len(full.rest[sid]))
        start += n
    return out

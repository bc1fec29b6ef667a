"""Minimal glTF 2.0 binary (.glb) writer and reader for triangle meshes, numpy only.

One glTF mesh (and node) per structure, named by its id, with POSITION, NORMAL and uint32
indices; ``mesh.extras`` carries the structure's kind, layer and body. Any glTF viewer opens it.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

_MAGIC, _JSON, _BIN = 0x46546C67, 0x4E4F534A, 0x004E4942
#: Larger mesh files are refused unread (the built-in leg's and the anatomy pack's are ~5 MB).
MAX_GLB_BYTES = 256 * 2**20


class TooLarge(ValueError):
    """A file larger than any mesh file CalfExplorer writes (:data:`MAX_GLB_BYTES`)."""


def _pad(b: bytes, fill: bytes = b"\x00") -> bytes:
    return b + fill * ((4 - len(b) % 4) % 4)


def write_glb(
    path: Path, meshes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]],
    extras: dict[str, dict[str, Any]], asset_extras: dict[str, Any] | None = None,
) -> None:
    """Write meshes ``{id: (vertices, faces, normals, belly or None)}`` to one .glb file.

    ``belly`` goes in the application-specific vertex attribute ``_BELLY`` (float).
    """
    blob = bytearray()
    views: list[dict] = []
    accessors: list[dict] = []
    gl_meshes: list[dict] = []

    def add(arr: np.ndarray, comp: int, typ: str, target: int, minmax: bool = False) -> int:
        data = np.ascontiguousarray(arr).tobytes()
        views.append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data),
                      "target": target})
        blob.extend(_pad(data))
        acc: dict[str, Any] = {"bufferView": len(views) - 1, "componentType": comp,
                               "count": int(len(arr) if arr.ndim > 1 else arr.size), "type": typ}
        if minmax:
            acc["min"] = [float(x) for x in arr.min(0)]
            acc["max"] = [float(x) for x in arr.max(0)]
        accessors.append(acc)
        return len(accessors) - 1

    for mid, (v, f, n, belly) in meshes.items():
        attrs = {
            "POSITION": add(np.asarray(v, np.float32), 5126, "VEC3", 34962, minmax=True),
            "NORMAL": add(np.asarray(n, np.float32), 5126, "VEC3", 34962),
        }
        if belly is not None:
            attrs["_BELLY"] = add(np.asarray(belly, np.float32), 5126, "SCALAR", 34962)
        idx = add(np.asarray(f, np.uint32).ravel(), 5125, "SCALAR", 34963)
        gl_meshes.append({"name": mid, "extras": extras.get(mid, {}), "primitives": [
            {"attributes": attrs, "indices": idx, "mode": 4}]})
    doc = {
        "asset": {"version": "2.0", "generator": "calfexplorer build-assets",
                  "extras": asset_extras or {}},
        "scene": 0,
        "scenes": [{"nodes": list(range(len(gl_meshes)))}],
        "nodes": [{"mesh": i, "name": m["name"]} for i, m in enumerate(gl_meshes)],
        "meshes": gl_meshes,
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(blob)}],
    }
    js = _pad(json.dumps(doc, separators=(",", ":")).encode(), b" ")
    total = 12 + 8 + len(js) + 8 + len(blob)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<III", _MAGIC, 2, total))
        fh.write(struct.pack("<II", len(js), _JSON) + js)
        fh.write(struct.pack("<II", len(blob), _BIN) + bytes(blob))


_DTYPES = {5126: np.float32, 5125: np.uint32, 5123: np.uint16}
_WIDTH = {"VEC3": 3, "SCALAR": 1}


def read_glb(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, np.ndarray]]]:
    """Read a .glb written by :func:`write_glb`: the JSON document and arrays per mesh name.

    Raises ``ValueError`` for a file that is not a valid glTF binary (``OSError`` when it
    cannot be read); a mesh whose own data is bad gets ``{"error": reason}`` instead of arrays.
    """
    path = Path(path)
    with path.open("rb") as f:  # the header first: a huge or foreign file is not read whole
        head = f.read(12)
        size = path.stat().st_size
        if len(head) == 12:
            magic, version, total = struct.unpack("<III", head)
            if magic != _MAGIC or version != 2 or total != size:
                raise ValueError("not a glTF 2.0 binary file (bad header or length)")
        if size > MAX_GLB_BYTES:
            raise TooLarge(f"{size / 2**20:.0f} MB; CalfExplorer writes at most "
                           f"{MAX_GLB_BYTES // 2**20} MB")
        raw = head + f.read()
    try:
        return _parse_glb(raw)
    except (struct.error, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a glTF binary written by build-assets ({exc!r})") from None


def _parse_glb(raw: bytes) -> tuple[dict[str, Any], dict[str, dict[str, np.ndarray]]]:
    if len(raw) < 20:
        raise ValueError("file too short for glTF binary")
    magic, version, total = struct.unpack_from("<III", raw, 0)
    if magic != _MAGIC or version != 2 or total != len(raw):
        raise ValueError("not a glTF 2.0 binary file (bad header or length)")
    jlen, jtype = struct.unpack_from("<II", raw, 12)
    if jtype != _JSON:
        raise ValueError("glTF binary has no JSON chunk")
    if 20 + jlen > len(raw):
        raise ValueError(f"its JSON chunk's length ({jlen} bytes) runs past the end of the file")
    doc = json.loads(raw[20 : 20 + jlen])
    if not isinstance(doc, dict) or not isinstance(doc.get("meshes"), list):
        raise ValueError("glTF JSON chunk has no list of meshes")
    boff = 20 + jlen
    blen, btype = struct.unpack_from("<II", raw, boff)
    if btype != _BIN:
        raise ValueError("glTF binary has no BIN chunk")
    buf = memoryview(raw)[boff + 8 : boff + 8 + blen]

    def accessor(i: int) -> np.ndarray:
        acc = doc["accessors"][i]
        view = doc["bufferViews"][acc["bufferView"]]
        dt = _DTYPES[acc["componentType"]]
        w = _WIDTH[acc["type"]]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        arr = np.frombuffer(buf, dtype=dt, count=acc["count"] * w, offset=start)
        return arr.reshape(-1, 3) if w == 3 else arr

    out: dict[str, dict[str, np.ndarray]] = {}
    for m in doc["meshes"]:
        if not isinstance(m, dict):
            raise ValueError("a mesh of its JSON chunk is not a mapping")
        if not isinstance(m.get("name"), str):  # (an edited file: a number broke start-up)
            m["name"] = str(m.get("name"))
            out[m["name"]] = {"error": np.array("its mesh name is not text")}
            continue
        try:
            prim = m["primitives"][0]
            out[m["name"]] = {
                "vertices": accessor(prim["attributes"]["POSITION"]),
                "normals": accessor(prim["attributes"]["NORMAL"]),
                "faces": accessor(prim["indices"]).reshape(-1, 3),
            }
            if "_BELLY" in prim["attributes"]:
                out[m["name"]]["belly"] = accessor(prim["attributes"]["_BELLY"])
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            out[m["name"]] = {"error": np.array(str(exc))}
    return doc, out

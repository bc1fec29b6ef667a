"""What an anatomy pack's manifest holds beyond any mesh folder's (:mod:`calfexplorer.assets`
checks that part): the version of the program that wrote it, and the pack's own sections in
the shape the build writes them and its readers (binding, posing, check-geometry) take them.
Checked when the pack is loaded, so that a hand-edited or foreign manifest is refused naming
the field, instead of failing later in what reads it."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from calfexplorer.atlas.messages import type_name

#: The pack format this program writes; a pack of a later major version is refused, one of an
#: earlier minor version is drawn and offered a new build (:func:`older_pack`).
PACK_VERSION = "1.9.0"

#: What a pack built by this program has that one of an earlier version lacks, by the version
#: that brought it (a user with an older pack is told what building it again gives).
BUILT_AGAIN_BRINGS: dict[str, str] = {
    "1.1.0": ("the toes sit on their metatarsals, the sciatic nerve runs within the thigh and "
              "the common fibular nerve starts where the sciatic ends"),
    "1.2.0": ("the toe muscles' insertions lie on the right part of each toe (extensor "
              "hallucis longus on the base of the great toe's last bone, not 3 cm beyond it), "
              "the foot's and the fibular head's attachment sites lie where the atlas puts "
              "them, and the common fibular nerve no longer folds when the knee bends"),
    "1.3.0": ("the calcaneal tendon's and the plantaris' insertions lie on the middle of the "
              "heel bone's back, not its upper corner, and the saphenous nerve no longer runs "
              "through the gracilis"),
    "1.4.0": ("the saphenous nerve keeps close to its course down the inner thigh, behind the "
              "gracilis, instead of bowing 4 cm forward round that muscle's front, and the "
              "plain skin covers the realistic leg's muscles, which showed through it in "
              "dark-red patches on the calf and the back of the thigh; the small muscles of "
              "the foot lie on the pack's foot bones, their tendons ending on the toes"),
    "1.5.0": ("extensor digitorum brevis reaches toes 2 to 4 by three tendons from a fleshy "
              "belly on the foot's upper side, the tendons of the short muscles of the sole "
              "end on the toe bones instead of inside them, and the gastrocnemius heads "
              "crease less at their origins with the knee bent between 95 and 115 degrees, "
              "the lateral head no longer pressing into the femur there"),
    "1.6.0": ("the plain skin covers the calf's and the thigh's muscles behind the bent knee, "
              "where they met outside it (up to 36 mm at 120 degrees)"),
    # (the pack's skin is the built-in skin moved out, vertex by vertex: one made from an
    # earlier built-in skin no longer matches it, and the built-in skin is drawn instead)
    "1.7.0": ("the plain skin is again the realistic leg's own, moved out over its bulkier "
              "muscles: an earlier pack no longer fits this version's skin, so the simple "
              "leg's skin is drawn and the realistic muscles show through it"),
    "1.8.0": ("the plain skin behind the bent knee makes a smoother crease: less than half as "
              "many of its faces turn over there (jagged edges where the calf's skin meets "
              "the thigh's), the muscles still covered"),
    "1.8.1": ("the plain skin no longer bulges into a fold behind the knee bent 30 to 80 "
              "degrees, and its crease behind the deeply bent knee is smoother still"),
    "1.9.0": ("the soleus no longer closes the plane between itself and the deep calf muscles "
              "where the tibial nerve runs: its deep surface, its arch included, is moved off "
              "the nerve's course (its volume kept), so the nerve lies beside the muscles, not "
              "in them; the quadriceps' insertions lie on the patella's base and upper "
              "borders, not on its back; the genicular arteries no longer include a branch "
              "of the femoral artery in the thigh"),
}

#: The pack's own sections and what each must be (``registration`` is required).
_SECTIONS: dict[str, type] = {
    "without_mesh": dict,
    "attachment_sites": dict,
    "routes": dict,
    "registration": dict,
    "attribution": dict,
    "refused": list,
}


def _major(version: Any) -> int | None:
    found = re.match(r"(\d+)(\.|$)", version, re.ASCII) if isinstance(version, str) else None
    return int(found.group(1)) if found else None


def _version(doc: dict[str, Any]) -> Any:
    generator = doc.get("generator", {})
    return generator.get("version") if isinstance(generator, dict) else None


def _wrong(field: str, value: Any, expected: str) -> str:
    return f"'{field}' must be {expected}, not {type_name(value)}"


def newer_pack(doc: dict[str, Any]) -> str | None:
    """Why a pack's manifest was made by a newer CalfExplorer than this one, or None."""
    version = _version(doc)
    major = _major(version)
    if major is not None and major > (_major(PACK_VERSION) or 0):
        return (f"it was made by a newer CalfExplorer (pack version {version}; this one "
                f"reads version {_major(PACK_VERSION)} packs)")
    return None


def _numbers(version: Any) -> tuple[int, ...] | None:
    found = re.fullmatch(r"(\d+)\.(\d+)(?:\.(\d+))?", version, re.ASCII) \
        if isinstance(version, str) else None
    return tuple(int(n or 0) for n in found.groups()) if found else None


def older_pack(doc: dict[str, Any]) -> str | None:
    """What building a pack made by an earlier CalfExplorer again would give, or None (a pack
    of this version, a newer one, or one whose version cannot be read)."""
    version, own = _numbers(_version(doc)), _numbers(PACK_VERSION)
    if version is None or own is None or version >= own or version[0] != own[0]:
        return None
    brings = [what for since, what in BUILT_AGAIN_BRINGS.items()
              if version < (_numbers(since) or own)]
    return (f"made by an earlier CalfExplorer (pack version {_version(doc)}); built "
            f"again, {'; '.join(brings) or 'it is made as this version makes it'}")


def pack_manifest_problem(doc: dict[str, Any]) -> str | None:
    """What field of a pack's parsed manifest (already of a mesh folder's shape) this program
    cannot use, and why (None: fine). A newer pack is :func:`newer_pack`'s to say."""
    version = _version(doc)
    if _major(version) is None:
        given = repr(version) if isinstance(version, str) else type_name(version)
        return f"'generator.version' must be a version number such as 1.0.0, not {given}"
    if "registration" not in doc:
        return "'registration' is missing"
    for key, kind in _SECTIONS.items():
        if key in doc and not isinstance(doc[key], kind):
            return _wrong(key, doc[key], type_name(kind()))
    return (_entries(doc.get("without_mesh", {}), "without_mesh", str, "text")
            or _entries(doc.get("routes", {}), "routes", dict, type_name({}))
            or _entries(doc["registration"], "registration", dict, type_name({}))
            or _registration(doc["registration"])
            or _meshes(doc.get("meshes", {}), set(doc["registration"]))
            or _without_patch(doc.get("attachment_sites", {})))


def _entries(section: dict[str, Any], name: str, kind: type, expected: str) -> str | None:
    for key, value in section.items():
        if not isinstance(value, kind):
            return _wrong(f"{name}.{key}", value, expected)
    return None


def _registration(section: dict[str, dict[str, Any]]) -> str | None:
    for group, fit in section.items():
        rows = fit.get("matrix_mm_to_m")
        if not (isinstance(rows, list) and len(rows) == 4 and all(
                isinstance(row, list) and len(row) == 4 and all(
                    isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
                    for x in row) for row in rows)):
            return f"'registration.{group}.matrix_mm_to_m' must be 4 rows of 4 numbers"
        if abs(_determinant(np.asarray(rows, dtype=float)[:3, :3])) < 1e-15:
            return f"'registration.{group}.matrix_mm_to_m' flattens the bones (determinant 0)"
    return None


def _determinant(m: np.ndarray) -> float:
    """A 3 x 3 matrix's determinant as the triple product of its rows: ``np.linalg.det`` calls
    LAPACK, whose first call brings ~1 MiB of OpenBLAS into memory at the pack leg's start."""
    return float((m[0] * np.cross(m[1], m[2])).sum())


#: Kinds of mesh the build places by a registration group onto a model body (sites are
#: placed on their bone).
_PLACED = frozenset({"bone", "muscle", "tendon", "artery", "vein"})


def _meshes(meshes: dict[str, dict[str, Any]], groups: set[str]) -> str | None:
    for sid, entry in meshes.items():
        placement = entry.get("placement", {})
        if not isinstance(entry.get("kind"), str):
            return _wrong(f"meshes.{sid}.kind", entry.get("kind"), "text")
        if not isinstance(placement, dict):
            return _wrong(f"meshes.{sid}.placement", placement, type_name({}))
        if entry["kind"] == "bone" and not isinstance(entry.get("body"), str):
            return _wrong(f"meshes.{sid}.body", entry.get("body"), "text")
        if entry["kind"] not in _PLACED:
            continue
        for key in ("group", "body"):
            if not isinstance(placement.get(key), str):
                return _wrong(f"meshes.{sid}.placement.{key}", placement.get(key), "text")
        if placement["group"] not in groups:
            return (f"'meshes.{sid}.placement.group' names {placement['group']!r}, which "
                    "'registration' does not hold")
    return None


def _without_patch(sites: dict[str, Any]) -> str | None:
    without = sites.get("without_patch", {})
    return None if isinstance(without, dict) else _wrong(
        "attachment_sites.without_patch", without, type_name({}))

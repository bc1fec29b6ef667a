"""What the scene needs to know about each structure id: kind, display layer, name, owner.

Built once from the atlas; attachment-site ids (``"<muscle>:origin:<site>"``) are resolved to
their muscle, bone and landmark. Works with a partial atlas (or none): unknown ids get a kind
guessed from the id so a mesh never goes undrawn for want of an atlas entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

BONE_IDS = frozenset(
    [
        "hip_bone",
        "sacrum",
        "coccyx",
        "femur",
        "patella",
        "tibia",
        "fibula",
        "talus",
        "calcaneus",
        "navicular",
        "cuboid",
        "cuneiforms",
        "metatarsals",
        "phalanges",
    ]
)

_LAYER_OF_KIND = {
    "bone": "bones",
    "tendon": "tendons",
    "nerve": "nerves",
    "artery": "vessels",
    "vein": "vessels",
    "origin_site": "attachments",
    "insertion_site": "attachments",
}


@dataclass(frozen=True)
class StructureInfo:
    """Display facts about one structure id.

    ``kind`` is the atlas kind, or ``origin_site`` / ``insertion_site`` for attachment patches.
    ``owner`` is the muscle (or tendon) a site belongs to; ``bone`` the bone a site lies on.
    """

    id: str
    kind: str
    layer: str
    name: str
    parent: str | None = None
    owner: str | None = None
    bone: str | None = None

    @property
    def is_site(self) -> bool:
        """Whether this is an attachment patch."""
        return self.kind in ("origin_site", "insertion_site")


def atlas_structures(atlas: Any) -> dict[str, Any]:
    """The atlas's structures by id, whatever container the atlas uses (or {} for None)."""
    if atlas is None:
        return {}
    items = getattr(atlas, "structures", atlas)
    if callable(items):
        items = items()
    if isinstance(items, Mapping):
        return dict(items)
    if isinstance(items, Iterable):
        return {s.id: s for s in items}
    return {}


def _pretty(slug: str) -> str:
    return slug.replace("_", " ").strip().capitalize()


def _site_info(sid: str, structures: Mapping[str, Any]) -> StructureInfo:
    owner, role, site = (sid.split(":") + ["", ""])[:3]
    kind = "origin_site" if role == "origin" else "insertion_site"
    entry = structures.get(owner)
    attachment = None
    if entry is not None:
        if role == "origin":
            candidates = list(getattr(entry, "origins", []) or [])
        else:
            candidates = list(getattr(entry, "insertions", []) or [])
            single = getattr(entry, "insertion", None)
            if single is not None:
                candidates.append(single)
        attachment = next((a for a in candidates if getattr(a, "site", None) == site), None)
    bone = getattr(attachment, "bone", None)
    landmark = getattr(attachment, "landmark", None) or _pretty(site)
    bone_entry = structures.get(bone) if bone else None
    bone_name = getattr(bone_entry, "name", None) or (_pretty(bone) if bone else None)
    mentioned = bone_name is None or bone_name.lower() in landmark.lower()
    where = landmark if mentioned else f"{landmark} ({bone_name.lower()})"
    owner_name = getattr(entry, "name", None) or _pretty(owner)
    label = f"{'Origin' if role == 'origin' else 'Insertion'} of {owner_name}: {where}"
    return StructureInfo(sid, kind, "attachments", label, owner=owner, bone=bone)


def _guess_kind(sid: str) -> str:
    if sid in BONE_IDS:
        return "bone"
    if sid.endswith("_nerve"):
        return "nerve"
    if sid.endswith(("_artery", "_arteries")):
        return "artery"
    if sid.endswith(("_vein", "_veins")):
        return "vein"
    if sid.endswith("_tendon"):
        return "tendon"
    return "muscle"


def structure_info(sid: str, structures: Mapping[str, Any]) -> StructureInfo:
    """Display facts for one id (an atlas structure or an attachment-site id)."""
    if ":" in sid:
        return _site_info(sid, structures)
    entry = structures.get(sid)
    kind = getattr(entry, "kind", None) or _guess_kind(sid)
    if kind == "muscle":
        layer = getattr(entry, "layer", None) or "superficial"
    else:
        layer = _LAYER_OF_KIND.get(kind, "superficial")
    name = getattr(entry, "name", None) or _pretty(sid)
    return StructureInfo(sid, kind, layer, name, parent=getattr(entry, "parent", None))


def build_catalog(atlas: Any, ids: Iterable[str]) -> dict[str, StructureInfo]:
    """Display facts for every id, plus every atlas structure without a mesh."""
    structures = atlas_structures(atlas)
    wanted = list(dict.fromkeys([*ids, *structures]))
    return {sid: structure_info(sid, structures) for sid in wanted}

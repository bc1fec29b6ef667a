"""What the scene needs to know about each structure id: kind, display layer, name, owner.

Read from the atlas (``Atlas.get``, ``layer_of``, ``name_of``, ``attachment``), never
re-derived here. A mesh the atlas does not know (a partial atlas after a data error, or none)
is still drawn: with the kind its asset file records, else as ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (importing the atlas package costs pydantic before the first frame)
    from calfexplorer.atlas import Atlas

#: Kinds recorded in the asset files -> scene kinds, for meshes the atlas does not know.
_ASSET_KINDS = ("bone", "muscle", "tendon", "nerve", "artery", "vein")


@dataclass(frozen=True)
class StructureInfo:
    """Display facts about one structure id.

    ``kind`` is the atlas kind, or ``origin_site`` / ``insertion_site`` for attachment patches.
    ``owner`` is the muscle (or tendon) a site belongs to; ``bone`` the bone a site lies on;
    ``place`` where on the bone, for labels (``"Calcaneal tuberosity (calcaneus)"``);
    ``under`` the deepest muscle layer a nerve or vessel runs under, where the atlas says.
    """

    id: str
    kind: str
    layer: str
    name: str
    parent: str | None = None
    owner: str | None = None
    bone: str | None = None
    place: str | None = None
    under: str | None = None

    @property
    def is_site(self) -> bool:
        """Whether this is an attachment patch."""
        return self.kind in ("origin_site", "insertion_site")


def structure_info(sid: str, atlas: Atlas, asset_kinds: Mapping[str, str]) -> StructureInfo:
    """Display facts for one id (an atlas structure or an attachment-site id)."""
    if site := atlas.attachment(sid):
        kind = f"{site.role}_site"
        from calfexplorer.atlas import place_label  # (the atlas is loaded by now)

        place = place_label(site.attachment.landmark, atlas.name_of(site.bone))
        name = atlas.name_of(sid)
        return StructureInfo(sid, kind, "attachments", name, None, site.muscle, site.bone, place)
    if entry := atlas.get(sid):
        layer = atlas.layer_of(sid) or "superficial"
        under = getattr(entry, "lies_under", None)
        return StructureInfo(sid, entry.kind, layer, entry.name, parent=entry.parent,
                             under=under.layer if under is not None else None)
    kind = asset_kinds.get(sid, "")
    if kind == "site" or ":" in sid:
        role = "origin" if ":origin:" in sid else "insertion"
        return StructureInfo(sid, f"{role}_site", "attachments", sid)
    return StructureInfo(sid, kind if kind in _ASSET_KINDS else "other", "superficial", sid)


def build_catalog(
    atlas: Atlas | None, ids: Iterable[str], asset_kinds: Mapping[str, str] | None = None
) -> dict[str, StructureInfo]:
    """Display facts for every id, plus every atlas structure without a mesh."""
    if atlas is None:
        from calfexplorer.atlas import Atlas

        atlas = Atlas({}, {}, {})
    kinds = asset_kinds or {}
    wanted = list(dict.fromkeys([*ids, *atlas.structures]))
    return {sid: structure_info(sid, atlas, kinds) for sid in wanted}

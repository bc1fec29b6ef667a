"""What the labels say: the selection's name as a title, and one label per lit attachment site
(or one listing label for many sites of one role on one bone, or of one role of a selected
muscle)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from vtkmodules.vtkRenderingCore import vtkRenderer, vtkTextActor

from calfexplorer.scene import style
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.labels import Label

#: At most this many attachment labels at once (a bone can carry dozens of sites).
MAX_LABELS = 12
#: More sites than this of one role on one bone (or of a selected muscle, over all its bones)
#: are named in one label with a list.
GROUP_OVER = 3

Point = tuple[float, float, float]


def title_actor(overlay: vtkRenderer) -> vtkTextActor:
    """The (hidden) title in the top left of ``overlay``, where no preset view puts the leg."""
    actor = vtkTextActor()
    tprop = actor.GetTextProperty()
    tprop.SetFontSize(TITLE_SIZE)
    tprop.SetBold(True)
    tprop.SetColor(*style.LABEL_COLOR)
    tprop.SetVerticalJustificationToTop()
    actor.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
    actor.SetPosition(0.025, 0.975)
    actor.PickableOff()
    actor.VisibilityOff()
    overlay.AddViewProp(actor)
    return actor


#: The title's font size, and the smallest it shrinks to before it wraps onto a second line.
TITLE_SIZE, TITLE_LEAST_SIZE = 22, 15


def fit_title(actor: vtkTextActor, overlay: vtkRenderer, text: str) -> None:
    """Show ``text`` as the title within the view's width: smaller, then on two lines, where
    it is too long for one ("Superficial posterior compartment of the le" ran off the edge)."""
    room = overlay.GetSize()[0] * (1.0 - 2 * actor.GetPosition()[0])
    tprop = actor.GetTextProperty()
    bbox = [0.0] * 4
    for lines in (text, _two_lines(text)):
        for size in range(TITLE_SIZE, TITLE_LEAST_SIZE - 1, -1):
            tprop.SetFontSize(size)
            actor.SetInput(lines)
            actor.GetBoundingBox(overlay, bbox)
            if bbox[1] - bbox[0] <= room:
                return


def _two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


def site_labels(
    catalog: Mapping[str, StructureInfo],
    selected: str | None,
    lit_sites: Mapping[str, str],
    shown: Callable[[str], bool],
    point: Callable[[str], Point],
) -> list[Label]:
    """Labels for the shown lit sites (id -> "origin" or "insertion") of the selection.

    On a selected bone a site is named by its muscle, elsewhere by its place; ``point(id)`` is
    where a site's label points.
    """
    selected_kind = catalog[selected].kind if selected is not None and selected in catalog else ""
    named: dict[tuple[str, str], dict[str, list[str]]] = {}  # (bone, role) -> text -> ids
    # on a bone a head's site goes under its whole muscle's name, when that is lit too (the
    # calcaneus listed the gastrocnemius and each of its heads)
    owners = {catalog[sid].owner for sid in lit_sites if sid in catalog}
    for sid, role in sorted(lit_sites.items()):
        if not shown(sid):
            continue
        info = catalog[sid]
        if selected_kind == "bone" and info.owner:
            owner = catalog.get(info.owner)
            if owner is not None and owner.parent is not None and owner.parent in owners:
                owner = catalog.get(owner.parent)
            text = f"{owner.name if owner else info.owner} ({role})"
        else:
            text = f"{role.capitalize()}: {info.place or info.name}"
        # (one text for several sites: e.g. one muscle with several sites on a bone)
        named.setdefault((info.bone or "", role), {}).setdefault(text, []).append(sid)
    labels: list[Label] = []
    if selected_kind != "bone":
        # tibialis posterior's five insertions, one label each, piled up under the foot with
        # their leaders crossing: one list, its leaders fanning out from one point, cannot cross
        for role in ("origin", "insertion"):
            texts: dict[str, list[str]] = {}
            for (_bone, r), by_text in named.items():
                for text, sids in by_text.items():
                    if r == role:  # (one text on two bones: both its sites, not the last)
                        texts.setdefault(text, []).extend(sids)
            if len(texts) > GROUP_OVER:
                plural = "Origins" if role == "origin" else "Insertions"
                # in the atlas' order: a muscle's main attachment first (the navicular's)
                rank = {sid: k for k, sid in enumerate(catalog)}
                ordered = sorted(texts.items(), key=lambda item: min(rank[s] for s in item[1]))
                items = {text.split(": ", 1)[-1]: sids for text, sids in ordered}
                labels.append(_list_label(f"{plural}:", role, items, point))
                named = {key: by_text for key, by_text in named.items() if key[1] != role}
    for (bone, role), texts in named.items():
        if len(texts) > GROUP_OVER:
            bone_name = catalog[bone].name.lower() if bone in catalog else bone
            plural = "Origins" if role == "origin" else "Insertions"
            if selected_kind == "bone":
                heading = f"{plural}:"
                items = {text.removesuffix(f" ({role})"): sids for text, sids in texts.items()}
            else:
                heading = f"{plural} on the {bone_name}:"
                items = {text.split(": ", 1)[-1]: sids for text, sids in texts.items()}
            labels.append(_list_label(heading, role, items, point))
            continue
        for text, sids in texts.items():
            labels.append(Label(text, role, point(sids[0])))
    return labels[:MAX_LABELS]


def _list_label(
    heading: str,
    role: str,
    items: Mapping[str, list[str]],
    point: Callable[[str], Point],
) -> Label:
    """One label listing many sites (item text -> its site ids), pointing at each site."""
    anchors: list[Point] = []
    of_items: list[tuple[int, ...]] = []
    for sids in items.values():
        mine: list[int] = []
        for sid in sids:
            at = point(sid)
            if at not in anchors:
                anchors.append(at)
            mine.append(anchors.index(at))
        of_items.append(tuple(dict.fromkeys(mine)))
    lines = "\n".join(f"\u2022 {item}" for item in items)
    return Label(f"{heading}\n{lines}", role, anchors[0], tuple(anchors[1:]), tuple(of_items))

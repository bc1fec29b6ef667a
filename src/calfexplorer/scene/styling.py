"""Styles as data: how every structure is drawn, resolved from the state in one pure function.

No VTK and no Qt: :func:`resolve_styles` maps the state, the catalog and the colour overrides
to a frozen map of id -> :class:`Resolved`; the scene compares it with the last map and hands
only the differences to its actors. Tests check the rules here without OpenGL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from calfexplorer.layers import PEEL_ORDER
from calfexplorer.scene import style
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.state import AppState

#: Structures fainter than this cannot be picked (clicks go through them).
PICK_MIN_OPACITY = 0.2
#: A selected see-through structure (a region): tinted, and its contents still show.
SEE_THROUGH_SELECTED_OPACITY = 0.35
#: A selected space (see :func:`space_ids`) with its contents lit: fainter, so that their
#: colours (see :data:`~calfexplorer.scene.style.SPACE_CONTENT_HEX`) read true through it.
SPACE_SELECTED_OPACITY = 0.12
#: A hovered structure is drawn at least this opaque.
HOVER_MIN_OPACITY = 0.6
#: Colour overrides that stay clear over a selection (a lesion's weak muscles) are drawn at
#: least this opaque while something else is selected (unless they are muscles of a layer over
#: the selection: see selection_depth); the selection, solid, still stands out.
OVERRIDE_MIN_OPACITY = 0.55
#: Muscle layers, outermost first (as they are peeled).
MUSCLE_LAYERS = PEEL_ORDER[:2]
#: Ambient lighting of a lit (selected muscle's or bone's) attachment site.
_LIT_SITE_AMBIENT = 0.3


class DrawnStyle(NamedTuple):
    """How a structure is drawn now: one colour (unless ``plain`` keeps its own per-vertex
    colours), opacity, and ambient and diffuse lighting coefficients."""

    color: tuple[float, float, float]
    opacity: float
    ambient: float
    diffuse: float
    plain: bool


class Resolved(NamedTuple):
    """Everything the scene sets on one structure's actor: shown, pickable, drawn in front
    (a lit attachment site) and its drawn style."""

    visible: bool
    pickable: bool
    forward: bool
    drawn: DrawnStyle


@dataclass(frozen=True)
class Styles:
    """The resolved styles: ``by_id``, the selection's ``parts`` and its ``lit`` sites
    (id -> ``"origin"`` or ``"insertion"``)."""

    by_id: Mapping[str, Resolved]
    parts: frozenset[str]
    lit: Mapping[str, str]
    #: The selected space (see :func:`space_ids`) and its contents, drawn in their own
    #: colours and lit only inside it (see :mod:`~calfexplorer.scene.region_band`).
    space: str | None = None
    banded: frozenset[str] = frozenset()
    #: The colour each banded content is lit in inside the space: its kind's
    #: (:func:`~calfexplorer.scene.style.space_content_color`), so that its artery, veins,
    #: nerve and tendons are told apart at a glance.
    band_colors: Mapping[str, style.RGB] = field(default_factory=dict)


def part_of(
    catalog: Mapping[str, StructureInfo], atlas: Any, spaces: bool = True
) -> dict[str, list[str]]:
    """Id -> the ids selecting it also lights: its parts (a muscle's heads), and what a
    region holds (a compartment's muscles, nerve and artery; with ``spaces``, the contents of
    the popliteal fossa or the tarsal tunnel, which run far beyond it). ``atlas`` may be None
    (parts only)."""
    children: dict[str, list[str]] = {}
    for info in catalog.values():
        if info.parent:
            children.setdefault(info.parent, []).append(info.id)
    for region in atlas.regions() if atlas is not None and hasattr(atlas, "regions") else ():
        if not spaces and getattr(region, "compartment", None) is None:
            continue
        children.setdefault(region.id, []).extend(
            h for h in region.held() if h in catalog or h in children
        )
    return children


def space_ids(atlas: Any) -> frozenset[str]:
    """Regions that are spaces, not compartments (the popliteal fossa, the tarsal tunnel):
    what they hold runs far beyond them."""
    regions = atlas.regions() if atlas is not None and hasattr(atlas, "regions") else ()
    return frozenset(r.id for r in regions if getattr(r, "compartment", None) is None)


def selection_parts(selected: str | None, children: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The selected id and every part of it (a muscle's heads), or nothing."""
    if selected is None:
        return frozenset()
    parts = {selected}
    stack = [selected]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in parts:
                parts.add(child)
                stack.append(child)
    return frozenset(parts)


def selection_depth(
    selected: str | None,
    catalog: Mapping[str, StructureInfo],
    children: Mapping[str, Iterable[str]],
) -> int | None:
    """How many muscle layers (of :data:`MUSCLE_LAYERS`, outermost first) lie over a
    selection: a muscle's or an attachment site's muscle's outer ones; for a nerve or vessel the
    atlas places under a layer, that one and those outside it (the deep fibular nerve, on the
    interosseous membrane: both); for the rest of what a region holds, the layers outside the
    deepest one of the muscles held with it (the tibial nerve: the deep posterior compartment's,
    so the superficial); None when it lies under no muscle layer as far as we know."""
    info = catalog.get(selected) if selected is not None else None
    if info is None:
        return None
    if info.is_site:
        info = catalog.get(info.owner or "", info)
        if info.layer not in MUSCLE_LAYERS:  # (a tendon's site: its muscle's layer)
            info = catalog.get(info.parent or "", info)
    if info.under in MUSCLE_LAYERS:  # (said of it in the atlas: before the layer it is drawn in)
        return MUSCLE_LAYERS.index(info.under) + 1
    if info.layer in MUSCLE_LAYERS:
        return MUSCLE_LAYERS.index(info.layer)
    depths = [MUSCLE_LAYERS.index(catalog[h].layer)
              for region, held in children.items()
              if region in catalog and catalog[region].kind == "region" and info.id in held
              for h in held if h in catalog and catalog[h].layer in MUSCLE_LAYERS]
    return max(depths, default=None)


def lit_sites(
    selected: str | None,
    parts: frozenset[str],
    catalog: Mapping[str, StructureInfo],
    ids: Iterable[str],
    concealed: bool = False,
) -> dict[str, str]:
    """Attachment sites to light for a selection: a muscle's own, or every site on a bone
    (none while ``concealed``, e.g. during a quiz, nor for a region: what it holds lights up,
    not where those muscles attach far from it); a selected site lights itself."""
    if selected is None or selected not in catalog:
        return {}
    info = catalog[selected]
    lit: dict[str, str] = {}
    for other in ids if not (concealed or info.kind == "region") else ():
        site = catalog[other]
        on_it = (info.kind == "bone" and site.bone == selected) or site.owner in parts
        if site.is_site and on_it:
            lit[other] = _role(site)
    if info.is_site:
        lit[selected] = _role(info)
    return lit


def _role(info: StructureInfo) -> str:
    return "origin" if info.kind == "origin_site" else "insertion"


def resolve_styles(
    state: AppState,
    catalog: Mapping[str, StructureInfo],
    ids: Collection[str],
    *,
    selected: str | None,
    children: Mapping[str, Iterable[str]],
    overrides: Mapping[str, tuple[float, float, float]],
    painted: Collection[str] = (),
    concealed: bool = False,
    overrides_stay: bool = False,
    spaces: Collection[str] = (),
) -> Styles:
    """How each of ``ids`` is drawn for this state (``selected`` may differ from the state's
    while the scene warms a selection up). ``painted`` ids carry their own per-vertex colours,
    drawn in the plain style; ``overrides`` colour ids (e.g. lengths in the motion lab), which
    ``overrides_stay`` keeps from fading with the rest under a selection (a lesion's weak
    muscles), except muscles of a layer over the selection (see :func:`selection_depth`);
    ``concealed`` (a question asks) lights no attachment site.
    What a selected one of ``spaces`` holds keeps its own colours (or its override), to be lit
    only inside the space (``banded``) in its kind's colour (``band_colors``)."""
    parts = selection_parts(selected, children)
    space = selected if selected in spaces else None
    banded: dict[str, style.RGB] = {}
    lit = lit_sites(selected, parts, catalog, ids, concealed)
    hovered = state.hovered
    clear = faded = 1.0 - state.xray
    if selected is not None:
        faded = min(faded, state.fade)
    # a selected site is shown on its bone: faded behind the faded rest, the bone a question
    # names ("the highlighted site on the tibia") could not be made out
    chosen = catalog.get(selected) if selected is not None else None
    site_bone = chosen.bone if chosen is not None and chosen.is_site else None
    # coloured muscles of a layer over the selection fade like the rest, as they do without
    # colours: a selected deep muscle, its site or the tibial nerve is not hidden under the
    # coloured superficial
    muscle_depth = selection_depth(selected, catalog, children)
    out: dict[str, Resolved] = {}
    for sid in ids:
        info = catalog[sid]
        material = style.MATERIALS.get(info.kind, style.MATERIALS["other"])
        if sid in lit:
            visible = sid not in state.hidden
            color = style.ORIGIN_COLOR if lit[sid] == "origin" else style.INSERTION_COLOR
            opacity, ambient = 1.0, _LIT_SITE_AMBIENT
        elif sid in parts and space is not None and sid != space:
            visible = sid not in state.hidden
            color, opacity, ambient = material.color, material.opacity, material.ambient
            # (a lesion's colour beyond the space, or the kind's own greyed)
            color = overrides.get(sid, style.greyed(color))
            banded[sid] = style.space_content_color(info.kind)
        elif sid in parts:
            visible = sid not in state.hidden
            color, ambient = style.HIGHLIGHT.color, style.HIGHLIGHT.ambient
            opacity = 1.0 if material.opacity >= 1.0 else SEE_THROUGH_SELECTED_OPACITY
            if sid == space and len(parts) > 1:  # (its contents lit in their colours)
                opacity = min(opacity, SPACE_SELECTED_OPACITY)
        else:
            visible = state.is_visible(sid, info.layer)
            shade = clear if sid == site_bone else faded
            color, opacity, ambient = material.color, shade * material.opacity, material.ambient
            if sid in overrides:
                color = overrides[sid]
                over = (muscle_depth is not None and info.layer in MUSCLE_LAYERS
                        and MUSCLE_LAYERS.index(info.layer) < muscle_depth)
                if overrides_stay and selected is not None and not over:  # (X-ray sees through)
                    opacity = max(opacity, OVERRIDE_MIN_OPACITY * material.opacity
                                  * (1.0 - state.xray))
        if sid == hovered and sid not in parts:
            color = style.lighten(color, style.HOVER_LIGHTEN)
            opacity = max(opacity, min(HOVER_MIN_OPACITY, material.opacity))
        visible = visible and opacity > 0.0
        # Belly/tendon colours only in the plain style; highlight, hover, sites and overrides
        # draw in one colour.
        plain = (
            sid in painted
            and sid not in lit
            and (sid not in parts or sid in banded)
            and sid != hovered
            and sid not in overrides
        )
        out[sid] = Resolved(
            visible,
            # a see-through kind (a region) wraps other structures: it never takes their clicks
            visible and opacity >= PICK_MIN_OPACITY and material.opacity >= 1.0,
            info.is_site and sid in lit,
            DrawnStyle(color, opacity, ambient, material.diffuse, plain),
        )
    return Styles(MappingProxyType(out), parts, MappingProxyType(lit),
                  space if banded else None, frozenset(banded), MappingProxyType(banded))

"""Colours and materials of the scene: anatomical base colours, highlight and attachment colours.

Pure data (no VTK), so tests and other views (legends, the info panel) can use the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[float, float, float]


def hex_rgb(code: str) -> RGB:
    """``"#E69F00"`` -> (0.902, 0.624, 0.0)."""
    code = code.lstrip("#")
    r, g, b = (int(code[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return (r, g, b)


def rgb_hex(color: RGB) -> str:
    """(0.902, 0.624, 0.0) -> ``"#E69F00"``."""
    return "#" + "".join(f"{round(v * 255):02X}" for v in color)


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG 2 contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    def luminance(color: RGB) -> float:
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in color]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darkened_to(color: RGB, ratio: float, against: tuple[RGB, ...]) -> RGB:
    """``color`` darkened (its hue kept) no more than it takes to stand ``ratio``:1 against
    each of ``against``, in whole 8-bit steps (as a ``#RRGGBB`` code writes it); ``color``
    itself where it already does."""
    for step in range(256):
        scale = (255 - step) / 255
        dark = (round(color[0] * 255 * scale) / 255, round(color[1] * 255 * scale) / 255,
                round(color[2] * 255 * scale) / 255)
        if all(contrast(dark, back) >= ratio for back in against):
            return dark
    return (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Material:
    """Colour, Phong lighting coefficients and opacity of one kind of structure."""

    color: RGB
    ambient: float = 0.12
    diffuse: float = 0.85
    specular: float = 0.15
    specular_power: float = 20.0
    #: Below 1 for see-through kinds (regions), so they never hide what they hold.
    opacity: float = 1.0


#: Base look per display class (see :func:`calfexplorer.scene.catalog.StructureInfo.style`).
MATERIALS: dict[str, Material] = {
    "muscle": Material(hex_rgb("#A8453B"), specular=0.25, specular_power=25.0),
    "tendon": Material(hex_rgb("#E4E2DA"), ambient=0.15, specular=0.45, specular_power=40.0),
    "bone": Material(hex_rgb("#EDE3C8"), ambient=0.15, specular=0.08, specular_power=10.0),
    "nerve": Material(hex_rgb("#F2CF3A"), ambient=0.18, specular=0.3),
    "artery": Material(hex_rgb("#D0231F"), ambient=0.15, specular=0.35),
    "vein": Material(hex_rgb("#2F55B8"), ambient=0.15, specular=0.35),
    "origin_site": Material(hex_rgb("#D9C9A0"), ambient=0.15, specular=0.05),
    "insertion_site": Material(hex_rgb("#D9C9A0"), ambient=0.15, specular=0.05),
    # a pale sky blue, far from every tissue colour, and faint
    "region": Material(hex_rgb("#9CC8E8"), ambient=0.3, diffuse=0.6, specular=0.05, opacity=0.18),
    # ligaments: glistening off-white, a little greyer than tendon so they part from the bone
    "ligament": Material(hex_rgb("#CFD3C8"), ambient=0.18, specular=0.5, specular_power=40.0),
    # retinacula: pearly bands lying over the tendons, mostly opaque
    "retinaculum": Material(hex_rgb("#D8DCE6"), ambient=0.2, specular=0.4, opacity=0.85),
    # membranes, septa and fasciae: thin see-through sheets
    "fascia": Material(hex_rgb("#C9CFDC"), ambient=0.3, diffuse=0.6, specular=0.2, opacity=0.45),
    "other": Material(hex_rgb("#B0B0B0")),
}

#: The selected structure: a vivid magenta that no anatomical colour is close to, in any of the
#: common colour-vision deficiencies it stays far lighter than the red-brown muscles.
HIGHLIGHT = Material(hex_rgb("#FF3DCB"), ambient=0.35, diffuse=0.75, specular=0.3)
#: What a selected space (the tarsal tunnel, the popliteal fossa) holds, lit inside it in a
#: vivid colour of its kind, brighter than the kind's own (drawn beyond the space) and far from
#: the faded rest: arteries red, veins blue, nerves yellow, and the muscles passing through (a
#: tunnel's tendons) a bluish green no tissue is drawn in. The same colours frame their labels
#: and mark them in the info panel.
SPACE_CONTENT_HEX: dict[str, str] = {
    "artery": "#FF2A2A",
    "vein": "#2F6BFF",
    "nerve": "#FFEA00",
    "muscle": "#00C08E",
    "tendon": "#00C08E",
}
#: Their ambient lighting, above the highlight's: brighter than the same kind beyond the space.
SPACE_CONTENT_AMBIENT = 0.5
#: The same contents beyond the space keep their own colour greyed by this share (towards
#: :data:`SPACE_BEYOND_GREY`), still their kind's (CIELAB distance 16-23 from it): where a
#: nerve or vessel enters the space its colour changes plainly (distance 35-43 for nerve,
#: artery and vein; 15-28 between their own colours and the old in-space ones).
SPACE_BEYOND_GREYING = 0.25
SPACE_BEYOND_GREY: RGB = hex_rgb("#C8C8C8")


def space_content_color(kind: str) -> RGB:
    """The colour a selected space's content of ``kind`` is lit in (the highlight's for a
    kind with none of its own)."""
    code = SPACE_CONTENT_HEX.get(kind)
    return hex_rgb(code) if code is not None else HIGHLIGHT.color


#: Outline drawn on top of everything around the selection.
OUTLINE_COLOR: RGB = hex_rgb("#7A0062")
OUTLINE_WIDTH = 3.0
#: Hovered structure: its own colour lightened towards white by this share.
HOVER_LIGHTEN = 0.35

#: A lesion's numb skin (its outline; see :mod:`calfexplorer.scene.skin_layer`): a bright
#: cyan, apart in hue from the muscles (red, a lesion's vermilion), bones (ivory), nerves
#: (yellow) and veins (deep blue) beneath it.
NUMB_SKIN_HEX = "#00B5E2"
#: ... and inside that outline a pale cyan (the full cyan, even at 0.2 opacity, dimmed the
#: vermilion of the denervated muscles beneath it to a brown).
NUMB_INSIDE_HEX = "#A6E5F5"

#: Okabe-Ito colour-blind-safe pair for the selected muscle's attachment sites.
ORIGIN_COLOR: RGB = hex_rgb("#E69F00")  # orange
INSERTION_COLOR: RGB = hex_rgb("#0072B2")  # blue

#: A plain pale background (a gradient costs about 6 ms a frame in software OpenGL) and the
#: label text colour.
BACKGROUND: RGB = hex_rgb("#EEF2F6")
LABEL_COLOR: RGB = hex_rgb("#1A1A1A")


#: A label's frame stands this far (WCAG contrast ratio) from the label's white inside and
#: the view's background around it (WCAG 1.4.11 asks 3:1 of a graphic's edge).
LABEL_FRAME_CONTRAST = 3.0


def label_frame(role: str) -> RGB:
    """The frame colour of a label of ``role``: an attachment site's (``"origin"`` or
    ``"insertion"``), a lesion's cut (``"cut"``) or a space's content's kind (see
    :data:`SPACE_CONTENT_HEX`), darkened where it is pale (a nerve's yellow frame was 1.2:1
    against the label and the background, unseen; the origins' orange 2.0:1) to
    :data:`LABEL_FRAME_CONTRAST`."""
    if role == "origin":
        key = ORIGIN_COLOR
    elif role == "cut":  # (a lesion's cut: the mark's black)
        key = LABEL_COLOR
    elif role in SPACE_CONTENT_HEX:
        key = space_content_color(role)
    else:
        key = INSERTION_COLOR
    return darkened_to(key, LABEL_FRAME_CONTRAST, ((1.0, 1.0, 1.0), BACKGROUND))


def greyed(color: RGB) -> RGB:
    """A selected space's content's own colour beyond the space (see
    :data:`SPACE_BEYOND_GREYING`)."""
    (r, g, b), (gr, gg, gb), t = color, SPACE_BEYOND_GREY, SPACE_BEYOND_GREYING
    return (r + (gr - r) * t, g + (gg - g) * t, b + (gb - b) * t)


def lighten(color: RGB, amount: float) -> RGB:
    """Mix ``color`` with white by ``amount`` (0..1)."""
    r, g, b = color
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)

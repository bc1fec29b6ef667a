"""The info page for a point of skin: the dermatome and the nerve territory it lies in.

Pure Python (no Qt), with the links and citations of :mod:`calfexplorer.ui.explore.info_html`.
"""

from __future__ import annotations

from html import escape
from typing import Any

from calfexplorer.atlas import Atlas
from calfexplorer.ui.explore.info_html import Citations, disputes_html, links


def skin_point_html(
    atlas: Atlas, skin_map: Any, dermatomes: list[str], territories: list[str]
) -> str:
    """What covers the clicked skin: each dermatome and nerve territory, with sources."""
    cites = Citations(atlas)
    out = ["<h1>Skin</h1>", '<p class="sub">The point you clicked lies in:</p>']
    for title, ids in (("Dermatome", dermatomes), ("Nerve territory", territories)):
        if len(ids) > 1:
            title += "s (they overlap here)"
        out.append(f"<h2>{title}</h2>")
        if not ids:
            out.append("<p>None drawn here: the maps leave this skin out (see the map's "
                       "note below).</p>")
        for area_id in ids:
            area = skin_map.area(area_id) if skin_map is not None else None
            if area is None:
                out.append(f"<p>{escape(area_id)}</p>")
                continue
            nerves = f" Nerve: {links(atlas, area.nerves)}." if area.nerves else ""
            out.append(
                f"<p><b>{escape(area.name)}</b>: {escape(area.text)}{nerves}"
                f"{cites.cite(area.refs)}</p>{disputes_html(cites, area.disputed)}"
            )
    note = getattr(skin_map, "note", None)
    if note is not None:
        text = getattr(note, "dermatomes", None) or ""
        out.append(f"<h2>The maps drawn</h2><p>{escape(text)}{cites.cite(note.refs)}</p>")
    out.append(cites.listing())
    return "".join(out)

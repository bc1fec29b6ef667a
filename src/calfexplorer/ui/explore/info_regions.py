"""Info pages of regions, retinacula, fasciae and ligaments: boundaries, contents in order, what
passes under, attachments and what a ligament resists, every structure a link.

Pure Python (no Qt), with the links and numbered citations of
:mod:`calfexplorer.ui.explore.info_html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import (
    ORDER_WORDS,
    BoneContact,
    Fascia,
    Ligament,
    Ordered,
    Region,
    Retinaculum,
    Structure,
    Wall,
)
from calfexplorer.scene.style import SPACE_CONTENT_HEX
from calfexplorer.ui.explore.info_html import (
    Citations,
    disputes_html,
    header_html,
    link,
    links,
    notes_html,
)
from calfexplorer.ui.explore.swatch import swatch_html

KIND_WORDS = {
    "region": "Region",
    "retinaculum": "Retinaculum",
    "fascia": "Fascia",
    "ligament": "Ligament",
}


def region_kind_html(atlas: Atlas, s: Structure) -> str:
    """The page of a region, retinaculum, fascia or ligament."""
    cites = Citations(atlas)
    out = [header_html(s, KIND_WORDS.get(s.kind, s.kind.capitalize()))]
    if isinstance(s, Region):
        out += _region(atlas, cites, s)
    elif isinstance(s, Retinaculum):
        out.append(_contacts(atlas, cites, "Attachments", s.attachments))
        out.append(_ordered(atlas, cites, "What passes under it", s.passes_under))
        out.append(notes_html(cites, "Notes", s.notes))
    elif isinstance(s, Fascia):
        out.append(_contacts(atlas, cites, "Attachments", s.attachments))
        if s.separates:
            out.append(f"<h2>Lies between</h2><p>{links(atlas, s.separates)}</p>")
        out.append(notes_html(cites, "Notes", s.notes))
    elif isinstance(s, Ligament):
        out.append(_contacts(atlas, cites, "Attachments", s.attachments))
        rows = []
        for r in s.resists:
            movement = (
                f" ({escape(atlas.action_label(r.joint, r.movement))})"
                if r.joint and r.movement
                else ""
            )
            rows.append(
                f"<li>{escape(r.text)}{movement}{cites.cite(r.refs)}"
                f"{disputes_html(cites, r.disputed)}</li>"
            )
        out.append(f"<h2>Resists</h2><ul>{''.join(rows)}</ul>")
        out.append(notes_html(cites, "Clinical notes", s.clinical))
        out.append(notes_html(cites, "Notes", s.notes))
    out.append(cites.listing(s.references + list(getattr(s, "refs", []))))
    return "".join(out)


def _region(atlas: Atlas, cites: Citations, r: Region) -> list[str]:
    out = [_walls(atlas, cites, "Boundaries", r.boundaries)]
    if r.roof:
        out.append(_walls(atlas, cites, "Roof", r.roof))
    if r.floor:
        out.append(_walls(atlas, cites, "Floor", r.floor))
    if r.members:
        out.append(f"<h2>Muscles</h2><p>{links(atlas, r.members)}</p>")
    # a space's contents are lit inside it in their kind's colours: the same key marks them here
    keyed = r.compartment is None
    if r.nerves or r.arteries:
        out.append(
            f"<h2>Nerve and artery</h2><p>Nerve: {_running_in(atlas, r.nerves, 'nerve', keyed)}"
            f"<br>Artery: {_running_in(atlas, r.arteries, 'artery', keyed)}</p>"
        )
    if r.contents is not None:
        out.append(_ordered(atlas, cites, "Contents", r.contents, keyed))
        if keyed:
            out.append('<p class="muted">On the 3D leg each is lit inside the space in the '
                       "colour of its mark, and labelled.</p>")
    out.append(notes_html(cites, "Clinical notes", r.clinical))
    out.append(notes_html(cites, "Notes", r.notes))
    return out


def _walls(atlas: Atlas, cites: Citations, title: str, walls: Iterable[Wall]) -> str:
    rows = []
    for w in walls:
        where = f"<b>{escape(w.where)}</b>: " if w.where else ""
        what = link(atlas, w.structure) if w.structure else ""
        text = escape(w.text) if w.text else ""
        joined = f"{what} ({text})" if what and text else what or text
        rows.append(f"<li>{where}{joined}{cites.cite(w.refs)}</li>")
    return f"<h2>{title}</h2><ul>{''.join(rows)}</ul>"


def _ordered(atlas: Atlas, cites: Citations, title: str, items: Ordered,
             keyed: bool = False) -> str:
    order = ORDER_WORDS.get(items.order, items.order.replace("_", " "))
    rows = "".join(f"<li>{_keyed_link(atlas, i) if keyed else link(atlas, i)}</li>"
                   for i in items.ids)
    note = f"<p>{escape(items.note)}</p>" if items.note else ""
    return f"<h2>{title}, {order}</h2><ol>{rows}</ol>{note}<p>{cites.cite(items.refs)}</p>"


def _contacts(
    atlas: Atlas, cites: Citations, title: str, contacts: Iterable[BoneContact]
) -> str:
    rows = []
    for c in contacts:
        landmark = f" ({escape(c.landmark)})" if c.landmark else ""
        bone = link(atlas, c.bone)
        rows.append(f"<li>{bone}{landmark}: {escape(c.text)}{cites.cite(c.refs)}</li>")
    return f"<h2>{title}</h2><ul>{''.join(rows)}</ul>" if rows else ""


def _keyed_link(atlas: Atlas, structure_id: str) -> str:
    """A link to a space's content after a swatch of the colour it is lit in inside the space
    (its kind's: see :data:`calfexplorer.scene.style.SPACE_CONTENT_HEX`)."""
    entry = atlas.get(structure_id)
    colour = SPACE_CONTENT_HEX.get(entry.kind if entry is not None else "")
    if colour is None:
        return link(atlas, structure_id)
    return f"{swatch_html(colour)}&nbsp;{link(atlas, structure_id)}"


def _running_in(atlas: Atlas, ids: list[str], kind: str, keyed: bool = False) -> str:
    """Links to the nerves or arteries that run in a space (``keyed``: each after its colour's
    swatch), or words for none (a dash read as 'no blood supply' for the superficial posterior
    compartment, whose muscles' arteries come from outside it)."""
    if ids:
        return ", ".join(_keyed_link(atlas, i) for i in ids) if keyed else links(atlas, ids)
    return f"<i>no main {kind} runs within it; its muscles' supply comes from outside it</i>"

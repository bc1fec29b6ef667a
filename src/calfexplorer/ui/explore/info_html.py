"""The info panel's content: one HTML page per structure, every related structure a link.

Pure Python (no Qt) so it is easy to test. Links are ``select:<id>``; the panel turns a click on
one into a selection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape

from calfexplorer.atlas import Atlas, AttachmentSite, Relation, relation_labels
from calfexplorer.atlas.models import (
    COMPARTMENT_PLACES,
    Alternative,
    Attachment,
    Bone,
    Muscle,
    Nerve,
    Note,
    Structure,
    Tendon,
    Vessel,
)

LINK_SCHEME = "select:"

#: The pages' style sheet: the panel sets it once as its default (parsing it for every page
#: would cost each selection about half a millisecond).
PAGE_CSS = """
body { font-size: 10pt; }
h1 { font-size: 15pt; margin: 0 0 2px 0; }
h2 { font-size: 11pt; margin: 12px 0 3px 0; color: #1f3b57; border-bottom: 1px solid #c8d2dc; }
.sub { color: #555; margin: 0 0 6px 0; }
.muted { color: #666; }
.disputed { color: #8a4b00; }
.origin { color: #b36b00; font-weight: bold; }
.insertion { color: #005a8c; font-weight: bold; }
.role { color: #555; font-style: italic; }
.refs { color: #555; font-size: 8.5pt; white-space: nowrap; }
.ref { margin: 0 0 3px 0; }
a { color: #0b5cad; text-decoration: underline; }  /* not by colour alone */
td { padding: 1px 6px 1px 0; vertical-align: top; }
"""


def link(atlas: Atlas, structure_id: str, text: str | None = None) -> str:
    """An HTML link that selects ``structure_id`` (attachment sites included)."""
    label = text if text is not None else atlas.name_of(structure_id)
    return f'<a href="{LINK_SCHEME}{escape(structure_id)}">{escape(label)}</a>'


def links(atlas: Atlas, ids: Iterable[str]) -> str:
    """Comma-separated links, or an em dash for none."""
    out = [link(atlas, i) for i in ids]
    return ", ".join(out) if out else "&mdash;"


class Citations:
    """A page's numbered citations: sources are numbered in the order the page first cites
    them, and the page ends with the numbered list (plain numbers: a link per number makes the
    panel noticeably slower to fill)."""

    def __init__(self, atlas: Atlas) -> None:
        self.atlas = atlas
        self._numbers: dict[str, int] = {}

    def number(self, ref_id: str) -> int:
        """The citation number of a source (a new number the first time it is cited)."""
        return self._numbers.setdefault(ref_id, len(self._numbers) + 1)

    def cite(self, ref_ids: Iterable[str]) -> str:
        """Inline citation marks like ``[1, 3]`` (nothing for no sources)."""
        marks = [str(self.number(r)) for r in dict.fromkeys(ref_ids)]
        return f' <span class="refs">[{", ".join(marks)}]</span>' if marks else ""

    def listing(self, further: Iterable[str] = ()) -> str:
        """The numbered reference list: every cited source, then ``further`` uncited ones."""
        for r in further:
            self.number(r)
        if not self._numbers:
            return ""
        items = []
        for r, n in self._numbers.items():
            ref = self.atlas.references.get(r)
            text = escape(ref.citation) if ref else escape(r)
            if ref and ref.url:
                url = escape(ref.url)
                if ref.url.startswith(("https://", "http://")):  # opens in the web browser
                    text += f' <a href="{url}">{url}</a>'
                else:
                    text += f' <span class="muted">{url}</span>'
            items.append(f'<p class="ref">[{n}] {text}</p>')
        return f"<h2>References</h2>{''.join(items)}"


def disputes_html(cites: Citations, alternatives: Iterable[Alternative]) -> str:
    """The other versions of a fact, each marked as disputed, with its sources' numbers."""
    parts = []
    for alt in alternatives:
        roots = f" (roots {escape(', '.join(alt.roots))})" if alt.roots else ""
        parts.append(
            f'<div class="disputed">&#9873; Disputed: {escape(alt.text)}{roots}'
            f"{cites.cite(alt.refs)}</div>"
        )
    return "".join(parts)


def _attachment_rows(
    cites: Citations, owner: str, role: str, items: Iterable[Attachment]
) -> str:
    atlas = cites.atlas
    rows = []
    for a in items:
        site = f"{owner}:{role}:{a.site}"
        rows.append(
            f"<li>{link(atlas, site, a.landmark)} on {link(atlas, a.bone)}. "
            f"{escape(a.text)}{cites.cite(a.refs)}{disputes_html(cites, a.disputed)}</li>"
        )
    return f"<ul>{''.join(rows)}</ul>" if rows else "<p>&mdash;</p>"


def notes_html(cites: Citations, title: str, notes: Iterable[Note]) -> str:
    """Titled paragraphs with their sources and disputes, under a heading (nothing if none)."""
    items = list(notes)
    if not items:
        return ""
    body = "".join(
        f"<p><b>{escape(n.title)}.</b> {escape(n.text)}{cites.cite(n.refs)}"
        f"{disputes_html(cites, n.disputed)}</p>"
        for n in items
    )
    return f"<h2>{escape(title)}</h2>{body}"


def header_html(s: Structure, kind_text: str) -> str:
    """A page's title: name, kind, Latin name, synonyms and the description."""
    latin = f" &middot; <i>{escape(s.latin)}</i>" if s.latin else ""
    synonyms = (
        f'<p class="sub">Also called: {escape(", ".join(s.synonyms))}</p>' if s.synonyms else ""
    )
    return (
        f"<h1>{escape(s.name)}</h1><p class='sub'>{escape(kind_text)}{latin}</p>{synonyms}"
        f"<p>{escape(s.description)}</p>"
    )


def _compartment_text(m: Muscle) -> str:
    place = COMPARTMENT_PLACES.get(m.compartment, f"{m.compartment.replace('_', ' ')} compartment")
    return f"Muscle · {place} · {m.layer} layer"


def muscle_html(atlas: Atlas, m: Muscle) -> str:
    """The full page for a muscle."""
    cites = Citations(atlas)
    out = [header_html(m, _compartment_text(m))]
    if m.parent:
        out.append(f"<p>Part of {link(atlas, m.parent)}.</p>")
    children = atlas.children(m.id)
    if children:
        out.append(f"<p>Parts: {links(atlas, children)}.</p>")
    out.append('<h2><span class="origin">&#9632;</span> Origin</h2>')
    out.append(_attachment_rows(cites, m.id, "origin", m.origins))
    out.append('<h2><span class="insertion">&#9632;</span> Insertion</h2>')
    if m.insertions or not m.tendon_insertions:
        out.append(_attachment_rows(cites, m.id, "insertion", m.insertions))
    if m.tendon_insertions:
        rows = "".join(
            f"<li>On the tendon of {link(atlas, t.structure)}: {escape(t.text)}"
            f"{cites.cite(t.refs)}</li>"
            for t in m.tendon_insertions
        )
        out.append(f"<ul>{rows}</ul>")

    out.append("<h2>Actions, synergists and antagonists</h2>")
    for group in atlas.relations_by_action(m.id):
        digits = group.action.digits if group.action is not None else ()
        label = atlas.action_label(group.joint, group.movement, digits)
        if group.action is not None and group.action.part:
            label += f", by its {group.action.part}"
        role = f' <span class="role">({group.action.role})</span>' if group.action else ""
        note = disputed = ""
        if group.action is not None:
            note = escape(group.action.note or "") + cites.cite(group.action.refs)
            disputed = disputes_html(cites, group.action.disputed)
        opposite = atlas.opposite_movement(group.joint, group.movement) or ""
        helpers = _related(cites, group.helpers, group.helpers_note, group.joint, group.movement)
        opposers = _related(cites, group.opposers, group.opposers_note, group.joint, opposite)
        # the disputes after the helpers: between them they parted a movement from its helpers
        out.append(
            f"<p><b>{escape(label)}</b>{role}: {note}<br>"
            f"&nbsp;&nbsp;Helped by: {helpers}<br>"
            f"&nbsp;&nbsp;Opposed by: {opposers}</p>{disputed}"
        )

    inn = m.innervation
    note = f" {escape(inn.note)}" if inn.note else ""
    disputed = " &#9873;" if inn.disputed else ""
    out.append("<h2>Innervation</h2>")
    out.append(
        f"<p>{links(atlas, inn.nerves)} &mdash; roots <b>{escape(', '.join(inn.roots))}</b>"
        f"{disputed}.{note}{cites.cite(inn.refs)}</p>{disputes_html(cites, inn.disputed)}"
    )
    bs = m.blood_supply
    bs_note = f" {escape(bs.note)}" if bs.note else ""
    out.append("<h2>Blood supply</h2>")
    out.append(f"<p>{links(atlas, bs.arteries)}.{bs_note}{cites.cite(bs.refs)}</p>")
    out.append(_places(atlas, m.id))
    out.append(notes_html(cites, "Function", m.function))
    out.append(notes_html(cites, "Fibre types and architecture", m.architecture))
    out.append(notes_html(cites, "Clinical notes", m.clinical))
    if m.exercises:
        items = "".join(
            f"<li><b>{escape(e.name)}</b> ({e.kind}; knee {e.knee}): {escape(e.text)}"
            f"{cites.cite(e.refs)}</li>"
            for e in m.exercises
        )
        out.append(f"<h2>Exercises</h2><ul>{items}</ul>")
    out.append(cites.listing(m.references))
    return "".join(out)


def _related(
    cites: Citations, relations: Iterable[Relation], partial: str | None, joint: str,
    movement: str,
) -> str:
    """Links to the muscles that help or oppose an action, each with the part that acts, and
    ``partial``, the word said where the atlas lacks main movers of their ``movement`` (cited
    where the data names them)."""
    atlas = cites.atlas
    found = ", ".join(link(atlas, sid, text) for sid, text in relation_labels(atlas, relations))
    if not partial:
        return found or "&mdash;"
    absent = atlas.absent_main_movers(joint, movement)
    cited = cites.cite(absent.refs) if absent is not None else ""
    return (found or "&mdash;") + f' <span class="muted">({escape(partial)}{cited})</span>'



#: In place of an empty list of origins on a foot bone.
FOOT_MUSCLES_MISSING = (
    "<p><i>No muscle of the atlas arises on this bone. Not all of the foot's own (intrinsic) "
    "muscles are in the atlas yet: the short flexor of the great toe, the interossei and the "
    "lumbricals, among others, are missing.</i></p>"
)


def _places(atlas: Atlas, structure_id: str) -> str:
    """The regions that hold a structure, the retinacula it passes under, and the muscles
    that insert on its tendon (nothing when none)."""
    rows = []
    if regions := atlas.regions_containing(structure_id):
        rows.append(f"In: {links(atlas, regions)}")
    if retinacula := atlas.retinacula_over(structure_id):
        rows.append(f"Passes under: {links(atlas, retinacula)}")
    if onto := atlas.inserting_onto(structure_id):
        rows.append(f"Inserting on its tendon: {links(atlas, onto)}")
    return f"<h2>Where it lies</h2><p>{'<br>'.join(rows)}</p>" if rows else ""


def _site_list(atlas: Atlas, sites: Iterable[AttachmentSite]) -> tuple[str, int]:
    """The sites as links, and how many, leaving out a part's where its whole muscle is listed
    at the same landmark (the calcaneus listed the gastrocnemius and each of its heads)."""
    sites = list(sites)
    listed = {(s.muscle, s.attachment.landmark) for s in sites}

    def whole_listed(s: AttachmentSite) -> bool:
        whole = getattr(atlas.get(s.muscle), "parent", None)
        return whole is not None and (whole, s.attachment.landmark) in listed

    rows = [
        f"<li>{link(atlas, s.muscle)} &mdash; {link(atlas, s.id, s.attachment.landmark)}</li>"
        for s in sites if not whole_listed(s)
    ]
    return (f"<ul>{''.join(rows)}</ul>" if rows else "<p>&mdash;</p>"), len(rows)


def bone_html(atlas: Atlas, b: Bone) -> str:
    """A bone's page: every muscle attached to it, split into origins and insertions."""
    out = [header_html(b, "Bone")]
    on = atlas.attachments_on_bone(b.id)
    origins, count = _site_list(atlas, on.origins)
    out.append(f'<h2><span class="origin">&#9632;</span> Origins on this bone ({count})</h2>')
    if on.origins or b.region != "foot":
        out.append(origins)
    else:  # the foot's own muscles start on these bones; the atlas stops at the leg's
        out.append(FOOT_MUSCLES_MISSING)
    insertions, count = _site_list(atlas, on.insertions)
    out.append(f'<h2><span class="insertion">&#9632;</span> Insertions on this bone ({count})'
               "</h2>")
    out.append(insertions)
    if b.landmarks:
        out.append("<h2>Landmarks</h2><p>" + escape("; ".join(b.landmarks)) + "</p>")
    cites = Citations(atlas)
    out.append(notes_html(cites, "Clinical notes", b.clinical))
    out.append(cites.listing(b.references))
    return "".join(out)


def tendon_html(atlas: Atlas, t: Tendon) -> str:
    """A tendon's page."""
    cites = Citations(atlas)
    out = [header_html(t, "Tendon"), f"<h2>Formed by</h2><p>{links(atlas, t.formed_by)}</p>"]
    out.append('<h2><span class="insertion">&#9632;</span> Insertion</h2>')
    out.append(_attachment_rows(cites, t.id, "insertion", [t.insertion]))
    out.append(_places(atlas, t.id))
    out.append(notes_html(cites, "Notes", t.notes))
    out.append(cites.listing(t.references))
    return "".join(out)


def nerve_html(atlas: Atlas, n: Nerve) -> str:
    """A nerve's page: roots, origin and the muscles it supplies."""
    cites = Citations(atlas)
    out = [header_html(n, "Nerve")]
    roots = escape(", ".join(n.roots)) if n.roots else "not settled in the sources read"
    out.append(f"<p>Roots <b>{roots}</b>{cites.cite(n.refs)}</p>")
    out.append(disputes_html(cites, n.disputed))
    if n.branch_of:
        out.append(f"<p>Branch of {link(atlas, n.branch_of)}.</p>")
    branches = [s.id for s in atlas.nerves() if s.branch_of == n.id]
    if branches:
        out.append(f"<p>Branches: {links(atlas, branches)}.</p>")
    out.append(f"<h2>Course</h2><p>{escape(n.course)}</p>{_depth(cites, n)}")
    out.append(_supplied(atlas, n.id, atlas.nerves(), atlas.muscles_supplied_by,
                         sensory=n.skin_territory is not None))
    if n.skin_territory is not None:
        t = n.skin_territory
        out.append(
            f"<h2>Skin it supplies</h2><p>{escape(t.text)}{cites.cite(t.refs)}</p>"
            f"{disputes_html(cites, t.disputed)}"
        )
    out.append(_places(atlas, n.id))
    out.append(cites.listing(n.references))
    return "".join(out)


def vessel_html(atlas: Atlas, v: Vessel) -> str:
    """An artery's or vein's page."""
    cites = Citations(atlas)
    out = [header_html(v, v.kind.capitalize())]
    if v.branch_of:
        word = "Branch of" if v.kind == "artery" else "Drains into"
        out.append(f"<p>{word} {link(atlas, v.branch_of)}.</p>")
    out.append(f"<h2>Course</h2><p>{escape(v.course)}{cites.cite(v.refs)}</p>{_depth(cites, v)}")
    if v.kind == "artery":
        out.append(_supplied(atlas, v.id, atlas.arteries(), atlas.muscles_supplied_by_artery))
    out.append(notes_html(cites, "Notes", v.notes))
    out.append(cites.listing(v.references))
    return "".join(out)


def _depth(cites: Citations, s: Nerve | Vessel) -> str:
    """How deep it runs, where the atlas says (the deep fibular nerve, under every anterior
    muscle), cited; nothing otherwise."""
    if s.lies_under is None:
        return ""
    return f"<p>Depth: {escape(s.lies_under.text)}{cites.cite(s.lies_under.refs)}</p>"


def _supplied(
    atlas: Atlas,
    sid: str,
    kin: Sequence[Nerve | Vessel],
    supplies: Callable[[str], list[str]],
    sensory: bool = False,
) -> str:
    """The muscles a nerve or artery supplies itself, then those its branches supply (the
    common fibular nerve and the popliteal artery showed a bare dash)."""
    def reached(branch: str, seen: frozenset[str]) -> list[str]:
        """The muscles a branch and its own branches supply (a hand-edited loop of branches
        is followed once)."""
        found = list(supplies(branch))
        for child in (s.id for s in kin if s.branch_of == branch and s.id not in seen):
            found += reached(child, seen | {child})
        return list(dict.fromkeys(found))

    direct = supplies(sid)
    rows = [(b, ms) for b in (s.id for s in kin if s.branch_of == sid and s.id != sid)
            if (ms := [m for m in reached(b, frozenset({sid, b})) if m not in direct])]
    if not direct and not rows:
        none = "None: it carries sensation from the skin only." if sensory else "&mdash;"
        return f"<h2>Muscles supplied</h2><p>{none}</p>"
    parts = [f"<p>{links(atlas, direct)}</p>"] if direct else []
    if rows:
        lead = "And through its branches" if direct else "Through its branches"
        items = "".join(f"<li>{link(atlas, b)}: {links(atlas, ms)}</li>" for b, ms in rows)
        parts.append(f"<p>{lead}:</p><ul>{items}</ul>")
    return f"<h2>Muscles supplied</h2>{''.join(parts)}"


def site_html(atlas: Atlas, site: AttachmentSite) -> str:
    """An attachment site's page: which muscle attaches where."""
    a = site.attachment
    cites = Citations(atlas)
    css = "origin" if site.role == "origin" else "insertion"
    return (
        f"<h1>{escape(a.landmark)}</h1>"
        f"<p class='sub'><span class='{css}'>{site.role.capitalize()}</span> of "
        f"{link(atlas, site.muscle)} on {link(atlas, a.bone)}</p>"
        f"<p>{escape(a.text)}{cites.cite(a.refs)}</p>{disputes_html(cites, a.disputed)}"
        f"{cites.listing()}"
    )


def structure_html(atlas: Atlas, structure_id: str | None, unavailable: str | None = None) -> str:
    """The info page for any id (structure or attachment site); a hint page for None.

    Style it with :data:`PAGE_CSS`."""
    if structure_id is None:
        return (
            "<h1>CalfExplorer</h1><p>Click a structure in the 3D view, pick one from the list, "
            "or type a name in the search box (try <i>soleus</i> or <i>peroneus</i>).</p>"
            "<p>Drag to rotate, right-drag or scroll to zoom, middle-drag to pan; "
            "right-click a structure to hide, isolate or focus on it. "
            "Press <b>P</b> to peel the outer layer and <b>Shift+P</b> to put it back.</p>"
            "<p>The <b>Modes</b> menu opens <b>Study</b> (quiz yourself, with spaced "
            "repetition), the <b>Motion lab</b> (move the joints and watch the muscles "
            "lengthen) and <b>Lesion</b> (cut a nerve or root and see what is lost). "
            "<b>F1</b> lists every shortcut.</p>"
        )
    body: str
    s = atlas.get(structure_id)
    site = atlas.attachment(structure_id)
    if isinstance(s, Muscle):
        body = muscle_html(atlas, s)
    elif isinstance(s, Bone):
        body = bone_html(atlas, s)
    elif isinstance(s, Tendon):
        body = tendon_html(atlas, s)
    elif isinstance(s, Nerve):
        body = nerve_html(atlas, s)
    elif isinstance(s, Vessel):
        body = vessel_html(atlas, s)
    elif site is not None:
        body = site_html(atlas, site)
    elif s is not None and s.kind in ("region", "retinaculum", "fascia", "ligament"):
        from calfexplorer.ui.explore.info_regions import region_kind_html  # builds on this module

        body = region_kind_html(atlas, s)
    else:  # (its mesh is drawn, its entry missing: mostly a data file broken by an edit)
        why = ("Its entry in the data files has errors, so it was left out"
               if atlas.was_skipped(structure_id) else "The data files have no entry for it")
        body = (f"<h1>{escape(structure_id)}</h1><p>{why}: run <code>calfexplorer validate"
                "</code> to see what is wrong, mend the file and open CalfExplorer again.</p>")
    if unavailable:
        body = (
            f'<p class="disputed">3D model unavailable: {escape(unavailable)}</p>' + body
        )
    return body

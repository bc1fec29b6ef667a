"""The lesion panel's pages: a lesion's consequences, or a case's findings without the answer.

Pure Python (no Qt), like :mod:`calfexplorer.ui.explore.info_html`, whose links and numbered
citations it uses: every structure named is a ``select:`` link, every fact carries its sources'
numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import LesionModel, LesionResult, MovementEffect
from calfexplorer.lesion.cases import judged, movement_labels, skin_area
from calfexplorer.lesion.report import (
    DENERVATED_HEX,
    PARTLY_DENERVATED_HEX,
    STATUS_WORDS,
    still_words,
)
from calfexplorer.scene.style import (
    NUMB_INSIDE_HEX,
    NUMB_SKIN_HEX,
    darkened_to,
    hex_rgb,
    rgb_hex,
)
from calfexplorer.ui.explore.info_html import Citations, disputes_html, link, links
from calfexplorer.ui.explore.swatch import swatch_html

_STATUS_CLASS = {
    "lost": "lost",
    "severely_weakened": "lost",
    "weakened": "weak",
    "slightly_weakened": "weak",
    "spared": "muted",
}
_SEVERITY = ("lost", "severely_weakened", "weakened", "slightly_weakened")
LESION_CSS = """
.lost { color: #a33c00; font-weight: bold; }
.weak { color: #8a5a00; font-weight: bold; }
.swatch { font-size: 13pt; }
"""
#: The numb skin's key, drawn as the 3D leg draws it: a cyan outline around a pale cyan tint,
#: the outline darkened to 3:1 against the page (WCAG 1.4.11: the 3D view's cyan, a glyph
#: here, was 2.4:1 on white and lost).
NUMB_KEY_HTML = swatch_html(
    NUMB_INSIDE_HEX,
    rgb_hex(darkened_to(hex_rgb(NUMB_SKIN_HEX), 3.0, ((1.0, 1.0, 1.0),))),
    2,
)


def lesion_title(atlas: Atlas, model: LesionModel, result: LesionResult) -> str:
    """The lesion in words: "Common fibular nerve cut at the neck of the fibula; root S1"."""
    parts = []
    for c in result.lesion.cuts:
        level = next((e.name for e in model.levels(c.nerve) if e.level == c.level), c.level)
        parts.append(f"{atlas.name_of(c.nerve)} cut: {(level or '').lower()}")
    if result.lesion.roots:
        label = "root" if len(result.lesion.roots) == 1 else "roots"
        parts.append(f"{', '.join(result.lesion.roots)} {label} damaged")
    return "; ".join(parts) or "No lesion"


def lesion_html(atlas: Atlas, model: LesionModel, result: LesionResult) -> str:
    """The whole page for a lesion: where, muscles, movements, reflexes, skin and signs."""
    cites = Citations(atlas)
    out = [f"<h1>{escape(lesion_title(atlas, model, result))}</h1>"]
    for c in result.lesion.cuts:
        level = next((e for e in model.levels(c.nerve) if e.level == c.level), None)
        if level is not None:
            causes = f" <i>Usual causes:</i> {escape(level.causes)}" if level.causes else ""
            out.append(
                f"<p>{link(atlas, c.nerve)}: {escape(level.text or '')}{causes}"
                f"{cites.cite(level.refs)}</p>"
            )
    out.append(_summary(atlas, model, result))
    out.append(_findings(atlas, cites, result))
    out.append(_muscles(atlas, result))
    out.append(cites.listing())
    return "".join(out)


#: How "In short" words a root's key test, by what the lesion leaves of its movement (a
#: nerve cut with the root can take it further than weak).
KEY_TEST_WORDS = {"lost": "{} lost", "severely_weakened": "very weak {}"}


def _summary(atlas: Atlas, model: LesionModel, result: LesionResult) -> str:
    """One line a student can learn: the signs, what is lost and what is left only to
    assisting muscles (very weak, not gone: a tibial nerve palsy's inversion) where no sign
    says it already, a damaged root's key test, and the reflexes that change."""
    parts = [escape(name[:1].lower() + name[1:]) for _, name, _, _ in result.signs]
    shown = {sid for sid, *_ in result.signs}
    told = {k for s in model.data.signs if s.id in shown for k in s.when.movements}
    # A root's key test said "weak" while a nerve cut with it had taken the movement away:
    # "lost: great toe extension, ...; weak great toe extension (the key test of L5)".
    worst = {f"{m.joint}.{m.movement}": m.status for m in result.movements}
    keys = [e for e in result.myotomes
            if e.myotome.key and not e.disputed and e.status != "spared"]
    keyed = {e.myotome.movement for e in keys} - told
    for status, said in (("lost", "lost"), ("severely_weakened", "very weak")):
        if names := movement_labels(atlas, result, status, told | keyed):
            parts.append(f"{said}: {escape(', '.join(names))}")
    for e in keys:
        label = atlas.action_label(*e.myotome.joint_movement).lower()
        said = KEY_TEST_WORDS.get(worst.get(e.myotome.movement, ""), "weak {}")
        parts.append(f"{said.format(escape(label))} (the key test of {escape(e.root)})")
    for r in result.reflexes:
        if r.status != "normal":
            name = r.reflex.name[:1].lower() + r.reflex.name[1:]
            parts.append(f"{escape(name)} {r.status}")
    if not parts:
        return ""
    return f'<p><b>In short:</b> {"; ".join(parts)}.</p>'


def case_html(atlas: Atlas, result: LesionResult) -> str:
    """A case: the patient's findings only (no nerve, no muscle), to reason back from."""
    out = ["<h1>A patient</h1>", '<p class="sub">Where is the lesion?</p>']
    out.append(_findings(atlas, _NoCitations(atlas), result, case=True))
    out.append('<p class="muted">The sources come with the answer: their titles name nerves.</p>')
    return "".join(out)


class _NoCitations(Citations):
    """Citations left out (a case's sources would give its answer away)."""

    def cite(self, ref_ids: Iterable[str]) -> str:
        return ""


def _muscles(atlas: Atlas, result: LesionResult) -> str:
    if not result.muscles:
        return "<h2>Muscles</h2><p>No muscle of the leg loses its nerve supply.</p>"
    rows = []
    one_cause = len(result.lesion.cuts) == 1 and not result.lesion.roots
    for m in result.muscles:
        colour = DENERVATED_HEX if m.supply_left == 0 else PARTLY_DENERVATED_HEX
        share = "all" if m.supply_left == 0 else f"about {1 - m.supply_left:.0%}"
        est = ' <span class="muted">(estimate)</span>' if m.estimate else ""
        why = "" if one_cause else f' <span class="muted">{escape(m.because)}</span>'
        rows.append(
            f"<li>{swatch_html(colour)} "
            f"{link(atlas, m.muscle)}: {share} of its supply lost{est}.{why}</li>"
        )
    possibly = ""
    if result.possibly:  # (each with why: a disputed root, or a root its test does not use)
        items = "".join(f"<li>{link(atlas, m.muscle)}: {escape(m.because)}.</li>"
                        for m in result.possibly)
        possibly = f'<p class="disputed">&#9873; Possibly weak as well:</p><ul>{items}</ul>'
    note = (
        '<p class="muted">After a root lesion the share lost is an estimate: sources give a '
        "muscle's roots, not how much each one contributes.</p>"
        if any(m.estimate for m in result.muscles)
        else ""
    )
    return f"<h2>Muscles that lose their nerve</h2><ul>{''.join(rows)}</ul>{possibly}{note}"


def _myotomes(atlas: Atlas, cites: Citations, result: LesionResult) -> str:
    """The movements that test each damaged root (its myotome), and how each fares now."""
    out = ["<h2>Myotomes</h2><ul>"]
    for e in result.myotomes:
        m = e.myotome
        label = escape(atlas.action_label(*m.joint_movement))
        kind = "key movement" if m.key else "also tested by"
        if e.disputed:
            kind = "some sources only"
        css = _STATUS_CLASS[e.status]
        muscles = ", ".join(link(atlas, x) for x in m.muscles)
        if e.disputed:  # what those sources say, not the main value they dispute
            alts = [a for a in m.disputed if e.root in (a.roots or ())]
            why = " ".join(f"{escape(a.text)}{cites.cite(a.refs)}" for a in alts)
            main = ", ".join(m.roots)
            why += f' <span class="muted">(others give {escape(main)}{cites.cite(m.refs)})</span>'
        else:
            why = f"{escape(m.text)}{cites.cite(m.refs)}{disputes_html(cites, m.disputed)}"
        out.append(
            f"<li><b>{escape(e.root)}</b> ({kind}): {label} ({muscles}): "
            f'<span class="{css}">{escape(STATUS_WORDS[e.status])}</span>. {why}</li>'
        )
    out.append("</ul>")
    return "".join(out)


def _findings(atlas: Atlas, cites: Citations, result: LesionResult, case: bool = False) -> str:
    out = ["<h2>Movements</h2>", _movements(atlas, result, result.movements, case)]
    if result.myotomes and not case:  # a case names no root
        out.append(_myotomes(atlas, cites, result))
    out.append("<h2>Reflexes</h2><ul>")
    for r in result.reflexes:
        css = {"absent": "lost", "reduced": "weak"}.get(r.status, "muted")
        arc = "" if case else f" &mdash; {escape(r.because)}"
        out.append(
            f'<li>{escape(r.reflex.name)} ({escape(", ".join(r.reflex.roots))}): '
            f'<span class="{css}">{r.status}</span>{arc}{cites.cite(r.reflex.refs)}'
            f"{'' if case else disputes_html(cites, r.reflex.disputed)}</li>"
        )
    out.append("</ul><h2>Numb skin</h2>")
    if result.skin:
        out.append("<ul>")
        for s in result.skin:
            if case:  # the area alone: the names, texts and disputes name nerves and levels
                out.append(f"<li>{escape(skin_area(s.text))}.</li>")
                continue
            out.append(f"<li><b>{escape(s.name)}</b>: {escape(s.text)}{cites.cite(s.refs)}"
                       f"{disputes_html(cites, s.disputed)}</li>")
        out.append("</ul>")
        if not case:  # (what the 3D view draws: the muscles beneath keep their colours)
            out.append(f'<p class="muted">{NUMB_KEY_HTML} On the 3D leg: outlined in cyan, '
                       "lightly tinted inside, "
                       "so the muscles beneath keep their colours.</p>")
    else:
        out.append("<p>None.</p>")
    if result.signs:
        out.append("<h2>Signs</h2><ul>")
        for _, name, text, refs in result.signs:  # (a case: the name; the why names nerves)
            why = "" if case else f": {escape(text)}{cites.cite(refs)}"
            out.append(f"<li><b>{escape(name)}</b>{why}</li>")
        out.append("</ul>")
    if result.branches_cut and not case:
        names = ", ".join(escape(n) for _, n in result.branches_cut)
        out.append(f'<p class="muted">Also cut, not yet drawn in 3D: {names}.</p>')
    return "".join(out)


def _supply_left(result: LesionResult, m: MovementEffect) -> float:
    """The mean nerve supply its muscles keep: the worst-hit movements come first."""
    movers = m.intact_prime + m.intact_assisting + m.weakened + m.lost
    return sum(result.supply_left(x) for x in movers) / len(movers)


def _movements(
    atlas: Atlas, result: LesionResult, movements: Iterable[MovementEffect], case: bool
) -> str:
    changed = sorted(  # (a case: only what the atlas can judge, as the study's cases)
        (m for m in movements if m.status != "spared" and (not case or judged(result, m))),
        key=lambda m: (_SEVERITY.index(m.status), _supply_left(result, m)),
    )
    if not changed:
        return "<p>Every movement of the hip, knee, ankle, subtalar joint and toes is spared.</p>"
    rows = []
    for m in changed:
        css = _STATUS_CLASS[m.status]
        label = escape(atlas.action_label(m.joint, m.movement))
        still = "" if case else still_words(m, lambda ids: links(atlas, ids))
        note = atlas.partial_atlas_note(m.joint, m.movement) if m.partial_atlas else None
        partial = f' <span class="muted">({escape(note)})</span>' if note and not case else ""
        rows.append(
            f'<li>{label}: <span class="{css}">{STATUS_WORDS[m.status]}</span>{still}{partial}</li>'
        )
    spared = [atlas.action_label(m.joint, m.movement) for m in movements if m.status == "spared"]
    kept = (
        f'<p><span class="muted">Spared:</span> {escape(", ".join(spared))}.</p>' if spared else ""
    )
    return f"<ul>{''.join(rows)}</ul>{kept}"

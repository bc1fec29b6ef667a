"""The atlas as one JSON-ready document, and as Markdown tables for teachers.

The JSON format is documented in ``data/README.md`` ("Export format").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from calfexplorer.atlas.atlas import Atlas, AttachmentSite
from calfexplorer.atlas.models import (
    COMPARTMENT_PLACES,
    Action,
    Attachment,
    Bone,
    Fascia,
    Ligament,
    Muscle,
    Nerve,
    Ordered,
    Region,
    Retinaculum,
    Tendon,
    Vessel,
    Wall,
)
from calfexplorer.atlas.relations import Relation, relation_labels

FORMAT_VERSION = 1


def _plain(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _site(structure_id: str, role: str, a: Attachment) -> dict[str, Any]:
    out = {"id": f"{structure_id}:{role}:{a.site}", **_plain(a)}
    if not a.disputed:
        out.pop("disputed", None)
    return out


def _relation(r: Relation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id, "joint": r.joint, "movement": r.movement}
    out["derived"] = r.derived
    if r.reason:
        out["reason"] = r.reason
    if r.role:
        out["role"] = r.role
    if r.part:
        out["part"] = r.part
    return out


def _all_refs(model: BaseModel) -> list[str]:
    """Every reference id an entry cites anywhere, in first-seen order."""
    found: dict[str, None] = {}

    def walk(value: Any, name: str = "") -> None:
        if isinstance(value, BaseModel):
            for field in type(value).model_fields:
                walk(getattr(value, field), field)
        elif isinstance(value, list):
            if name in ("refs", "references"):
                found.update(dict.fromkeys(value))
            else:
                for item in value:
                    walk(item)

    walk(model)
    return list(found)


def _sites(sites: tuple[AttachmentSite, ...]) -> list[dict[str, str]]:
    return [{"id": s.id, "muscle": s.muscle} for s in sites]


def structure_facts(atlas: Atlas, structure_id: str) -> dict[str, Any]:
    """One structure as a JSON-ready dict (see ``data/README.md`` for the fields)."""
    s = atlas[structure_id]
    out: dict[str, Any] = {
        "id": s.id,
        "kind": s.kind,
        "name": s.name,
        "latin": s.latin,
        "synonyms": list(s.synonyms),
        "region": s.region,
        "description": s.description,
        "parent": s.parent,
        "children": atlas.children(s.id),
        "layer": atlas.layer_of(s.id),
    }
    if isinstance(s, Muscle):
        out.update(
            compartment=s.compartment,
            origin=[_site(s.id, "origin", a) for a in s.origins],
            insertion=[_site(s.id, "insertion", a) for a in s.insertions],
            tendon_insertions=[
                {"id": f"{s.id}:insertion:{t.site}", **_plain(t)} for t in s.tendon_insertions
            ],
            actions=[_plain(a) for a in s.actions],
            innervation=_plain(s.innervation),
            blood_supply=list(s.blood_supply.arteries),
            blood_supply_note=s.blood_supply.note,
            synergists=[_relation(r) for r in atlas.synergists(s.id)],
            antagonists=[_relation(r) for r in atlas.antagonists(s.id)],
            architecture=[_plain(n) for n in s.architecture],
            clinical=[_plain(n) for n in s.clinical],
            function=[_plain(n) for n in s.function],
            exercises=[_plain(e) for e in s.exercises],
            model_muscles=list(s.model_muscles),
        )
    elif isinstance(s, Bone):
        on = atlas.attachments_on_bone(s.id)
        out.update(
            landmarks=list(s.landmarks),
            origins_here=_sites(on.origins),
            insertions_here=_sites(on.insertions),
            model_bodies=list(s.model_bodies),
        )
    elif isinstance(s, Tendon):
        out.update(
            formed_by=list(s.formed_by),
            insertion=[_site(s.id, "insertion", s.insertion)],
            notes=[_plain(n) for n in s.notes],
        )
    elif isinstance(s, Nerve):
        out.update(
            roots=list(s.roots),
            branch_of=s.branch_of,
            course=s.course,
            supplies=atlas.muscles_supplied_by(s.id),
            disputed=[_plain(d) for d in s.disputed],
            skin_territory=_plain(s.skin_territory) if s.skin_territory else None,
            lies_under=_plain(s.lies_under) if s.lies_under else None,
        )
    elif isinstance(s, Vessel):
        out.update(
            branch_of=s.branch_of,
            course=s.course,
            notes=[_plain(n) for n in s.notes],
            lies_under=_plain(s.lies_under) if s.lies_under else None,
        )
        if s.kind == "artery":
            out["supplies"] = atlas.muscles_supplied_by_artery(s.id)
    elif isinstance(s, Region):
        out.update(
            compartment=s.compartment,
            boundaries=[_plain(w) for w in s.boundaries],
            roof=[_plain(w) for w in s.roof],
            floor=[_plain(w) for w in s.floor],
            contents=_plain(s.contents) if s.contents else None,
            members=list(s.members),
            nerves=list(s.nerves),
            arteries=list(s.arteries),
            clinical=[_plain(n) for n in s.clinical],
            notes=[_plain(n) for n in s.notes],
        )
    elif isinstance(s, Retinaculum):
        out.update(
            attachments=[_plain(a) for a in s.attachments],
            passes_under=_plain(s.passes_under),
            notes=[_plain(n) for n in s.notes],
        )
    elif isinstance(s, Fascia):
        out.update(
            attachments=[_plain(a) for a in s.attachments],
            separates=list(s.separates),
            notes=[_plain(n) for n in s.notes],
        )
    elif isinstance(s, Ligament):
        out.update(
            attachments=[_plain(a) for a in s.attachments],
            resists=[_plain(r) for r in s.resists],
            clinical=[_plain(n) for n in s.clinical],
            notes=[_plain(n) for n in s.notes],
        )
    if not isinstance(s, (Muscle, Bone)):
        out["in_regions"] = atlas.regions_containing(s.id)
        out["under_retinacula"] = atlas.retinacula_over(s.id)
    out["references"] = _all_refs(s)
    return out


def atlas_facts(atlas: Atlas) -> dict[str, Any]:
    """The whole atlas: ``{"format", "structures", "joints", "references"}``."""
    return {
        "format": FORMAT_VERSION,
        "structures": [structure_facts(atlas, s.id) for s in atlas],
        "joints": {
            j.id: {"name": j.name, "movements": {m.id: m.name for m in j.movements}}
            for j in atlas.joints.values()
        },
        "references": {r.id: _plain(r) for r in atlas.references.values()},
    }


# --- Markdown --------------------------------------------------------------------------------
def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _names(atlas: Atlas, ids: list[str]) -> str:
    return ", ".join(atlas.name_of(i) for i in ids) or "-"


class Numbers:
    """Reference numbers for a handout, given in the order references are first cited (a
    handout listed bare ids such as 'r15_gray1918_p490' in every table)."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def cite(self, ref_ids: Iterable[str]) -> str:
        """``[1, 4]`` for these references, numbering those not cited before; a run of three
        or more numbers as ``1-5``."""
        marks = [self.order.setdefault(r, len(self.order) + 1) for r in dict.fromkeys(ref_ids)]
        runs: list[list[int]] = []
        for n in marks:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        text = [f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
        return f"[{', '.join(text)}]" if marks else ""


def _grouped(atlas: Atlas, muscle_id: str, helpers: bool) -> str:
    parts = []
    for group in atlas.relations_by_action(muscle_id):
        rels = group.helpers if helpers else group.opposers
        note = group.helpers_note if helpers else group.opposers_note
        if rels or note:
            names = ", ".join(text for _, text in relation_labels(atlas, rels)) or "-"
            if note:
                names += f" ({note})"
            digits = group.action.digits if group.action is not None else ()
            parts.append(f"{atlas.action_label(group.joint, group.movement, digits)}: {names}")
    return "; ".join(parts) or "-"


def muscle_markdown(atlas: Atlas, m: Muscle, numbers: Numbers | None = None) -> str:
    """One muscle as a two-column Markdown table, its references numbered by ``numbers``."""
    numbers = numbers or Numbers()

    def where(items: list[Attachment]) -> str:
        return "<br>".join(f"{atlas.name_of(a.bone)}: {a.landmark}" for a in items)

    actions = "<br>".join(
        f"{atlas.action_label(a.joint, a.movement, a.digits)} ({a.role}"
        + (f"; {a.part}" if a.part else "")
        + ")"
        + (" [disputed]" if a.disputed else "")
        for a in m.actions
    )
    insertion = where(list(m.insertions))
    onto = "<br>".join(f"tendon of {atlas.name_of(t.structure)}" for t in m.tendon_insertions)
    nerves = _names(atlas, list(m.innervation.nerves))
    roots = ", ".join(m.innervation.roots)
    disputed = " [disputed]" if m.innervation.disputed else ""
    rows = [
        ("Latin", m.latin or "-"),
        ("Also called", _also_called(m.name, m.synonyms) or "-"),
        ("Compartment", f"{COMPARTMENT_PLACES.get(m.compartment, m.compartment)} ({m.layer})"),
        ("Origin", where(list(m.origins))),
        ("Insertion", "<br>".join(x for x in (insertion, onto) if x)),
        ("Actions", actions),
        ("Innervation", f"{nerves} ({roots}){disputed}"),
        ("Blood supply", _names(atlas, list(m.blood_supply.arteries))),
        ("Helped by", _grouped(atlas, m.id, helpers=True)),
        ("Opposed by", _grouped(atlas, m.id, helpers=False)),
        ("Notes", _notes_text([*m.function, *m.architecture, *m.clinical])),
        ("References", numbers.cite(_all_refs(m))),
    ]
    return _table(m.name, rows, _disputes(atlas, m, numbers))


def _also_called(name: str, synonyms: Iterable[str]) -> str:
    """The other names, without the name with "muscle" after it ('soleus muscle')."""
    plain = name.casefold()
    return ", ".join(x for x in synonyms if x.casefold().removesuffix(" muscle") != plain)


def _table(title: str, rows: list[tuple[str, str]], disputes: Sequence[str] = ()) -> str:
    lines = [f"### {title}", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {_cell(v)} |" for k, v in rows if v]
    if disputes:  # (the table marks them; a handout needs what each says and who says it)
        lines += ["", "Disputed:", "", *disputes]
    return "\n".join(lines)


def _disputes(atlas: Atlas, model: BaseModel, numbers: Numbers) -> list[str]:
    """A Markdown list item per dispute anywhere in an entry: what it is about, what the
    sources that disagree say, their roots and reference numbers."""
    found: list[str] = []

    def about(value: BaseModel, field: str) -> str:
        if isinstance(value, Action):
            return atlas.action_label(value.joint, value.movement, value.digits)
        for name in ("landmark", "title", "name"):
            if isinstance(getattr(value, name, None), str):
                return str(getattr(value, name))
        return field.replace("_", " ").capitalize()

    def walk(value: Any, field: str) -> None:
        if isinstance(value, BaseModel):
            for alt in getattr(value, "disputed", None) or []:
                roots = f" (roots {', '.join(alt.roots)})" if alt.roots else ""
                found.append(f"- **{_cell(about(value, field))}**: {_cell(alt.text)}{roots} "
                             f"{numbers.cite(alt.refs)}")
            for name in type(value).model_fields:
                if name != "disputed":
                    walk(getattr(value, name), name)
        elif isinstance(value, list):
            for item in value:
                walk(item, field)

    walk(model, "")
    return found


def _walls(atlas: Atlas, walls: list[Wall]) -> str:
    def one(w: Wall) -> str:
        what = atlas.name_of(w.structure) if w.structure else ""
        if w.text:
            what = f"{what} ({w.text})" if what else w.text
        return f"{w.where}: {what}" if w.where else what

    return "<br>".join(one(w) for w in walls)


def _ordered(atlas: Atlas, o: Ordered | None) -> str:
    if o is None:
        return ""
    names = ", ".join(atlas.name_of(i) for i in o.ids)
    text = f"{o.order.replace('_', ' ')}: {names}"
    return f"{text} ({o.note})" if o.note else text


def _notes_text(notes: list[Any]) -> str:
    return "<br>".join(f"**{n.title}**: {n.text}" for n in notes)


def structure_markdown(atlas: Atlas, structure_id: str, numbers: Numbers | None = None) -> str:
    """Any structure as a two-column table (a muscle via :func:`muscle_markdown`), its
    references numbered by ``numbers``."""
    numbers = numbers or Numbers()
    s = atlas[structure_id]
    if isinstance(s, Muscle):
        return muscle_markdown(atlas, s, numbers)
    rows: list[tuple[str, str]] = [("Kind", s.kind), ("Description", s.description)]
    if isinstance(s, Region):
        rows += [
            ("Boundaries", _walls(atlas, list(s.boundaries))),
            ("Roof", _walls(atlas, list(s.roof))),
            ("Floor", _walls(atlas, list(s.floor))),
            ("Contents", _ordered(atlas, s.contents)),
            ("Muscles", _names(atlas, list(s.members)) if s.members else ""),
            ("Nerve", _names(atlas, list(s.nerves)) if s.nerves else ""),
            ("Artery", _names(atlas, list(s.arteries)) if s.arteries else ""),
            ("Clinical", _notes_text(list(s.clinical))),
        ]
    elif isinstance(s, Bone):
        rows += _bone_rows(atlas, s)
    elif isinstance(s, Tendon):
        rows += [
            ("Formed by", _names(atlas, list(s.formed_by))),
            ("Insertion", f"{atlas.name_of(s.insertion.bone)}: {s.insertion.landmark}"),
            ("Notes", _notes_text(list(s.notes))),
        ]
    elif isinstance(s, (Nerve, Vessel)):
        rows += _pathway_rows(atlas, s)
    elif isinstance(s, (Retinaculum, Fascia, Ligament)):
        on = "<br>".join(f"{atlas.name_of(a.bone)}: {a.text}" for a in s.attachments)
        rows.append(("Attachments", on))
        if isinstance(s, Retinaculum):
            rows.append(("Passes under", _ordered(atlas, s.passes_under)))
        if isinstance(s, Fascia):
            rows.append(("Separates", _names(atlas, list(s.separates)) if s.separates else ""))
        if isinstance(s, Ligament):
            rows.append(("Resists", "<br>".join(r.text for r in s.resists)))
            rows.append(("Clinical", _notes_text(list(s.clinical))))
    else:
        return ""
    if not isinstance(s, Tendon):
        rows.append(("Notes", _notes_text(list(getattr(s, "notes", [])))))
    rows.append(("References", numbers.cite(_all_refs(s))))
    return _table(s.name, rows, _disputes(atlas, s, numbers))


def _bone_rows(atlas: Atlas, bone: Bone) -> list[tuple[str, str]]:
    on = atlas.attachments_on_bone(bone.id)

    def sites(items: tuple[AttachmentSite, ...]) -> str:
        return "<br>".join(
            f"{atlas.name_of(s.muscle)}: {s.attachment.landmark}" for s in items
        )

    sheets: list[Ligament | Retinaculum | Fascia] = [
        *atlas.ligaments(), *atlas.retinacula(), *atlas.fasciae()
    ]
    ligaments = [
        f"{lig.name}: {a.text}"
        for lig in sheets
        for a in lig.attachments
        if a.bone == bone.id
    ]
    return [
        ("Landmarks", ", ".join(bone.landmarks)),
        ("Muscles arising", sites(on.origins)),
        ("Muscles inserting", sites(on.insertions)),
        ("Ligaments and sheets", "<br>".join(ligaments)),
        ("Clinical", _notes_text(list(bone.clinical))),
    ]


def _pathway_rows(atlas: Atlas, s: Nerve | Vessel) -> list[tuple[str, str]]:
    courses: list[Nerve | Vessel] = [*atlas.nerves(), *atlas.arteries(), *atlas.veins()]
    branches = [x.id for x in courses if x.branch_of == s.id]
    rows = [
        ("Latin", s.latin or ""),
        ("Also called", _also_called(s.name, s.synonyms)),
        ("Branch of", atlas.name_of(s.branch_of) if s.branch_of else ""),
        ("Branches", _names(atlas, branches) if branches else ""),
        ("Course", s.course),
        ("Depth", s.lies_under.text if s.lies_under else ""),
    ]
    if isinstance(s, Nerve):
        supplied = atlas.muscles_supplied_by(s.id)
        disputed = "".join(f"<br>[disputed] {d.text}" for d in s.disputed)
        rows += [
            ("Roots", ", ".join(s.roots) + disputed),
            ("Muscles supplied", _names(atlas, supplied) if supplied else ""),
            ("Skin", s.skin_territory.text if s.skin_territory else ""),
        ]
    elif s.kind == "artery":
        supplied = atlas.muscles_supplied_by_artery(s.id)
        rows.append(("Muscles supplied", _names(atlas, supplied) if supplied else ""))
    return rows


_SECTIONS = (
    ("bone", "Bones"),
    ("tendon", "Tendons"),
    ("nerve", "Nerves"),
    ("artery", "Arteries"),
    ("vein", "Veins"),
    ("region", "Regions"),
    ("retinaculum", "Retinacula"),
    ("fascia", "Fasciae and septa"),
    ("ligament", "Ligaments"),
)


def atlas_markdown(atlas: Atlas) -> str:
    """Every muscle as a table, then bones, tendons, nerves, vessels, regions, retinacula,
    fasciae and ligaments, then the references, numbered in the order they are first cited."""
    numbers = Numbers()
    parts = ["# CalfExplorer atlas", "", "## Muscles", ""]
    for m in atlas.muscles():
        parts += [muscle_markdown(atlas, m, numbers), ""]
    for kind, title in _SECTIONS:
        items = [s for s in atlas if s.kind == kind]
        if items:
            parts += [f"## {title}", ""]
            for s in items:
                parts += [structure_markdown(atlas, s.id, numbers), ""]
    parts.append(references_markdown(atlas, numbers))
    return "\n".join(parts) + "\n"


def cited_markdown(atlas: Atlas, structure_ids: Iterable[str]) -> str:
    """The tables of some structures, then the references they cite, numbered."""
    numbers = Numbers()
    tables = [t for i in structure_ids if (t := structure_markdown(atlas, i, numbers))]
    return "\n\n".join(tables) + "\n\n" + references_markdown(atlas, numbers)


def references_markdown(atlas: Atlas, numbers: Numbers) -> str:
    """A "References" section: each reference cited, by its number, with its citation and
    address."""
    lines = ["## References", ""]
    for ref_id, number in numbers.order.items():
        r = atlas.references.get(ref_id)
        if r is not None:
            where = f" <{r.url}>" if r.url else ""
            lines.append(f"{number}. {_cell(r.citation)}{where}")
    return "\n".join(lines)

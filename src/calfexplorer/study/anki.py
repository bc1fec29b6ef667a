"""Anki export: one note per study card in scope, with an image of the structure highlighted.

Images come from a ``render_image(structure_id, answered=True) -> bytes | None`` callable (PNG
bytes, or None where there is nothing to picture) that the caller passes in; this module
imports no VTK. Model and deck ids are fixed, and note GUIDs derive from the card, so
re-importing an export updates the notes instead of duplicating them.
"""

from __future__ import annotations

import html
import random
import re
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import genanki

from calfexplorer.output_files import replaced_when_written
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import KIND_LABELS, CardKey
from calfexplorer.study.questions import Question, QuestionError, QuestionFactory
from calfexplorer.study.scope import Scope

MODEL_ID = 1_734_215_091
DECK_ID = 2_059_400_173
DECK_NAME = "CalfExplorer: the lower leg"

#: Kinds whose image is the question itself (it shows what to name); others show it on the back.
IMAGE_ON_FRONT = {"name_it", "attachment_site"}
#: Kinds that make no sense without their image; their notes are left out when it is missing.
NEEDS_IMAGE = IMAGE_ON_FRONT | {"find_it"}
#: Kinds with a picture on each side: the front's drawn as asked (``answered=False``: the
#: lesion's cut, which the question names, and nothing of what it takes away), the back's as
#: answered; the back shows its own in place of the front's.
IMAGE_EACH_SIDE = {"lesion_loss"}
#: Kinds whose answer is what their note is about: the structure pictured, the muscles at a
#: site, the lesion a patient's findings point to, the root a myotome's id names. Anki shows
#: a card's tags with it, so their notes carry no ``structure::`` tag (a "where is the
#: lesion" card was tagged ``structure::lesion:sural_nerve@calf``); every note keeps its
#: kind's ``calfexplorer::`` tag.
ANSWER_IS_STRUCTURE = frozenset({"name_it", "attachment_site", "lesion_locate", "myotome_roots"})
#: Kinds whose answer is a compartment: no ``compartment::`` tag.
ANSWER_IS_COMPARTMENT = frozenset({"compartment"})

_CSS = """
.card { font-family: sans-serif; font-size: 20px; text-align: center; color: #222; }
.answer { font-weight: bold; margin-top: 0.6em; }
.explanation { font-size: 16px; color: #444; margin-top: 0.8em; text-align: left; }
.kind { font-size: 13px; color: #888; }
img { max-width: 95%; max-height: 60vh; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "CalfExplorer card",
    fields=[
        {"name": "Question"},
        {"name": "Answer"},
        {"name": "Explanation"},
        {"name": "FrontImage"},
        {"name": "BackImage"},
        {"name": "Kind"},
        {"name": "StructureId"},
    ],
    templates=[
        {
            "name": "Card",
            "qfmt": '<div class="kind">{{Kind}}</div>{{Question}}<br>{{FrontImage}}',
            # (the front's picture, but where the back has its own: two pictures of one leg
            # stacked, the one that answers below the fold of a phone)
            "afmt": '<div class="kind">{{Kind}}</div>{{Question}}<br>'
            '{{^BackImage}}{{FrontImage}}{{/BackImage}}'
            '<hr id="answer"><div class="answer">{{Answer}}</div>'
            '<div class="explanation">{{Explanation}}</div>{{BackImage}}',
        }
    ],
    css=_CSS,
)

#: ``render_image(structure_id, answered=True)``: PNG bytes or None (see the module).
RenderImage = Callable[..., bytes | None]


@dataclass
class ExportReport:
    """What an export wrote."""

    path: Path
    notes: int
    images: int
    skipped: int = 0  # notes left out because the image they need is missing
    unaskable: dict[str, str] = field(default_factory=dict)  # "id/kind" -> why no question
    structures: set[str] = field(default_factory=set)  # structures with at least one note
    image_problems: dict[str, str] = field(default_factory=dict)  # id -> why it has no image


def _seed(card: CardKey) -> int:
    return zlib.crc32(f"{card.structure_id}/{card.kind}".encode())


def _media_name(sid: str, answered: bool = True) -> str:
    return ("calfexplorer_" + re.sub(r"[^A-Za-z0-9_]+", "-", sid)
            + ("" if answered else "_asked") + ".png")


def _note_text(q: Question) -> tuple[str, str, str]:
    """Question, answer and explanation for a static card (no clicking or choosing in Anki):
    where a click answered in the app, the answer is the words (the explanation then adds
    nothing more)."""
    prompt = q.static_prompt or q.prompt
    answer = q.static_answer or q.answer_text
    explanation = "" if q.explanation == answer else q.explanation
    return html.escape(prompt), html.escape(answer), html.escape(explanation)


def build_notes(
    facts: StudyFacts, scope: Scope | None = None, unaskable: dict[str, str] | None = None
) -> list[tuple[Question, genanki.Note]]:
    """One note per card in scope (without images), with stable GUIDs; a card the data
    cannot make a question of (a fact emptied by a problem in the data files) is left out and
    put in ``unaskable`` with the reason."""
    factory = QuestionFactory(facts)
    out = []
    for card in (scope or Scope()).cards(facts):
        try:
            q = factory.make(card, random.Random(_seed(card)), exam=True)
        except QuestionError as exc:
            if unaskable is not None:
                unaskable[f"{card.structure_id}/{card.kind}"] = str(exc)
            continue
        question, answer, explanation = _note_text(q)
        # an attachment place's note takes the compartments of every muscle there (one note
        # per place)
        ids = facts.place_sites(card.structure_id) if card.kind == "attachment_site" \
            else (card.structure_id,)
        owners = [facts.sites[i].owner if i in facts.sites else i for i in ids]
        # (a lesion's: those of the muscles it takes nerve supply from, as a scope reads it)
        comps = [c for i in ids for c in sorted(facts.compartments(i))]
        tags = [f"calfexplorer::{card.kind}"]
        if card.kind not in ANSWER_IS_STRUCTURE:
            tags += [f"structure::{o}" for o in dict.fromkeys(owners)]
        if card.kind not in ANSWER_IS_COMPARTMENT:
            tags += [f"compartment::{c}" for c in dict.fromkeys(comps)]
        note = genanki.Note(
            model=MODEL,
            fields=[
                question,
                answer,
                explanation,
                "",
                "",
                KIND_LABELS.get(card.kind, card.kind),
                card.structure_id,
            ],
            tags=tags,
            guid=genanki.guid_for("calfexplorer", card.structure_id, card.kind),
        )
        out.append((q, note))
    return out


class EmptyDeck(ValueError):
    """The scope leaves no note to write: every one of its ``needs_picture`` cards needs a
    picture, and there was none."""

    def __init__(self, needs_picture: int) -> None:
        super().__init__(f"all {needs_picture} cards in the scope need a picture")
        self.needs_picture = needs_picture


def export_deck(
    facts: StudyFacts,
    path: Path | str,
    scope: Scope | None = None,
    render_image: RenderImage | None = None,
    deck_name: str = DECK_NAME,
    progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write an Anki package (``.apkg``) of every card in scope; raises :class:`EmptyDeck`
    (writing nothing) when no note is left to write.

    Parameters
    ----------
    render_image
        Returns PNG bytes of a structure (or attachment site) highlighted, or of a lesion
        (``answered=False``: as a card's front asks about it, for :data:`IMAGE_EACH_SIDE`);
        None for a deck without images. A failure for one structure leaves that note without
        an image and is listed in ``image_problems``.
    progress
        Called with (images done, images to do) while rendering.
    """
    path = Path(path)
    deck = genanki.Deck(DECK_ID, deck_name)
    report = ExportReport(path, 0, 0)
    notes = build_notes(facts, scope, report.unaskable)
    with tempfile.TemporaryDirectory(prefix="calfexplorer-anki-") as tmp:
        media: dict[tuple[str, bool], Path] = {}  # (id, answered) -> its picture
        if render_image is not None:
            # Cards about a root, a myotome, a reflex or an area of skin have no picture of a
            # structure by design: not asked for, so not reported as missing.
            pictured = set(facts.structures) | set(facts.sites) | set(facts.lesions)
            wanted = list(dict.fromkeys(
                [(q.structure_id, True) for q, _ in notes if q.structure_id in pictured]
                + [(q.structure_id, False) for q, _ in notes
                   if q.structure_id in pictured and q.kind in IMAGE_EACH_SIDE]))
            if progress:
                progress(0, len(wanted))
            for i, (sid, answered) in enumerate(wanted):
                try:
                    png = render_image(sid) if answered else render_image(sid, answered=False)
                    if png is not None:  # (None: nothing to picture, a root's cut)
                        if not png.startswith(b"\x89PNG"):
                            raise ValueError("the renderer did not return a PNG")
                        file = Path(tmp) / _media_name(sid, answered)
                        file.write_bytes(png)
                        media[sid, answered] = file
                except Exception as exc:  # one bad render must not stop the deck
                    report.image_problems[sid] = str(exc) or type(exc).__name__
                if progress:
                    progress(i + 1, len(wanted))
        for q, note in notes:
            sid = q.card.structure_id
            if (sid, True) not in media and q.kind in NEEDS_IMAGE:
                report.skipped += 1
                continue
            if (sid, True) in media:
                tag = f'<img src="{media[sid, True].name}">'
                note.fields[3 if q.kind in IMAGE_ON_FRONT else 4] = tag
            if q.kind in IMAGE_EACH_SIDE and (sid, False) in media:
                note.fields[3] = f'<img src="{media[sid, False].name}">'
            deck.add_note(note)
            report.notes += 1
            # (a place's note is about the muscles there that the scope takes in)
            for taken in (scope or Scope()).covered(facts, q.card):
                report.structures.add(facts.sites[taken].owner if taken in facts.sites else taken)
        if not report.notes:  # (a deck already there is not replaced by an empty one)
            raise EmptyDeck(report.skipped)
        path.parent.mkdir(parents=True, exist_ok=True)
        # (a deck already there stays whole until the new one is written: a full disk)
        with replaced_when_written(path) as scratch:
            genanki.Package(deck, media_files=[str(p) for p in media.values()]).write_to_file(
                str(scratch))
    report.images = len(media)
    return report

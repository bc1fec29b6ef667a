"""Anki export: a valid .apkg with stable ids, notes for every muscle, images from a callable."""

from __future__ import annotations

import sqlite3
import struct
import zipfile
import zlib

import pytest

from calfexplorer.cli import main
from calfexplorer.study.anki import DECK_ID, MODEL_ID, build_notes, export_deck
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scope import Scope

from .conftest import DATA


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def read_apkg(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        media = z.read("media").decode()
        db = path.parent / "collection.anki2"
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    notes = conn.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
    decks = conn.execute("SELECT decks FROM col").fetchone()[0]
    conn.close()
    return names, media, notes, decks


def test_export_without_images(facts, tmp_path):
    out = tmp_path / "deck.apkg"
    report = export_deck(facts, out, Scope.of(kinds=["innervation", "origin", "name_it"]))
    names, media, notes, decks = read_apkg(out)
    assert report.images == 0 and media == "{}"
    assert report.skipped == len(facts.structures)  # name-it needs its image
    assert len(notes) == report.notes == 2 * len(facts.of_kind("muscle"))
    assert {mid for _, mid, _, _ in notes} == {MODEL_ID}
    assert str(DECK_ID) in decks
    soleus = [n for n in notes if "\x1fsoleus" in n[2] and "nerve" in n[2]]
    assert soleus and "Tibial nerve" in soleus[0][2]


def test_every_muscle_has_notes_and_guids_are_stable(facts, tmp_path):
    notes = build_notes(facts)
    muscles = set(facts.of_kind("muscle"))
    covered = {q.card.structure_id for q, _ in notes}
    assert muscles <= covered
    again = build_notes(facts)
    assert [n.guid for _, n in notes] == [n.guid for _, n in again]
    assert [n.fields for _, n in notes] == [n.fields for _, n in again]
    assert len({n.guid for _, n in notes}) == len(notes)


def test_real_atlas_deck_covers_every_muscle(tmp_path):
    from calfexplorer.atlas import load_atlas

    atlas, problems = load_atlas()
    assert not problems and atlas.muscles()  # (a data regression fails here, not skips)
    facts = StudyFacts(atlas)
    report = export_deck(facts, tmp_path / "all.apkg")
    assert {m.id for m in atlas.muscles()} <= report.structures


def test_static_notes_ask_nothing_that_needs_the_app(tmp_path):
    """23 notes asked "Which of these movements does the soleus produce?" with no list: an
    Anki card shows no choices, and nothing can be clicked."""
    from calfexplorer.atlas import load_atlas

    facts = StudyFacts.with_lesions(load_atlas()[0])
    for q, note in build_notes(facts):
        question = note.fields[0].lower()
        assert "of these" not in question and "click" not in question, (q.card, question)


def test_images_come_from_the_callable(facts, tmp_path):
    rendered: list[str] = []
    png = tiny_png()

    def render(sid: str) -> bytes:
        rendered.append(sid)
        if sid == "popliteus":
            raise ValueError("it has no mesh")
        return png

    scope = Scope.of(compartments=["posterior_deep"], kinds=["name_it", "roots"])
    out = tmp_path / "deck.apkg"
    report = export_deck(facts, out, scope, render_image=render)
    assert sorted(rendered) == sorted(set(rendered))  # one render per structure
    assert report.image_problems == {"popliteus": "it has no mesh"}
    assert report.images == 2 and report.skipped == 1  # popliteus name-it has no image
    names, media, notes, _ = read_apkg(out)
    assert "calfexplorer_tibialis_posterior.png" in media
    name_it = [n for n in notes if "Name the highlighted" in n[2]]
    assert len(name_it) == 2 and all("<img src=" in n[2] for n in name_it)


def test_command_with_scope(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(DATA))
    out = tmp_path / "lateral.apkg"
    code = main(
        [
            "export-anki",
            str(out),
            "--no-images",
            "--compartment",
            "lateral",
            "--kinds",
            "innervation,roots",
        ]
    )
    assert code == 0
    assert "4 notes on 2 structures" in capsys.readouterr().out
    assert out.is_file()


def test_command_rejects_unknown_kinds(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(DATA))
    code = main(["export-anki", str(tmp_path / "x.apkg"), "--no-images", "--kinds", "spelling"])
    assert code == 2
    assert "unknown question kinds: spelling" in capsys.readouterr().err


def test_command_rejects_an_empty_scope(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(DATA))
    code = main(["export-anki", str(tmp_path / "x.apkg"), "--no-images", "--compartment",
                 "gluteal"])  # (none in the small test atlas)
    assert code == 2
    assert "matches no cards" in capsys.readouterr().err
    code = main(["export-anki", str(tmp_path / "x.apkg"), "--no-images", "--compartment",
                 "lateral,nosuch"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "unknown compartments: nosuch" in err[0]


def test_a_scope_of_picture_cards_without_pictures_writes_nothing(tmp_path, monkeypatch, capsys):
    """It wrote a deck of 0 notes over the user's good deck and exited 0."""
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(DATA))
    deck = tmp_path / "x.apkg"
    assert main(["export-anki", str(deck), "--no-images", "--kinds", "action"]) == 0
    before = deck.read_bytes()
    capsys.readouterr()
    assert main(["export-anki", str(deck), "--no-images", "--kinds", "name_it"]) == 2
    err = [line for line in capsys.readouterr().err.strip().splitlines()
           if ": warning: " not in line]  # (the small test data has no lesions)
    assert len(err) == 1 and err[0].startswith("calfexplorer export-anki: error: nothing written")
    assert err[0].endswith(" cards in the scope need a picture (leave out --no-images)")
    assert deck.read_bytes() == before


def test_command_renders_highlighted_images_offscreen(tmp_path, capsys):
    from calfexplorer.paths import assets_dir

    if not (assets_dir() / "manifest.json").is_file():
        pytest.skip("no built meshes")
    out = tmp_path / "deck.apkg"
    code = main(
        [
            "export-anki",
            str(out),
            "--compartment",
            "lateral",
            "--kinds",
            "name_it",
            "--size",
            "120x150",
        ]
    )
    assert code == 0, capsys.readouterr().err
    names, media, notes, _ = read_apkg(out)
    assert "calfexplorer_fibularis_longus.png" in media
    with zipfile.ZipFile(out) as z:
        pngs = [z.read(n) for n in z.namelist() if n.isdigit()]
    assert pngs and all(p.startswith(b"\x89PNG") for p in pngs)
    assert all("<img src=" in n[2] for n in notes)


def test_cards_with_nothing_to_picture_are_neither_rendered_nor_reported(tmp_path):
    # A myotome, a root or a skin area has no structure to picture; a skin nerve's lesion has no
    # muscle to colour (the renderer says None). export-anki printed a "no image for" line for
    # each of them (31 lines on a normal export).
    from calfexplorer.atlas import load_atlas

    atlas, _ = load_atlas()
    facts = StudyFacts.with_lesions(atlas)
    asked: list[str] = []

    def render(sid: str, answered: bool = True) -> bytes | None:
        asked.append(sid)
        return None if sid.startswith("lesion:sural") else tiny_png()

    kinds = ["myotome_roots", "myotome_movement", "reflex_roots", "skin_locate", "lesion_loss",
             "lesion_locate"]
    report = export_deck(facts, tmp_path / "deck.apkg", Scope.of(kinds=kinds), render_image=render)
    assert asked and all(sid.startswith("lesion:") for sid in asked)
    assert "lesion:sural_nerve@calf" in asked
    assert report.image_problems == {}
    assert report.notes == len(Scope.of(kinds=kinds).cards(facts))


def test_the_command_s_list_of_structure_kinds_is_the_atlas_s():
    # (kept in the command so --help does not load pydantic)
    from typing import get_args

    from calfexplorer.atlas.models import StructureKind
    from calfexplorer.commands.export_anki import STRUCTURE_KINDS

    assert get_args(StructureKind) == STRUCTURE_KINDS


def test_a_skin_note_answers_with_where_the_area_lies():
    """The back of "Where on the skin does the S1 dermatome lie?" read "S1 dermatome"."""
    from calfexplorer.atlas import load_atlas

    facts = StudyFacts.with_lesions(load_atlas()[0])
    notes = {q.card: note for q, note in build_notes(facts, Scope.of(kinds=["skin_locate"]))}
    s1 = next(n for card, n in notes.items() if card.structure_id.endswith("S1"))
    question, answer, explanation = s1.fields[:3]
    assert question == "Where on the skin does the S1 dermatome lie?"
    assert "heel" in answer and answer != "S1 dermatome" and explanation == ""


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_ctrl_c_while_rendering_stops_the_export_and_keeps_the_old_deck(
    tmp_path, monkeypatch, capsys, stop
):
    """Ctrl+C while VTK drew landed in a ctypes callback, which only printed it: the export
    rendered every image, overwrote the deck and exited 0; a kill (SIGTERM) did so after
    Ctrl+C was mended, with a traceback."""
    import ctypes
    import os
    import signal

    from calfexplorer.scene import cards

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 16
    drawn: list[str] = []

    @ctypes.CFUNCTYPE(None)
    def inside_vtk() -> None:  # (VTK calls back into Python while it draws)
        os.kill(os.getpid(), getattr(signal, stop))  # Ctrl+C or a kill, mid-render
        sum(range(1000))

    def render(sid: str) -> bytes:
        drawn.append(sid)
        if len(drawn) == 2:
            inside_vtk()
        return png

    monkeypatch.setattr(cards, "make_card_renderer", lambda *a, **k: (render, lambda: None))
    deck = tmp_path / "keep.apkg"
    deck.write_bytes(b"the deck exported last week")
    handler = signal.getsignal(signal.SIGINT)
    code = main(["export-anki", str(deck), "--kinds", "name_it"])
    assert code == 130
    err = capsys.readouterr().err
    assert err.rstrip().endswith("calfexplorer export-anki: interrupted")
    assert "Traceback" not in err
    assert len(drawn) == 2 and deck.read_bytes() == b"the deck exported last week"
    assert signal.getsignal(signal.SIGINT) is handler  # (put back)


def test_cards_left_out_for_a_data_problem_are_told(tmp_path, monkeypatch, capsys):
    """One unknown reference in lesions.yaml left out every lesion, reflex and myotome card
    (361 notes became 324) with nothing said: the export warns, and the study's counts say
    so."""
    import shutil

    from calfexplorer import paths
    from calfexplorer.atlas import load_atlas

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    lesions = data / "lesions.yaml"
    text = lesions.read_text(encoding="utf-8")
    assert "lesion_park2021_bfsh" in text
    lesions.write_text(text.replace("lesion_park2021_bfsh", "lesion_park2021_bfshh", 1),
                       encoding="utf-8")
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(data))
    facts = StudyFacts.with_lesions(load_atlas(data)[0])
    assert len(facts.left_out) == 1 and "lesions.yaml has 1 problem" in facts.left_out[0]
    code = main(["export-anki", str(tmp_path / "d.apkg"), "--no-images", "--kinds", "action"])
    assert code == 0
    err = capsys.readouterr().err
    assert "warning: no lesion, reflex and myotome cards: lesions.yaml has 1 problem" in err


def test_a_flip_card_asks_for_as_many_answers_as_its_back_gives():
    """141 notes asked "Which muscle helps the gastrocnemius ...?" and listed seven on the
    back: a flip card offers no choice to pick one from."""
    import re

    from calfexplorer.atlas import load_atlas
    from calfexplorer.study.anki import build_notes

    facts = StudyFacts(load_atlas()[0])
    scope = Scope.of(kinds=["synergist", "antagonist", "blood_supply", "innervation",
                            "attachment_site"])
    notes = build_notes(facts, scope)
    assert len(notes) > 100
    singular = re.compile(r"^Which (muscle|artery|nerve|muscle or tendon) ")
    odd = [(n.fields[0], n.fields[1]) for _, n in notes
           if singular.match(n.fields[0]) and (", " in n.fields[1] or " and " in n.fields[1])]
    assert odd == []
    helpers = next(n for q, n in notes if q.card == CardKey("gastrocnemius", "synergist"))
    assert helpers.fields[0].startswith("Which muscles help the gastrocnemius in ")


def test_an_attachment_place_is_one_note_tagged_with_the_compartments_there(facts):
    """The calcaneal tuberosity made four notes with one question (the gastrocnemius's, each
    head's and the soleus's insertion)."""
    notes = build_notes(facts, Scope.of(kinds=["attachment_site"]))
    at_tuberosity = [n for q, n in notes if q.card.structure_id.endswith(":calcaneal_tuberosity")
                     and "calcaneal_tendon" not in q.card.structure_id]
    assert len(at_tuberosity) == 1
    tags = set(at_tuberosity[0].tags)
    assert "compartment::posterior_superficial" in tags
    assert not any(t.startswith("structure::") for t in tags)  # (the muscles are its answer)


def test_a_deck_of_one_compartment_names_only_its_structures(tmp_path):
    """A calf deck of attachment sites listed the fibularis longus among its structures (its
    note on the head of the fibula is the soleus's place too)."""
    from calfexplorer.atlas import load_atlas

    facts = StudyFacts(load_atlas()[0])
    scope = Scope.of(compartments=["posterior_superficial"], kinds=["attachment_site"])
    report = export_deck(facts, tmp_path / "calf.apkg", scope, render_image=lambda _: tiny_png())
    assert report.notes > 0
    assert "fibularis_longus" not in report.structures
    assert {"soleus", "gastrocnemius"} <= report.structures


def test_lesion_notes_are_tagged_with_the_compartments_they_weaken(tmp_path):
    """Every other note carried its compartment's tag; a lesion's note none, so a student's
    filtered deck of the calf left out the tibial nerve's lesions."""
    from calfexplorer.atlas import load_atlas

    facts = StudyFacts.with_lesions(load_atlas()[0])
    path = tmp_path / "lesions.apkg"
    export_deck(facts, path, Scope.of(kinds=["lesion_loss", "lesion_locate"]))
    _, _, notes, _ = read_apkg(path)
    tags = {flds.split("\x1f")[6]: set(t.split()) for _, _, flds, t in notes}
    tibial = next(t for sid, t in tags.items() if sid.startswith("lesion:tibial_nerve@"))
    assert {"compartment::posterior_superficial", "compartment::posterior_deep"} <= tibial
    fibular = next(t for sid, t in tags.items()
                   if sid.startswith("lesion:common_fibular_nerve@"))
    assert {"compartment::anterior", "compartment::lateral"} <= fibular
    weakening = [sid for sid in tags if facts.lesions[sid].result.muscles]
    assert weakening and all(any(t.startswith("compartment::") for t in tags[sid])
                             for sid in weakening)


def test_no_note_s_tags_give_away_its_answer(tmp_path, monkeypatch):
    """Anki shows a card's tags with it: a "where is the lesion" note was tagged
    ``structure::lesion:sural_nerve@calf``, a "name it" note with the muscle pictured, a
    compartment note with the compartment asked for. Tags still filter (the card's kind, the
    structure its question names, the compartments), and a deck exported again updates the
    notes already imported in place, the old tags gone."""
    import genanki.package

    from calfexplorer.atlas import load_atlas

    anki_collection = pytest.importorskip("anki.collection")
    facts = StudyFacts.with_lesions(load_atlas()[0])
    notes = build_notes(facts)
    by_card = {(q.card.structure_id, q.kind): set(n.tags) for q, n in notes}
    for (sid, kind), tags in by_card.items():
        assert f"calfexplorer::{kind}" in tags
        if kind in ("name_it", "attachment_site", "lesion_locate", "myotome_roots"):
            assert not [t for t in tags if t.startswith("structure::")], (sid, kind, tags)
    lesion = "lesion:common_fibular_nerve@fibular_neck"
    assert f"structure::{lesion}" in by_card[lesion, "lesion_loss"]  # (its front names it)
    assert "structure::soleus" in by_card["soleus", "origin"]
    assert not any("posterior_superficial" in t for t in by_card["soleus", "compartment"])
    assert "compartment::posterior_superficial" in by_card["soleus", "origin"]
    myotome = next(sid for sid, kind in by_card if kind == "myotome_roots")
    assert not any(myotome.split(":")[1] in t for t in by_card[myotome, "myotome_roots"])

    scope = Scope.of(kinds=["lesion_locate", "lesion_loss"])
    first, again = tmp_path / "first.apkg", tmp_path / "again.apkg"
    export_deck(facts, first, scope)
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(anki_collection.ImportAnkiPackageRequest(package_path=str(first)))
        ids = col.find_notes("tag:calfexplorer::lesion_locate")
        note = next(n for n in map(col.get_note, ids) if n["StructureId"] == lesion)
        note.tags.append(f"structure::{lesion}")  # as an older export tagged it
        col.update_note(note)
        count = len(col.find_notes(""))
        # (exported later than the note was changed, as a student's next export is)
        later = note.mod + 60
        monkeypatch.setattr(genanki.package.time, "time", lambda: later)
        export_deck(facts, again, scope)
        monkeypatch.undo()
        col.import_anki_package(anki_collection.ImportAnkiPackageRequest(package_path=str(again)))
        assert len(col.find_notes("")) == count  # updated in place, none duplicated
        assert col.find_notes(f'"tag:structure::{lesion}"') != []  # its "what is lost" note
        for nid in col.find_notes("tag:calfexplorer::lesion_locate"):
            tags = col.get_note(nid).tags
            assert not [t for t in tags if t.startswith("structure::")], tags
    finally:
        col.close()

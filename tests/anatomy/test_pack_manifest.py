"""A hand-edited, foreign or unreadable anatomy pack: the app draws the built-in leg and says
which file and field it could not use (no pack build needed: the built-in meshes stand in)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy.binding_cache import FORMAT, load_binding
from calfexplorer.anatomy.leg_model import (
    BODYPARTS3D,
    BUILTIN,
    load_leg,
    pack_installed,
    pack_update,
)
from calfexplorer.anatomy.pack_format import PACK_VERSION, older_pack
from calfexplorer.assets import load_assets
from calfexplorer.paths import assets_dir


@pytest.fixture(scope="module")
def builtin() -> Any:
    return load_assets()


def _pack(tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """The built-in meshes laid out as a pack (its manifest with the pack's own sections)."""
    folder = tmp_path / "bodyparts3d"
    shutil.copytree(assets_dir(), folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["generator"] = {"name": "calfexplorer get-anatomy", "version": PACK_VERSION}
    manifest.update(without_mesh={"coccyx": "not in BodyParts3D 4.0"}, routes={},
                    attachment_sites={"without_patch": {}}, refused=[],
                    registration={"tibia_fibula": {"matrix_mm_to_m": np.eye(4).tolist()}})
    for entry in manifest["meshes"].values():
        if entry.get("kind") == "bone":
            entry["body"] = "tibia_r"
        if entry.get("kind") in ("bone", "muscle", "tendon", "artery", "vein"):
            entry["placement"] = {"group": "tibia_fibula", "body": "tibia_r"}
    if edit is not None:
        edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_well_formed_pack_is_drawn(tmp_path: Path, builtin: Any) -> None:
    assets, note = load_leg(pack=_pack(tmp_path), builtin=builtin)
    assert note is None and assets.model == BODYPARTS3D


def test_a_pack_an_earlier_version_built_is_drawn_and_says_what_building_it_again_gives(
        tmp_path: Path, builtin: Any) -> None:
    def earlier(manifest: dict[str, Any]) -> None:
        manifest["generator"].update(version="1.0.0")

    assets, note = load_leg(pack=_pack(tmp_path, earlier), builtin=builtin)
    assert note is None and assets.model == BODYPARTS3D
    why = pack_update(assets)
    assert why is not None and "pack version 1.0.0" in why
    assert "toes sit on their metatarsals" in why


@pytest.mark.parametrize("version", [PACK_VERSION, "2.0", "0.9.0", "soon"])
def test_no_offer_to_build_again_a_pack_of_this_or_another_major_version(version: str) -> None:
    assert older_pack({"generator": {"version": version}}) is None


@pytest.mark.parametrize("changed", ["pack section", "mesh list"])
def test_a_pack_from_a_newer_version_asks_for_an_update(tmp_path: Path, builtin: Any,
                                                        changed: str) -> None:
    def newer(manifest: dict[str, Any]) -> None:  # (its sections changed too)
        manifest["generator"].update(version="2.0.0")
        if changed == "pack section":
            manifest["registration"] = ["a later format"]
        else:  # (the part any mesh folder's manifest shares)
            manifest["meshes"] = list(manifest["meshes"])

    folder = _pack(tmp_path, newer)
    assets, note = load_leg(pack=folder, builtin=builtin)
    assert assets.model == BUILTIN
    assert note == (f"the BodyParts3D anatomy pack in {folder} cannot be used: it was made by "
                    "a newer CalfExplorer (pack version 2.0.0; this one reads version 1 packs); "
                    "update CalfExplorer, or get the pack again for this version with File > "
                    "Get realistic anatomy or 'calfexplorer get-anatomy'")


_EDITS = {
    "without_mesh list": (lambda m: m.update(without_mesh=["coccyx"]),
                          "'without_mesh' must be a mapping, not a list"),
    "without_mesh entry": (lambda m: m.update(without_mesh={"coccyx": 3}),
                           "'without_mesh.coccyx' must be text, not a number"),
    "routes text": (lambda m: m.update(routes="nope"), "'routes' must be a mapping, not text"),
    "route list": (lambda m: m.update(routes={"tibial_nerve": [1, 2]}),
                   "'routes.tibial_nerve' must be a mapping, not a list"),
    "sites number": (lambda m: m.update(attachment_sites=42),
                     "'attachment_sites' must be a mapping, not a number"),
    "without_patch null": (lambda m: m.update(attachment_sites={"without_patch": None}),
                           "'attachment_sites.without_patch' must be a mapping, not nothing"),
    "refused mapping": (lambda m: m.update(refused={}), "'refused' must be a list, not a mapping"),
    "no registration": (lambda m: m.pop("registration"), "'registration' is missing"),
    "fit number": (lambda m: m.update(registration={"leg": 42}),
                   "'registration.leg' must be a mapping, not a number"),
    "fit matrix": (lambda m: m.update(registration={"leg": {"matrix_mm_to_m": [[1, 0]]}}),
                   "'registration.leg.matrix_mm_to_m' must be 4 rows of 4 numbers"),
    "flat fit": (lambda m: m.update(registration={"leg": {"matrix_mm_to_m": [[0] * 4] * 4}}),
                 "'registration.leg.matrix_mm_to_m' flattens the bones (determinant 0)"),
    "unknown group": (lambda m: m["meshes"]["tibia"]["placement"].update(group="nowhere"),
                      "'meshes.tibia.placement.group' names 'nowhere', which 'registration'"),
    "muscle group": (lambda m: m["meshes"]["soleus"]["placement"].update(group="nowhere"),
                     "'meshes.soleus.placement.group' names 'nowhere', which 'registration'"),
    "muscle body": (lambda m: m["meshes"]["soleus"]["placement"].pop("body"),
                    "'meshes.soleus.placement.body' must be text, not nothing"),
    "mesh kind": (lambda m: m["meshes"]["soleus"].update(kind=None),
                  "'meshes.soleus.kind' must be text, not nothing"),
    "bone group": (lambda m: m["meshes"]["tibia"].update(placement={"group": 3}),
                   "'meshes.tibia.placement.group' must be text, not a number"),
    "no version": (lambda m: m["generator"].update(version=None),
                   "'generator.version' must be a version number such as 1.0.0, not nothing"),
    "odd digits": (lambda m: m["generator"].update(version="\u00b2.0"),
                   "'generator.version' must be a version number such as 1.0.0"),
}


@pytest.mark.parametrize(("edit", "why"), _EDITS.values(), ids=_EDITS.keys())
def test_a_malformed_pack_manifest_names_its_field_and_the_built_in_leg_is_drawn(
    tmp_path: Path, builtin: Any, edit: Callable[[dict[str, Any]], None], why: str
) -> None:
    folder = _pack(tmp_path, edit)
    assets, note = load_leg(pack=folder, builtin=builtin)
    assert assets.model == BUILTIN and assets.meshes
    assert note is not None
    assert f"cannot be used: in {folder / 'manifest.json'}, {why}" in note
    assert "get it again with File > Get realistic anatomy" in note


@pytest.mark.parametrize("missing", ["manifest.json", "leg.glb"])
def test_a_pack_missing_a_file_is_installed_but_damaged_and_says_which(
    tmp_path: Path, builtin: Any, missing: str
) -> None:
    folder = _pack(tmp_path)
    (folder / missing).unlink()
    assert pack_installed(folder)
    assets, note = load_leg(pack=folder, builtin=builtin)
    assert assets.model == BUILTIN
    assert note is not None and missing in note and "cannot be used" in note
    assert "unchecked" not in note  # (the built-in leg's meshes load unchecked; a pack's not)


def test_a_folder_that_cannot_be_searched_counts_as_installed(
    tmp_path: Path, builtin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _pack(tmp_path)

    def denied(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    with monkeypatch.context() as m:
        m.setattr(Path, "is_file", denied)
        assert pack_installed(folder)  # (it raised: the window did not open)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions are not enforced for root")
def test_an_unreadable_pack_folder_falls_back_and_says_why(tmp_path: Path, builtin: Any) -> None:
    folder = _pack(tmp_path)
    folder.chmod(0)
    try:
        assets, note = load_leg(pack=folder, builtin=builtin)
    finally:
        folder.chmod(0o755)
    assert assets.model == BUILTIN
    assert note is not None and "Permission denied" in note


@pytest.mark.parametrize(
    "header",
    [[], {"tracks": 5}, {"tracks": [], "full_ids": 3}, {"tracks": [], "full_ids": None}],
)
def test_a_binding_with_an_edited_header_is_made_again(tmp_path: Path, header: Any) -> None:
    """The binding is a cache: an edited one is not used (None: the poser binds again)."""
    path = tmp_path / "binding.npz"
    if isinstance(header, dict):
        header = {"key": "k", "format": FORMAT, **header}
    np.savez(path, header=np.array(json.dumps(header)))
    assert load_binding(path, "k", {}) is None


def test_a_pack_folder_that_cannot_exist_means_the_built_in_leg(
    tmp_path: Path, builtin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CALFEXPLORER_ANATOMY_DIR under a file: the window, render and check-geometry stopped
    with 'Not a directory' (looking for the pack made its folder)."""
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(blocker / "sub"))
    assert not pack_installed()
    assets, _note = load_leg(builtin=builtin)
    assert assets.model == BUILTIN


def test_the_leg_keeps_of_the_pack_manifest_the_routes_its_poser_reads(
    tmp_path: Path, builtin: Any
) -> None:
    """Once the pack is laid over the built-in leg, its manifest is read again only for the
    routes of the kept tubes (the poser reads the rest from the file) and for who made it
    (the offer to build an earlier version's pack again): the leg keeps those alone, and of
    each route only its layout and its easing as drawn (zeros: this one is not drawn routed,
    made for no built-in mesh), not ~0.6 MiB of Python objects idle (BodyParts3D leg)."""
    route = {"stations": 3, "ring": 8, "offsets_m": [[0.001, 0.0, 0.0]] * 3,
             "eased_m": [[0.0, 0.001, 0.0]] * 3, "builtin_sha256": "0" * 64}
    folder = _pack(tmp_path, lambda m: m.update(
        routes={"sural_nerve": route, "unreadable": {"stations": 3}}))
    assets, note = load_leg(pack=folder, builtin=builtin)
    assert note is None and assets.pack is not None
    kept = assets.pack.manifest
    assert set(kept) == {"routes", "generator"}
    assert kept["generator"] == {"name": "calfexplorer get-anatomy", "version": PACK_VERSION}
    assert set(kept["routes"]) == {"sural_nerve"}
    assert (kept["routes"]["sural_nerve"]["stations"], kept["routes"]["sural_nerve"]["ring"]) \
        == (3, 8)
    assert set(kept["routes"]["sural_nerve"]) == {"stations", "ring", "eased_m"}
    assert not kept["routes"]["sural_nerve"]["eased_m"].any()

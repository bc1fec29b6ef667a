"""Write built meshes to ``assets/meshes/``: one glTF binary, a manifest and a licence notice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from calfexplorer.assets.gltf import write_glb
from calfexplorer.assets.manifest import (
    FRAME,
    GENERATOR_VERSION,
    GLB,
    MANIFEST,
    NOTICE,
    input_hashes,
    mesh_checksum,
)
from calfexplorer.output_files import replaced_when_written

NOTICE_TEXT = """# Attribution and licences of the meshes in this folder

The bone surfaces and the muscle paths these meshes are built from come from the MyoLeg model in
the Python package `myo-sim` ({version}), by the MyoSuite authors, distributed under the Apache
License 2.0 (https://github.com/MyoHub/myo_sim). The meshes here are a derived work: the bones are
remeshed and smoothed, the muscles are solids swept around the model's muscle paths.

MyoLeg is derived from the full-body gait model of Rajagopal A, Dembia CL, DeMers MS, Delp DD,
Hicks JL, Delp SL. "Full-body musculoskeletal model for muscle-driven simulation of human gait."
IEEE Transactions on Biomedical Engineering 63(10):2068-2079, 2016 (doi:10.1109/TBME.2016.2586891),
distributed through SimTK (https://simtk.org/projects/full_body) under its own terms of use;
please cite that paper when you use these meshes, and see the SimTK project page for its licence.

Structures the model lacks (plantaris, popliteus, fibularis tertius, the foot's own muscles,
nerves, arteries and veins, ligaments, retinacula and fascial sheets) are authored by the
CalfExplorer project (data/geometry/, Apache-2.0) as approximate paths for teaching, not for
measurement; the region volumes and the crural fascia are envelopes built around the meshes.
"""


def write_assets(
    folder: Path,
    built: list[Any],
    inputs: dict[str, str],
    source: dict[str, str],
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Write the .glb, manifest.json and NOTICE.md; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    meshes, extras, entries = {}, {}, {}
    for b in built:
        m = b.mesh
        meshes[b.id] = (m.vertices, m.faces, m.normals, m.belly)
        extras[b.id] = {"kind": b.kind, "layer": b.layer, "body": b.body, **b.meta}
        entries[b.id] = {
            "kind": b.kind,
            "layer": b.layer,
            "body": b.body,
            "triangles": m.n_triangles,
            "vertices": int(len(m.vertices)),
            "sha256": mesh_checksum(m.vertices, m.faces, m.normals, m.belly),
        }
    # Each file through a scratch file that replaces it whole: a full disk or a kill while
    # writing left a half-written leg.glb in place of the working one.
    with replaced_when_written(folder / GLB) as scratch:
        write_glb(scratch, meshes, extras, {"frame": FRAME})
    manifest = {
        "format": "glTF 2.0 binary (.glb): one mesh per structure, named by structure id",
        "file": GLB,
        "source": source,
        "generator": {"name": "calfexplorer", "version": GENERATOR_VERSION},
        "frame": FRAME,
        "inputs": inputs,
        "notice": NOTICE,
        "total_triangles": sum(e["triangles"] for e in entries.values()),
        "meshes": entries,
    }
    for name, text in ((MANIFEST, json.dumps(manifest, indent=1, sort_keys=False) + "\n"),
                       (NOTICE, NOTICE_TEXT.format(version=source.get("version", "?")))):
        with replaced_when_written(folder / name) as scratch:
            scratch.write_text(text)
    if say:
        say(f"wrote {len(entries)} meshes, {manifest['total_triangles']} triangles to {folder}")
    return manifest


def current_inputs() -> dict[str, str]:
    """Input hashes of the build as the tree stands now (for the staleness check)."""
    from calfexplorer.geometry.params import geometry_dir
    from calfexplorer.geometry.source import source_info

    info = source_info()
    extra = {"myo-sim": info["version"]}
    try:
        from calfexplorer.geometry.sites import sites_fingerprint

        extra["atlas-sites"] = sites_fingerprint()
    except ImportError:
        pass
    from calfexplorer.atlas.files import yaml_files_in

    return input_hashes(yaml_files_in(geometry_dir()), extra)

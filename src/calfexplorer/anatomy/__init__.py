"""The BodyParts3D anatomy pack: download, element selection, limb check, registration onto
MyoLeg and the pack on disk. No Qt, no VTK.

>>> from calfexplorer.anatomy.pack import build_from
>>> report = build_from(Path("isa_BP3D_4.0_obj_99.zip"), anatomy_pack_dir())
"""

import mujoco

from calfexplorer.biomech import loader


def test_second_load_reads_the_cache_and_a_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    compiled = []
    real_compile = loader.compile_model

    def counting_compile(*args):
        compiled.append(1)
        return real_compile(*args)

    monkeypatch.setattr(loader, "compile_model", counting_compile)
    first = loader.load_model(tmp_path)
    path = loader.cache_path(tmp_path)
    assert path.is_file() and len(compiled) == 1
    versions = loader.source_versions()
    assert versions["myo-sim"] in path.name and versions["mujoco"] in path.name

    second = loader.load_model(tmp_path)
    assert len(compiled) == 1  # no recompilation
    assert (second.nq, second.nu, second.ntendon) == (first.nq, first.nu, first.ntendon)

    path.write_bytes(b"not a mujoco model")
    third = loader.load_model(tmp_path)
    assert len(compiled) == 2
    assert third.nu == first.nu
    assert mujoco.MjModel.from_binary_path(str(path)).nu == first.nu  # rewritten, valid


def test_the_posing_model_leaves_out_meshes_and_poses_as_the_full_one(tmp_path):
    """The window keeps the posing model for as long as it runs: with MyoLeg's bone meshes,
    their collision trees and textures it held ~29 MiB more, read by nothing that poses."""
    import numpy as np

    from calfexplorer.biomech.model import LegModel
    from calfexplorer.biomech.pose import Pose

    lite = loader.load_model(tmp_path)
    assert (lite.nmesh, lite.ntex) == (0, 0)
    full = loader.load_model(tmp_path, visual=True)
    assert full.nmesh > 0 and loader.cache_path(tmp_path, visual=True).is_file()
    assert lite.nbvh < full.nbvh / 100  # (the meshes' collision trees)
    np.testing.assert_array_equal(lite.body_mass, full.body_mass)
    posing, reference = LegModel(lite), LegModel(full)
    for knee, ankle, subtalar in ((0, 0, 0), (90, -40, 10), (120, 30, -20)):
        pose = Pose.from_degrees(knee=knee, ankle=ankle, subtalar=subtalar, toes=20)
        a, b = posing.evaluate(pose, arc_points=4), reference.evaluate(pose, arc_points=4)
        for name, muscle in b.muscles.items():
            assert a.muscles[name].moment_arms == muscle.moment_arms
            np.testing.assert_array_equal(a.muscles[name].points, muscle.points)
        for body, tf in b.bodies.items():
            np.testing.assert_array_equal(a.bodies[body], tf)


def test_compiling_prints_no_mujoco_warning(capfd, recwarn):
    loader.compile_model()
    out, err = capfd.readouterr()
    assert "empty prefix" not in out + err
    assert not [w for w in recwarn if "empty prefix" in str(w.message)]


def test_compiling_writes_no_mujoco_log_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    loader.compile_model()
    assert not (tmp_path / "MUJOCO_LOG.TXT").exists()


def test_a_damaged_cache_is_one_warning_line_of_ours(tmp_path, capfd, caplog):
    """MuJoCo's own 'WARNING: Model file has an incomplete header' and a blank line came
    before our line saying that the cache is rebuilt."""
    loader.load_model(tmp_path)
    loader.cache_path(tmp_path).write_bytes(b"not a mujoco model")
    capfd.readouterr()
    loader.load_model(tmp_path)
    out, err = capfd.readouterr()
    assert "incomplete header" not in out + err and not (out + err).strip()
    assert [r.getMessage().split(" unreadable")[0] for r in caplog.records] == [
        f"compiled model cache {loader.cache_path(tmp_path)}"
    ]

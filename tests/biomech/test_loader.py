import mujoco

from calfexplorer.biomech import loader


def test_second_load_reads_the_cache_and_a_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    compiled = []
    real_compile = loader.compile_model

    def counting_compile():
        compiled.append(1)
        return real_compile()

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

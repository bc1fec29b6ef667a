"""The validated-atlas cache: used when current, rebuilt when stale, ignored when damaged."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from calfexplorer.atlas import cache, load_atlas, loader
from calfexplorer.atlas.export import atlas_facts
from calfexplorer.paths import data_dir

from .data_folder import DataFolder, muscle


@pytest.fixture
def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / cache.CACHE_NAME


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Counts full validations (the folders validated, in order)."""
    seen: list[Path] = []
    real = loader.validate_folder

    def counting(path=None):  # noqa: ANN001, ANN202 - same signature as the real one
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(loader, "validate_folder", counting)
    return seen


def _records(atlas) -> tuple[dict, dict, dict]:  # noqa: ANN001
    return dict(atlas.structures), dict(atlas.joints), dict(atlas.references)


def test_a_clean_folder_is_stored_and_then_served_from_the_cache(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    first, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and cache_file.is_file() and len(validations) == 1
    second, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and len(validations) == 1  # no second validation
    assert _records(second) == _records(first)
    assert second.get("soleus").innervation.nerves == ["tibial_nerve"]
    assert [s.id for s in second.attachments_of("soleus")] == [
        s.id for s in first.attachments_of("soleus")
    ]


def test_an_edited_file_makes_the_cache_stale(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    plantaris = muscle(mid="plantaris", name="Plantaris")
    data.write("structures/muscles.yaml", "structures:\n" + plantaris)
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and len(validations) == 2
    assert "plantaris" in atlas and "soleus" not in atlas
    cache.load_cached(data.path, cache_file)
    assert len(validations) == 2  # the rebuilt cache serves the edited folder


def test_a_new_file_makes_the_cache_stale(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    data.write("structures/more.yaml", "structures:\n" + muscle(mid="plantaris", name="Plantaris"))
    atlas, _ = cache.load_cached(data.path, cache_file)
    assert len(validations) == 2 and "plantaris" in atlas


def test_malformed_yaml_after_caching_still_gets_the_validators_message(
    data: DataFolder, cache_file: Path
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    stored = cache_file.read_bytes()
    data.write("structures/muscles.yaml", "structures:\n  - id: x\n   kind: bone\n")
    _, problems = cache.load_cached(data.path, cache_file)
    assert [str(p) for p in problems] == [
        "structures/muscles.yaml, line 3: malformed YAML at column 4: while parsing a block "
        "collection: did not find expected '-' indicator"
    ]
    assert cache_file.read_bytes() == stored  # a load with problems is never stored
    _, problems = cache.load_cached(data.path, cache_file)
    assert len(problems) == 1  # and the problem is reported again on the next start


def test_a_folder_with_problems_is_not_stored(data: DataFolder, cache_file: Path) -> None:
    cache_file.parent.mkdir()
    data.write("structures/more.yaml", "structures:\n  - id: bad\n    kind: organ\n")
    _, problems = cache.load_cached(data.path, cache_file)
    assert problems and not cache_file.exists()


def _stored(cache_file: Path) -> dict:
    return json.loads(cache_file.read_text(encoding="utf-8"))


def _soleus_changed(data: DataFolder, cache_file: Path, change) -> bytes:  # noqa: ANN001
    """A current cache file whose soleus record ``change`` has altered, as bytes."""
    cache.load_cached(data.path, cache_file)
    stored = _stored(cache_file)
    change(stored["structures"]["soleus"])
    return json.dumps(stored).encode()


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"not json at all",
        b"\xff\xfe not text",
        b"[" * 100_000,  # deeper than the JSON parser goes
        json.dumps(["key", "not", "the", "layout"]).encode(),
        json.dumps({"key": "00" * 20, "structures": {}, "joints": {}, "references": {}}).encode(),
    ],
    ids=["empty", "garbage", "not-utf8", "too-deep", "wrong-layout", "wrong-key"],
)
def test_a_corrupt_cache_is_ignored_and_replaced(
    data: DataFolder, cache_file: Path, validations: list[Path], blob: bytes
) -> None:
    cache_file.parent.mkdir()
    cache_file.write_bytes(blob)
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and "soleus" in atlas and len(validations) == 1
    cache.load_cached(data.path, cache_file)
    assert len(validations) == 1  # the damaged file was replaced by a good one


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(name=["not", "text"]),
        lambda s: s.update(region="arm"),  # not one of the Literal's values
        lambda s: s.update(kind="organ"),
        lambda s: s.update(colour="red"),  # an unknown field
        lambda s: s.pop("innervation"),  # a required field
        lambda s: s.update(origins={"site": "x"}),  # a mapping where a list belongs
        lambda s: s["origins"].append("tibia"),  # text where a record belongs
        lambda s: s["innervation"].update(refs=None),  # null where it is not allowed
    ],
    ids=["text", "literal", "kind", "unknown", "missing", "list", "record", "null"],
)
def test_a_cache_of_the_wrong_shape_is_validated_again(
    data: DataFolder, cache_file: Path, validations: list[Path], change
) -> None:  # noqa: ANN001
    cache_file.parent.mkdir()
    cache_file.write_bytes(_soleus_changed(data, cache_file, change))
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and len(validations) == 2
    assert atlas.get("soleus").region == "leg" and atlas.get("soleus").innervation.refs == ["book"]


def test_the_cache_gives_the_same_records_as_a_full_validation(tmp_path: Path) -> None:
    """The real data folder through the cache: same records, same given fields, same export."""
    cache_file = tmp_path / cache.CACHE_NAME
    validated, problems = cache.load_cached(data_dir(), cache_file)
    assert problems == [] and cache_file.is_file()
    served = cache.read(cache_file, cache.cache_key(data_dir()))
    assert served is not None
    cached, _ = served
    assert _records(cached) == _records(validated)
    for sid, record in validated.structures.items():
        assert cached.get(sid).model_fields_set == record.model_fields_set
        assert type(cached.get(sid)) is type(record)
        assert list(vars(cached.get(sid))) == list(vars(record))  # defaults filled in, in order
    assert atlas_facts(cached) == atlas_facts(validated)


def _planted_pickle(marker: Path) -> bytes:
    """The pickle of issue #13: ``os.mkdir(marker)`` reached through ``calfexplorer.atlas.cache``.

    A restricted unpickler that trusted every name under ``calfexplorer.atlas.`` ran it.
    """

    def text(value: str) -> bytes:  # BINUNICODE
        raw = value.encode()
        return b"X" + len(raw).to_bytes(4, "little") + raw

    return (
        b"\x80\x04"  # protocol 4
        + text("calfexplorer.atlas.cache")
        + text("os.mkdir")
        + b"\x93"  # STACK_GLOBAL
        + text(str(marker))
        + b"\x85"  # TUPLE1
        + b"R"  # REDUCE: os.mkdir(marker)
        + b"."
    )


def test_a_planted_cache_file_runs_no_code(
    data: DataFolder, cache_file: Path, validations: list[Path], tmp_path: Path
) -> None:
    cache_file.parent.mkdir()
    marker = tmp_path / "code-ran"
    pickle.loads(_planted_pickle(tmp_path / "plain-pickle"))  # noqa: S301 - the payload is live
    assert (tmp_path / "plain-pickle").is_dir()
    cache_file.write_bytes(_planted_pickle(marker))
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert not marker.exists()
    assert problems == [] and "soleus" in atlas and len(validations) == 1  # validated in full


def test_the_old_pickle_cache_is_never_read_and_is_removed(
    data: DataFolder, cache_file: Path, tmp_path: Path
) -> None:
    cache_file.parent.mkdir()
    old = cache_file.with_name("atlas.pickle")
    marker = tmp_path / "code-ran"
    old.write_bytes(_planted_pickle(marker))
    cache.load_cached(data.path, cache_file)
    assert not marker.exists() and not old.exists() and cache_file.is_file()


def test_a_truncated_cache_is_ignored(
    data: DataFolder, cache_file: Path, validations: list[Path]
) -> None:
    cache_file.parent.mkdir()
    cache.load_cached(data.path, cache_file)
    cache_file.write_bytes(cache_file.read_bytes()[:1000])
    atlas, problems = cache.load_cached(data.path, cache_file)
    assert problems == [] and "soleus" in atlas and len(validations) == 2


def test_an_unwritable_cache_folder_still_loads(data: DataFolder, tmp_path: Path) -> None:
    atlas, problems = cache.load_cached(data.path, tmp_path / "missing" / cache.CACHE_NAME)
    assert problems == [] and "soleus" in atlas


def test_load_atlas_caches_only_the_apps_own_data_folder(
    data: DataFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALFEXPLORER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    load_atlas(data.path)  # some other folder: never cached
    assert not (tmp_path / "cache" / cache.CACHE_NAME).exists()

    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(data.path))
    _, problems = load_atlas()
    assert problems == [] and (tmp_path / "cache" / cache.CACHE_NAME).is_file()
    data.write("structures/broken.yaml", "structures:\n  - id: x\n   kind: bone\n")
    _, problems = load_atlas()
    assert [p.file for p in problems] == ["structures/broken.yaml"]


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    assert cache.default_cache_file() is None


def test_a_start_served_from_the_cache_imports_no_yaml(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys; from calfexplorer.atlas import load_atlas; atlas, problems = load_atlas();"
        "print(len(problems), 'soleus' in atlas, 'yaml' in sys.modules)"
    )
    env = dict(os.environ, CALFEXPLORER_CACHE_DIR=str(tmp_path))
    env.pop(cache.DISABLE_ENV, None)
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [r.stdout.split() for r in runs] == [["0", "True", "True"], ["0", "True", "False"]], [
        r.stderr for r in runs
    ]

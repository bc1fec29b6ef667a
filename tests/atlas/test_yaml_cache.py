"""The parsed-YAML cache (atlas/yaml_io.py): a damaged cache file is parsed again, at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_DAMAGED_LIST = """
import resource, sys
from pathlib import Path
from calfexplorer.atlas.yaml_io import _cache_file, load_yaml

text = "bones: [tibia]\\nname: soleus\\n"
first = load_yaml(text, "structures/x.yaml")
cache = _cache_file("structures/x.yaml")
blob = cache.read_bytes()
at = blob.index(b"[\\x01\\x00\\x00\\x00")  # the one-item list's length
cache.write_bytes(blob[:at + 4] + b"\\x78" + blob[at + 5:])  # one bit-rotten byte: 2 billion
# a machine without 16 GB to give a list that size (no swap to overcommit into)
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
print(load_yaml(text, "structures/x.yaml") == first)
"""


def test_a_damaged_cache_file_is_parsed_again_not_read(tmp_path: Path) -> None:
    # One damaged byte of a list's length in a cached file asked marshal for a list of 2
    # billion items: 7 s and 16 GB of address space, a MemoryError at start where the machine
    # has less (uncaught: the window could not open), and minutes with more damaged bytes.
    env = dict(os.environ, CALFEXPLORER_CACHE_DIR=str(tmp_path), PYTHONPATH=str(
        Path(__file__).parents[2] / "src"))
    env.pop("CALFEXPLORER_NO_YAML_CACHE", None)
    done = subprocess.run([sys.executable, "-c", _DAMAGED_LIST], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]

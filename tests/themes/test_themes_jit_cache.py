"""UMAP's compiled code is cached on disk, and the cached code gives the same layout as a fresh compilation."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from qualkit.themes.jit_cache import cache_umap_compilation

LAYOUT = textwrap.dedent("""
    import sys, warnings
    import numpy as np
    warnings.simplefilter("ignore")
    if sys.argv[1] == "cached":
        from qualkit.themes.jit_cache import cache_umap_compilation
        assert cache_umap_compilation() > 50
    from umap import UMAP
    x = np.random.default_rng(3).normal(size=(120, 16)).astype(np.float32)
    y = UMAP(n_neighbors=10, n_components=3, metric="cosine", random_state=7).fit_transform(x)
    np.save(sys.argv[2], y)
""")


def test_enables_the_disk_cache_once_per_process():
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher
    import umap.layouts

    cache_umap_compilation()
    jitted = [f for f in vars(umap.layouts).values() if isinstance(f, CPUDispatcher)]
    assert jitted and not any(isinstance(f._cache, NullCache) for f in jitted)
    assert cache_umap_compilation() == 0  # second call: nothing left to do


@pytest.mark.slow
def test_cached_compilation_gives_the_same_layout_as_a_fresh_one(tmp_path):
    out = {}
    for mode in ("plain", "cached", "cached"):  # the second "cached" run loads the compiled code from disk
        path = tmp_path / f"{mode}.npy"
        subprocess.run([sys.executable, "-c", LAYOUT, mode, str(path)], check=True, timeout=600)
        out.setdefault(mode, []).append(np.load(path))
    np.testing.assert_array_equal(out["plain"][0], out["cached"][0])
    np.testing.assert_array_equal(out["cached"][0], out["cached"][1])

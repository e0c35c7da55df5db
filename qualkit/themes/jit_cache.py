"""Keep UMAP's compiled code between runs.

UMAP and its nearest-neighbour library pynndescent compile a few hundred numba functions the first time they
run in a process (20-90 s on two cores); UMAP asks numba to cache none of them and pynndescent only some, so
every `qualkit run` paid that again. Switching numba's
on-disk cache on for them makes the compilation a one-off per installation (numba keeps the cache beside the
package, or in its user-wide cache directory when that is read-only, and recompiles when UMAP or numba change).
The compiled code is the same code, so the results are identical (test).
"""
from __future__ import annotations

import importlib

UMAP_MODULES = ("umap.distances", "umap.sparse", "umap.utils", "umap.layouts", "umap.spectral", "umap.umap_",
                # its nearest-neighbour search (NN-descent; UMAP uses it from 4,096 points, and always here)
                "pynndescent.distances", "pynndescent.utils", "pynndescent.rp_trees", "pynndescent.search_graph",
                "pynndescent.sparse", "pynndescent.sparse_nndescent", "pynndescent.threaded_rp_trees",
                "pynndescent.pynndescent_")
_done = False


def cache_umap_compilation() -> int:
    """Enable numba's on-disk cache for UMAP's jitted functions (once per process); returns how many."""
    global _done
    if _done:
        return 0
    _done = True
    try:
        from numba.core.caching import NullCache
        from numba.core.registry import CPUDispatcher
    except ImportError:  # pragma: no cover - numba comes with UMAP
        return 0
    count = 0
    for name in UMAP_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for obj in vars(module).values():
            if isinstance(obj, CPUDispatcher) and obj.__module__ == name and isinstance(obj._cache, NullCache):
                try:
                    obj.enable_caching()
                except RuntimeError:  # no writable cache location: compile as before
                    return count
                count += 1
    return count

"""Keep UMAP's compiled code between runs.

UMAP compiles about a hundred numba functions the first time it runs in a process (20-30 s on two cores) and
asks numba to cache none of them, so every `qualkit run` paid that again. Switching numba's on-disk cache on for
them makes the compilation a one-off per installation (numba keeps the cache beside the package, or in its
user-wide cache directory when that is read-only, and recompiles when UMAP or numba change). The compiled code
is the same code, so the results are identical (test). pynndescent's nearest-neighbour search is not covered:
its compiled code cannot be cached (it takes functions as arguments), and qualkit hands UMAP exact neighbours
instead (knn.py).
"""
from __future__ import annotations

import importlib

UMAP_MODULES = ("umap.distances", "umap.sparse", "umap.utils", "umap.layouts", "umap.spectral", "umap.umap_")
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

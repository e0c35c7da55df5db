"""Which int8 kernel family ONNX Runtime will run on this CPU, as far as it changes the fast encoder's numbers.

ONNX Runtime's MLAS picks its u8 x s8 matrix-product kernel from CPUID when the library loads (no option or
environment variable overrides it: onnxruntime/core/mlas/lib/platform.cpp). What matters for the vectors is
whether that kernel sums int8 products exactly:
- AVX2 and AVX-512 without VNNI multiply with vpmaddubsw, which adds each pair of u8 x s8 products into a
  *saturating* int16. With 8-bit weights a pair can reach 255 x 127 x 2 = 64,770 > 32,767, so sums are clipped
  and the vectors drift (on an AVX2 EPYC: cosine 0.985 to the reference, 17 of 1,715 texts below 0.99).
- AVX-512 VNNI, AVX-VNNI (vpdpbusd), AMX (tdpbusd) and ARM64 (sdot/udot, or widening multiplies) accumulate in
  int32 without an int16 step: exact for any int8 weights.
With weights limited to [-64, 64] ("reduced range") a pair is at most 255 x 64 x 2 = 32,640, so every kernel is
exact and gives the same int32 sums.
"""
from __future__ import annotations

import platform
from functools import lru_cache
from pathlib import Path

EXACT_INT8 = ("amx", "avx512vnni", "avxvnni", "arm64")  # kernels that never saturate with 8-bit weights


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU feature flags the kernel reports (Linux /proc/cpuinfo 'flags' or ARM 'Features'); empty elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def instruction_set(flags: frozenset[str] | None = None, machine: str | None = None) -> str:
    """The int8 kernel family: amx, avx512vnni, avxvnni, avx512, avx2, x86 (unknown features), arm64, or the
    machine name. `flags` and `machine` default to this machine's (parameters for tests)."""
    machine = (machine if machine is not None else platform.machine()).lower()
    if machine in ("arm64", "aarch64"):
        return "arm64"
    if machine not in ("x86_64", "amd64", "i386", "i686", "x86"):
        return machine or "unknown"
    f = cpu_flags() if flags is None else flags
    for name, flag in (("amx", "amx_int8"), ("avx512vnni", "avx512_vnni"), ("avxvnni", "avx_vnni"),
                       ("avx512", "avx512bw"), ("avx2", "avx2")):
        if flag in f:
            return name
    return "x86"  # features unknown (no /proc/cpuinfo): treated as a saturating kernel, the safe side


def relevant_flags(flags: frozenset[str] | None = None) -> list[str]:
    """The flags that decide the kernel, for benchmark output and error messages."""
    f = cpu_flags() if flags is None else flags
    keep = ("avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "i8mm")
    return sorted(x for x in f if x in keep)

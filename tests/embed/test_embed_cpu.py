"""Which int8 recipe a CPU gets: exact kernels keep signed weights, saturating (or unknown) ones the u8 x u8 path."""
from __future__ import annotations

import pytest

from qualkit.embed.cpu import EXACT_INT8, instruction_set, relevant_flags
from qualkit.embed.onnx_export import candidate_recipes


@pytest.mark.parametrize("flags, machine, isa", [
    ({"avx2", "fma"}, "x86_64", "avx2"),  # the AMD EPYC of issue 16: vpmaddubsw saturates
    ({"avx2", "avx512f", "avx512bw"}, "x86_64", "avx512"),  # Skylake-X: saturates too
    ({"avx2", "avx512f", "avx512bw", "avx512_vnni"}, "x86_64", "avx512vnni"),
    ({"avx2", "avx_vnni"}, "x86_64", "avxvnni"),
    ({"avx2", "avx512bw", "avx512_vnni", "amx_int8"}, "x86_64", "amx"),
    (set(), "AMD64", "x86"),  # Windows: no /proc/cpuinfo, features unknown
    ({"asimd", "asimddp"}, "aarch64", "arm64"),
    (set(), "arm64", "arm64"),  # Apple silicon
])
def test_instruction_set(flags, machine, isa):
    assert instruction_set(frozenset(flags), machine) == isa


@pytest.mark.parametrize("isa, recipe", [("avx2", "int8-u8"), ("avx512", "int8-u8"), ("x86", "int8-u8"),
                                         ("avx512vnni", "int8-s8"), ("amx", "int8-s8"), ("arm64", "int8-s8"),
                                         ("riscv64", "int8-u8")])
def test_signed_weights_only_where_the_kernel_sums_exactly(isa, recipe):
    assert candidate_recipes(isa) == [recipe]
    assert (isa in EXACT_INT8) == (recipe == "int8-s8")


def test_relevant_flags_keep_only_what_decides_the_kernel():
    assert relevant_flags(frozenset({"avx2", "sse2", "avx512_vnni", "fpu"})) == ["avx2", "avx512_vnni"]

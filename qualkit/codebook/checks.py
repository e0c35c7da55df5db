"""Advisory checks on a valid codebook: things that weaken suggestions but do not stop loading."""
from __future__ import annotations

from .model import Codebook

MIN_EXAMPLES = 2


def warnings(codebook: Codebook) -> list[str]:
    """One message per weakness, as `<code name>: message`, in codebook order.

    Reports codes with an empty definition, and codes with no or fewer than MIN_EXAMPLES examples.
    Codes that have children (themes that group other codes) are not asked for examples: segments are
    coded with their children. An empty list means nothing to improve.
    """
    parents = {c.parent for c in codebook.codes if c.parent}
    out = []
    for code in codebook.codes:
        if not code.definition.strip():
            out.append(f"{code.name}: empty definition; suggestions match segments against the definition, so "
                       f"write a sentence or two on what this code means")
        if code.name in parents:
            continue
        n = len(code.examples)
        if n == 0:
            out.append(f"{code.name}: no examples; add at least {MIN_EXAMPLES} short quotes that should get this "
                       f"code")
        elif n < MIN_EXAMPLES:
            out.append(f"{code.name}: only 1 example; add at least {MIN_EXAMPLES - n} more short quote so "
                       f"suggestions do not hinge on one phrasing")
    return out

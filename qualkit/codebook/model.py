"""Code and Codebook: the researcher's codebook as plain data."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..ids import text_hash


@dataclass(frozen=True)
class Code:
    """One code. Only `name` and `definition` are required; `parent` names another code (hierarchy by name)."""

    name: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    parent: str | None = None
    color: str | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("examples", "counterexamples", "keywords"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Code":
        d = dict(d)
        for k in ("examples", "counterexamples", "keywords"):
            d[k] = tuple(d.get(k) or ())
        return cls(**d)


@dataclass(frozen=True)
class Codebook:
    """An ordered set of codes with unique names."""

    name: str
    codes: tuple[Code, ...]
    version: str = "1"
    source_path: str | None = field(default=None, compare=False)

    def __post_init__(self):
        by_name = {c.name: c for c in self.codes}
        if len(by_name) != len(self.codes):
            raise ValueError("codebook has duplicate code names")
        # Lookups by name and parent are dict reads: a 5,000-code codebook must not cost a scan per lookup.
        children: dict[str | None, list[Code]] = {}
        for c in self.codes:
            children.setdefault(c.parent, []).append(c)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_children", children)

    def __getitem__(self, name: str) -> Code:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.codes]

    def children(self, name: str | None) -> list[Code]:
        """Codes whose parent is `name` (None: the top level)."""
        return list(self._children.get(name, ()))

    def root_of(self, name: str) -> str:
        """The top-level ancestor of a code (its theme)."""
        code = self[name]
        seen = {code.name}
        while code.parent and code.parent in self and code.parent not in seen:
            code = self[code.parent]
            seen.add(code.name)
        return code.name

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "codes": [c.to_dict() for c in self.codes]}

    @classmethod
    def from_dict(cls, d: dict, source_path: str | None = None) -> "Codebook":
        return cls(name=d["name"], version=str(d.get("version", "1")),
                   codes=tuple(Code.from_dict(c) for c in d["codes"]), source_path=source_path)

    @property
    def hash(self) -> str:
        """Content hash: the codebook version recorded with every run."""
        return text_hash(json.dumps(self.to_dict(), sort_keys=True))[:16]

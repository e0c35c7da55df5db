"""AI-assistance disclosure: how much of the coding began as machine suggestions, who accepted it, with what.

A methods section must say this (the project's own transparency requirement); the paragraph is generated
from the same numbers it reports, so the two cannot drift apart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ..snapshot import Snapshot


@dataclass(frozen=True)
class RunInfo:
    id: str
    kind: str
    model: str
    model_version: str
    codebook_hash: str
    seed: int | None
    started_at: str
    backend: str = "embedding"  # embedding | llm
    endpoint: str = ""  # llm: the server's URL
    institution_server: bool = False  # llm: the researcher declared the URL their institution's own server


@dataclass(frozen=True)
class AIDisclosure:
    n_codings: int
    n_ai: int  # codings that began as AI suggestions and were accepted by a person
    n_human: int
    n_import: int
    accepted_by: tuple[tuple[str, int], ...]  # (coder, AI codings accepted), most first
    suggestions_accepted: int  # final verdicts on suggestions in the decision log
    suggestions_rejected: int
    runs: tuple[RunInfo, ...]  # suggest and theme runs recorded in the project
    paragraph: str

    @property
    def pct_ai(self) -> float | None:
        return 100.0 * self.n_ai / self.n_codings if self.n_codings else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["accepted_by"] = dict(self.accepted_by)
        d["pct_ai"] = self.pct_ai
        return d

    def to_frame(self):
        import pandas as pd

        rows = [("codings", self.n_codings), ("from AI suggestions (accepted)", self.n_ai),
                ("applied by hand", self.n_human), ("imported", self.n_import),
                ("suggestions accepted", self.suggestions_accepted),
                ("suggestions rejected", self.suggestions_rejected)]
        rows += [(f"AI codings accepted by {c}", n) for c, n in self.accepted_by]
        return pd.DataFrame(rows, columns=["measure", "value"])


def _model_label(r: RunInfo) -> str:
    model = r.model or "an unnamed model"
    return f"{model} (version {r.model_version})" if r.model_version else model


def _llm_label(r: RunInfo) -> str:
    model = r.model[4:] if r.model.startswith("llm:") else r.model
    digest = f", digest {r.model_version}" if r.model_version else ""
    return f"{model} ({r.endpoint}{digest})"


def _run_info(r) -> RunInfo:
    llm = r.params.get("llm") if r.params.get("backend") == "llm" else None
    return RunInfo(r.id, r.kind, r.model, r.model_version, r.codebook_hash, r.seed, r.started_at,
                   backend="llm" if llm else "embedding", endpoint=str((llm or {}).get("url", "")),
                   institution_server=bool((llm or {}).get("institution_server", False)))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def ai_disclosure(snapshot: Snapshot) -> AIDisclosure:
    """Counts of AI-originated codings (Coding.origin == "ai") by accepting coder, suggestion verdicts from the
    decision log (latest verdict per coder, span and code), the recorded runs, and a methods paragraph."""
    origins = Counter(c.origin for c in snapshot.codings)
    n = len(snapshot.codings)
    n_ai = origins.get("ai", 0)
    by = Counter(c.coder for c in snapshot.codings if c.origin == "ai")
    accepted_by = tuple(sorted(by.items(), key=lambda kv: (-kv[1], kv[0])))
    latest = {}
    for d in snapshot.decisions:
        if d.suggestion_id and d.verdict in ("accept", "reject"):
            latest[(d.coder, d.transcript_id, d.char_start, d.char_end, d.code)] = d.verdict
    n_acc = sum(1 for v in latest.values() if v == "accept")
    n_rej = sum(1 for v in latest.values() if v == "reject")
    runs = tuple(_run_info(r) for r in snapshot.runs)

    parts = []
    if n == 0:
        parts.append("No codings have been recorded in this project.")
    elif n_ai == 0:
        parts.append(f"All {n} codings in this analysis were applied by researchers"
                     + (f" ({origins.get('import', 0)} imported from other software)" if origins.get("import") else "")
                     + "; none began as an AI suggestion.")
    else:
        who = _join([f"{c} ({k})" for c, k in accepted_by])
        parts.append(f"Of the {n} codings in this analysis, {n_ai} ({100.0 * n_ai / n:.1f}%) began as code "
                     f"suggestions made by qualkit and were each reviewed and accepted by a researcher ({who}); "
                     f"the remaining {n - n_ai} were applied by hand"
                     + (f" or imported ({origins.get('import', 0)} imported)" if origins.get("import") else "") + ".")
        if n_acc + n_rej:
            parts.append(f"Researchers accepted {n_acc} and rejected {n_rej} of the {n_acc + n_rej} suggestions "
                         f"they reviewed ({100.0 * n_acc / (n_acc + n_rej):.1f}% accepted).")
        parts.append("No suggestion became a code without a recorded human decision.")
    suggest = [r for r in runs if r.kind == "suggest"]
    if suggest:
        models = list(dict.fromkeys(_model_label(r) for r in suggest if r.backend != "llm"))
        llms = list(dict.fromkeys(_llm_label(r) for r in suggest if r.backend == "llm"))
        remote = [r for r in suggest if r.backend == "llm" and r.institution_server]
        seeds = sorted({r.seed for r in suggest if r.seed is not None})
        hashes = sorted({r.codebook_hash for r in suggest if r.codebook_hash})
        details = ([f"codebook version {_join(hashes)}"] if hashes else []) + \
                  ([f"seed {_join([str(x) for x in seeds])}"] if seeds else [])
        used = ([f"the embedding model {_join(models)}"] if models and llms else models) + \
               ([f"the language model {_join(llms)}"] if llms else [])
        where = ("running locally with no data leaving the machine" if not remote else
                 "with the language model served by the institution's own server, to which the segments were sent "
                 f"(declared by the researcher: {_join(list(dict.fromkeys(r.endpoint for r in remote)))}); "
                 "nothing was sent anywhere else")
        parts.append(f"Suggestions came from {len(suggest)} run{'s' if len(suggest) != 1 else ''} using "
                     f"{_join(used)}, {where}"
                     + (f" ({'; '.join(details)})" if details else "")
                     + f"; run identifier{'s' if len(suggest) != 1 else ''}: {_join([r.id for r in suggest])}.")
        if llms:
            parts.append("The language model judged each segment against the codebook's definitions and quoted its "
                         "evidence; quotes not found in the segment were marked unsupported and scored down.")
    elif n_ai:
        parts.append("The project holds no record of the run that produced the suggestions.")
    themes = [r for r in runs if r.kind == "themes"]
    if themes:
        parts.append(f"Candidate themes beyond the codebook were proposed by topic modelling "
                     f"({_join(list(dict.fromkeys(_model_label(r) for r in themes)))}); only themes a researcher "
                     f"promoted became codes.")
    named = [r for r in runs if r.kind == "theme-names"]
    if named:
        parts.append(f"Names and descriptions of candidate themes were drafted by the language model "
                     f"{_join(list(dict.fromkeys(_llm_label(r) for r in named)))} from each theme's quotes, beside "
                     "the keyword labels.")
    return AIDisclosure(n, n_ai, origins.get("human", 0), origins.get("import", 0), accepted_by, n_acc, n_rej,
                        runs, " ".join(parts))

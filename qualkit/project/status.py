"""Project status: what is in the project, for `qualkit status` and the app's header."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .project import Project


@dataclass
class Status:
    name: str
    database: str
    transcripts: int
    participants: int
    by_group: dict[str, int]
    segments: int
    participant_segments: int
    units: list[str]
    codebook: str | None
    codes: int
    codings_by_coder: dict[str, int] = field(default_factory=dict)
    decisions: int = 0
    suggestion_runs: int = 0
    suggestions: int = 0

    def lines(self) -> list[str]:
        groups = ", ".join(f"{g}: {n}" for g, n in sorted(self.by_group.items())) or "no group attribute"
        coders = ", ".join(f"{c}: {n}" for c, n in sorted(self.codings_by_coder.items())) or "none"
        return [
            f"project       {self.name}  ({self.database})",
            f"transcripts   {self.transcripts}",
            f"participants  {self.participants}  ({groups})",
            f"segments      {self.segments}  ({self.participant_segments} participant; unit: "
            f"{', '.join(self.units) or '-'})",
            f"codebook      {self.codebook or 'none'}  ({self.codes} codes)",
            f"codings       {sum(self.codings_by_coder.values())}  ({coders})",
            f"decisions     {self.decisions}",
            f"suggestions   {self.suggestions}  (latest of {self.suggestion_runs} run(s))",
        ]


def project_status(project: Project) -> Status:
    store = project.store
    counts = store.counts()
    transcripts = store.transcripts()
    participants = store.participants()
    pids = {t.participant_id or t.id for t in transcripts}
    by_group = Counter(participants.get(p, {}).get("group", "(no group)") for p in pids)
    codebook = store.codebook()
    codings = Counter(c.coder for c in store.codings())
    runs = store.runs("suggest")
    return Status(
        name=project.name, database=store.safe_url, transcripts=counts["transcripts"], participants=len(pids),
        by_group=dict(by_group) if participants else {}, segments=counts["segments"],
        participant_segments=counts["participant_segments"], units=sorted(store.segment_units()),
        codebook=f"{codebook.name} v{codebook.version}" if codebook else None,
        codes=len(codebook.codes) if codebook else 0, codings_by_coder=dict(codings),
        decisions=counts["decisions"], suggestion_runs=len(runs), suggestions=store.count_suggestions())

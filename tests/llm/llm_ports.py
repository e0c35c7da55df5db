"""Paths, the real model's alias and a free loopback port for the LLM tests (its own module: `conftest` names collide across test folders)."""
from __future__ import annotations

import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_transcripts"
CODEBOOK = ROOT / "codebooks" / "ai_in_medicine.yaml"
REAL_MODEL = "gemma-3-270m"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

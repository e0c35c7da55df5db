"""The README's Quick start is run by the tests: its main command (after the install step) on the sample study."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_first_command_installs_then_runs_the_main_job():
    install, run = quick_start()[0].split(" && ", 1)
    assert install.startswith("pip install torch==2.13.0")
    assert run.startswith("qualkit run sample_transcripts --codebook codebooks/ai_in_medicine.yaml")


@pytest.mark.slow
def test_main_job_on_the_sample_study(tmp_path):
    """The real pipeline (real model, real BERTopic/fallback) on the sample study, as the README runs it."""
    _, run = quick_start()[0].split(" && ", 1)
    args = shlex.split(run)
    args[args.index("--project") + 1] = str(tmp_path / "sample-project")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-m", "qualkit.cli", *args[1:]], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout
    assert "transcripts   12" in out and "(clinician: 6, developer: 6)" in out
    assert re.search(r"suggestions   [1-9]\d*", out)
    assert "theme " in out
    assert "Traceback" not in r.stderr
    # a re-run with nothing changed embeds nothing new and gives the same suggestions
    r2 = subprocess.run([sys.executable, "-m", "qualkit.cli", *args[1:]], cwd=ROOT, env=env, capture_output=True,
                        text=True, timeout=1800)
    assert r2.returncode == 0, r2.stderr[-3000:]
    assert "added 0, updated 0, unchanged 12; 0 new text(s) embedded" in r2.stdout
    assert "reused its suggestions" in r2.stdout and "reused its themes" in r2.stdout

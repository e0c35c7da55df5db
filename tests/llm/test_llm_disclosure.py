"""The AI-assistance disclosure names the language model, its endpoint, and whether that endpoint was this machine
or an institution's server the researcher declared."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.analysis import ai_disclosure  # noqa: E402
from qualkit.run import Run  # noqa: E402


def _llm_run(institution: bool, url: str) -> Run:
    return Run("run-llm-1", "suggest", "2026-03-04T00:00:00Z", model="llm:llama3.1:8b", model_version="sha256:abc",
               codebook_hash="cb1", seed=0,
               params={"backend": "llm", "llm": {"url": url, "model": "llama3.1:8b", "institution_server": institution,
                                                 "prompt_version": "qualkit-llm-code-v1", "temperature": 0.0}})


def test_a_local_language_model_is_named_with_its_endpoint():
    d = ai_disclosure(make_snapshot(runs=(_llm_run(False, "http://127.0.0.1:11434"),)))
    p = d.paragraph
    assert "using the language model llama3.1:8b (http://127.0.0.1:11434, digest sha256:abc), running locally " \
           "with no data leaving the machine" in p
    assert "quotes not found in the segment were marked unsupported" in p
    assert d.runs[0].backend == "llm" and not d.runs[0].institution_server


def test_an_institution_server_is_disclosed_as_such():
    d = ai_disclosure(make_snapshot(runs=(_llm_run(True, "https://llm.uni.example"),)))
    p = d.paragraph
    assert "no data leaving the machine" not in p
    assert "served by the institution's own server, to which the segments were sent (declared by the researcher: " \
           "https://llm.uni.example)" in p
    assert d.runs[0].institution_server and d.runs[0].endpoint == "https://llm.uni.example"


def test_theme_names_by_a_language_model_are_disclosed():
    named = Run("run-names", "theme-names", "2026-03-05T00:00:00Z", model="llm:qwen2.5-7b", model_version="",
                params={"backend": "llm", "llm": {"url": "http://127.0.0.1:8080", "institution_server": False}})
    p = ai_disclosure(make_snapshot(runs=(named,))).paragraph
    assert "drafted by the language model qwen2.5-7b (http://127.0.0.1:8080) from each theme's quotes" in p

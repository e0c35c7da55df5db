"""Finding transcript files in folders."""
from __future__ import annotations

import re

import pytest

from qualkit.errors import InputError
from qualkit.ingest import SUPPORTED_EXTENSIONS, iter_files


def test_supported_extensions():
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".docx", ".odt", ".pdf", ".vtt", ".srt", ".csv")


def test_folders_are_searched_recursively_sorted_and_filtered(tmp_path):
    for rel in ["b.txt", "a.DOCX", "sub/c.vtt", "sub/z.srt", "participants.csv", "sub/reference_codings.csv",
                ".hidden.txt", ".git/x.txt", "~$lock.docx", "notes.xyz", "image.png", "data.csv"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a.DOCX", "b.txt", "data.csv", "sub/c.vtt", "sub/z.srt"]


def test_explicit_files_keep_their_order_and_duplicates_go(tmp_path):
    (tmp_path / "b.md").write_text("x", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "participants.csv").write_text("id\n", encoding="utf-8")
    assert iter_files([tmp_path / "b.md", str(tmp_path / "a.txt"), tmp_path, tmp_path / "participants.csv"]) == [
        tmp_path / "b.md", tmp_path / "a.txt"]


def test_errors(tmp_path):
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'nope'}: does not exist")):
        iter_files([tmp_path / "nope"])
    (tmp_path / "notes.rtf").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'notes.rtf'}: unsupported file type '.rtf'; "
                                                   "supported: .txt, .md, .docx, .odt, .pdf, .vtt, .srt, .csv")):
        iter_files([tmp_path / "notes.rtf"])

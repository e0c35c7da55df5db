"""Open the DOCX and XLSX in LibreOffice (converted to PDF): proves real office software accepts the files."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.export import write_report  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_libreoffice_converts_to_pdf(tmp_path, suffix):
    src = write_report(make_snapshot(), tmp_path / f"report.{suffix}")
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs must not share one
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Human oversight" in text

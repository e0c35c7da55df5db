"""Open the DOCX and XLSX in LibreOffice (converted to PDF): proves real office software accepts the files.
LibreOffice or pdftotext missing fails the test naming what installs it, never skips it: CI installs both
(scripts/test.sh), so a skip would only hide that the test stopped running."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))
from snapshot_fixture import make_snapshot  # noqa: E402

from qualkit.export import write_report  # noqa: E402


def installed(what: str, names: tuple[str, ...], packages: str) -> str:
    """The first of `names` on PATH; none there fails the calling test naming the Debian packages to install."""
    for name in names:
        if found := shutil.which(name):
            return found
    pytest.fail(f"{what} is not installed: scripts/test.sh installs it (apt-get install -y {packages})",
                pytrace=False)


def test_a_missing_program_fails_naming_its_packages():
    with pytest.raises(pytest.fail.Exception, match=re.escape(
            "no-such-tool is not installed: scripts/test.sh installs it (apt-get install -y no-such-package)")):
        installed("no-such-tool", ("qualkit-no-such-program",), "no-such-package")


@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_libreoffice_converts_to_pdf(tmp_path, suffix):
    soffice = installed("LibreOffice (soffice)", ("soffice", "libreoffice"),
                        "libreoffice-writer-nogui libreoffice-calc-nogui")
    pdftotext = installed("pdftotext", ("pdftotext",), "poppler-utils")
    src = write_report(make_snapshot(), tmp_path / f"report.{suffix}")
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs must not share one
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Human oversight" in text

"""XLSX workbook (openpyxl via pandas): sheets codings, themes, group comparison, agreement, codebook.

Every string cell is neutralised against formula execution (see cells.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..snapshot import Snapshot
from .atomic import atomic_path
from .cells import neutralise_frame
from .data import ReportData, codebook_frame, codings_frame, collect
from .xml_text import xml_safe_frame


def workbook_frames(data: ReportData) -> dict[str, pd.DataFrame]:
    """Sheet name -> table (before neutralisation)."""
    snap = data.snapshot
    frames = {"codings": codings_frame(snap, data.themes.group_by), "themes": data.themes.to_frame()}
    frames["group comparison"] = data.groups.to_frame() if data.groups else pd.DataFrame({"note": [
        n for n in data.notes if n.startswith("No group comparison")]})
    if data.agreement:
        frames["agreement"] = data.agreement.to_frame()
        frames["disagreements"] = data.agreement.disagreements_frame()
    else:
        frames["agreement"] = pd.DataFrame({"note": [n for n in data.notes if n.startswith("No agreement")]})
    frames["codebook"] = codebook_frame(snap)
    frames["ai disclosure"] = pd.concat([data.disclosure.to_frame(),
                                         pd.DataFrame({"measure": ["methods paragraph"],
                                                       "value": [data.disclosure.paragraph]})], ignore_index=True)
    if data.published:
        frames["published"] = data.published.to_frame()
    return frames


def write_xlsx(snapshot: Snapshot, path, *, data: ReportData | None = None, **options):
    """Write the workbook atomically."""
    # neutralise before opening the writer: an error inside it would be masked by openpyxl refusing to close
    # an empty workbook
    tables = workbook_frames(data or collect(snapshot, **options))
    # Excel has no infinity (a Fisher odds ratio can be one): write it as text rather than a corrupt number
    frames = {name[:31]: neutralise_frame(xml_safe_frame(df.replace([np.inf, -np.inf], ["inf", "-inf"])))
              for name, df in tables.items()}
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, df in frames.items():
                df.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                sheet.freeze_panes = "A2"
                for col in sheet.columns:  # readable widths, capped so quote columns do not sprawl
                    width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
                    sheet.column_dimensions[col[0].column_letter].width = min(max(width, 8), 60) + 2
    return path

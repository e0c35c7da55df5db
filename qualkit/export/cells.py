"""Spreadsheet formula neutralisation (CSV/XLSX injection).

A transcript is untrusted text: a quote beginning with "=", "+", "-", "@", a tab or a carriage return would be
executed as a formula when the CSV or XLSX is opened in a spreadsheet. Such cells get a leading apostrophe.
"""
from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with "'" prepended when it is a string a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every string cell and column name neutralised; numbers are left as numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out

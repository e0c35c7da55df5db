"""The one text sanitiser for exports written as XML (DOCX, XLSX, REFI-QDA .qdc/.qdpx).

XML 1.0 cannot hold most C0 control characters (a form feed or bell pasted from a Word export or a subtitle
tool), lone UTF-16 surrogates or U+FFFE/U+FFFF; lxml and openpyxl refuse such strings and the export used to
crash. Each such character is replaced by ONE character (controls by a space, the others by U+FFFD), so every
character offset, and with it every quote's `text[start:end]`, stays where it was.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|[\ud800-\udfff\ufffe\uffff]")


def _replacement(m: re.Match) -> str:
    return " " if m.group() < "\x20" else "\ufffd"


def xml_safe(value):
    """`value` with characters XML cannot hold replaced one for one; non-strings are returned unchanged."""
    if isinstance(value, str) and _NOT_XML.search(value):
        return _NOT_XML.sub(_replacement, value)
    return value


def xml_safe_all(obj):
    """`obj` (a Snapshot, Codebook, or any frozen dataclass / tuple / mapping of them) with every string made
    XML-safe; objects with nothing to change are returned as they are (the common case costs one scan)."""
    if isinstance(obj, str):
        return xml_safe(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if not f.init:
                continue
            old = getattr(obj, f.name)
            new = xml_safe_all(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj
    if isinstance(obj, (tuple, list)):
        items = [xml_safe_all(x) for x in obj]
        return obj if all(a is b for a, b in zip(items, obj)) else type(obj)(items)
    if isinstance(obj, Mapping):
        items = {xml_safe_all(k): xml_safe_all(v) for k, v in obj.items()}
        same = all(a is b for a, b in zip(items, obj)) and all(items[k] is obj[k] for k in obj if k in items)
        return obj if same and len(items) == len(obj) else items
    return obj


def xml_safe_frame(df):
    """A copy of a pandas DataFrame with XML-safe string cells and column names (numbers left as numbers)."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(xml_safe)
    out.columns = [xml_safe(c) for c in out.columns]
    return out

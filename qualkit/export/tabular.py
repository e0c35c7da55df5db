"""Plain files: codings as CSV (formula-neutralised) and the codebook as YAML (re-loadable by qualkit)."""
from __future__ import annotations

import io

from ..snapshot import Snapshot
from .atomic import write_text
from .cells import neutralise_frame
from .data import codings_frame


def write_codings_csv(snapshot: Snapshot, path, *, group_by: str = "group", **_ignored):
    """Codings as CSV (RFC 4180: CRLF rows, so quotes holding CR or LF are quoted), one row per coding with its
    quote and location; UTF-8 with a byte-order mark so
    spreadsheet programs detect the encoding; string cells neutralised against formula execution."""
    buf = io.StringIO()
    neutralise_frame(codings_frame(snapshot, group_by)).to_csv(buf, index=False, lineterminator="\r\n")
    return write_text(path, buf.getvalue(), encoding="utf-8-sig")


def write_codebook_yaml(snapshot: Snapshot, path, **_ignored):
    """The project's codebook as YAML in the format `qualkit.codebook.load_codebook` reads back."""
    from ..codebook.yaml_writer import dump_yaml_codebook

    return write_text(path, dump_yaml_codebook(snapshot.codebook))

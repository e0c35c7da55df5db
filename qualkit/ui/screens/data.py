"""Bring in data: transcripts (many at once, any format `qualkit ingest` reads), participants and their
attributes, a codebook (or an empty one), another tool's project. Each file gets its own result line
(qualkit.jobs.intake): a refused file leaves the project as it was, and the others still go in."""
from __future__ import annotations

import streamlit as st

from ...codebook.model import Codebook
from ...errors import QualkitError
from ...ingest import SUPPORTED_EXTENSIONS
from ...jobs import (REFUSED, UNCHANGED, Upload, import_upload, ingest_uploads, preview_csv, put_codebook_file,
                     put_participants_file)
from ...jobs.intake import CODEBOOK_SUFFIXES, PROJECT_SUFFIXES
from ..state import Context, flash, guarded

UNITS = {"Speaker turns (default)": "turn", "Sentences": "sentence", "Paragraphs": "paragraph"}
RESULTS = "data_result"


def _types(suffixes) -> list[str]:
    return sorted({s.lstrip(".") for s in suffixes})


def _uploads(files) -> list[Upload]:
    return [Upload(f.name, f.getvalue()) for f in files or []]


def _show_results(kind: str) -> None:
    results = st.session_state.get(f"{RESULTS}_{kind}")
    if not results:
        return
    refused = sum(r.outcome == REFUSED for r in results)
    went_in = len(results) - refused
    summary = f"{went_in} of {len(results)} file{'s' if len(results) != 1 else ''} went in"
    if refused:
        summary += f"; {refused} refused (the project is unchanged by {'them' if refused > 1 else 'it'})"
    st.markdown(f"**Result:** {summary}.")
    for r in results:
        shown = getattr(st, "error" if r.outcome == REFUSED else "info" if r.outcome == UNCHANGED else "success")
        shown(r.line(), icon=":material/block:" if r.outcome == REFUSED else ":material/check_circle:"
              if r.outcome != UNCHANGED else ":material/remove:")
    if went_in and kind == "transcripts":
        st.caption("Next: the codebook (tab Codebook above), then Suggest codes on the Project page.")


def render(ctx: Context) -> None:
    st.header("Bring in data")
    st.caption("Files you bring in are kept in the project folder (sources/). A file that cannot be read is "
               "refused with the reason and changes nothing; the other files still go in.")
    t_tab, p_tab, c_tab, i_tab = st.tabs(["Transcripts", "Participants", "Codebook", "Import a project"])
    with t_tab:
        _transcripts(ctx)
    with p_tab:
        _participants(ctx)
    with c_tab:
        _codebook(ctx)
    with i_tab:
        _import(ctx)


def _csv_columns(files) -> dict[str, tuple[str | None, str | None]]:
    """For each CSV among the uploads, let the researcher pick its text and id columns from a preview."""
    chosen: dict[str, tuple[str | None, str | None]] = {}
    for f in files:
        if not f.name.lower().endswith(".csv") or f.name.casefold() == "participants.csv":
            continue
        try:
            header, rows = preview_csv(Upload(f.name, f.getvalue()))
        except QualkitError as e:
            st.error(str(e))
            continue
        with st.expander(f"{f.name}: one interview per row — pick its columns", expanded=True):
            st.dataframe(rows, hide_index=True, width="stretch")
            guess_text = next((h for h in header if h.casefold() == "text"), header[0] if header else None)
            guess_id = next((h for h in header if h.casefold() in ("id", "transcript_id", "document")), None)
            c1, c2 = st.columns(2)
            text = c1.selectbox("Text column", header, index=header.index(guess_text) if guess_text else 0,
                                key=f"data_csv_text_{f.name}")
            ids = ["(row number)"] + header
            id_col = c2.selectbox("Id column", ids, index=ids.index(guess_id) if guess_id else 0,
                                  key=f"data_csv_id_{f.name}")
            chosen[f.name] = (text, None if id_col == "(row number)" else id_col)
    return chosen


def _transcripts(ctx: Context) -> None:
    st.markdown("Drop your interview files here, several at once; add `participants.csv` (id, group, role, …) "
                "with them to give participants their attributes.")
    files = st.file_uploader("Transcripts", type=_types(SUPPORTED_EXTENSIONS), accept_multiple_files=True,
                             key="data_transcripts", help="Formats: " + ", ".join(SUPPORTED_EXTENSIONS))
    columns = _csv_columns(files or [])
    unit = st.selectbox("Code in units of", list(UNITS), key="data_unit",
                        help="What one suggestion and one review covers; speaker turns suit most interviews.")
    if st.button("Bring these files in", type="primary", key="data_ingest", disabled=not files):
        with st.spinner("Reading and segmenting…"):
            st.session_state[f"{RESULTS}_transcripts"] = ingest_uploads(
                ctx.project, _uploads(files), unit=UNITS[unit], columns=columns)
    _show_results("transcripts")


def _participants(ctx: Context) -> None:
    store = ctx.store
    files = st.file_uploader("participants.csv", type=["csv"], key="data_participants",
                             help="One row per participant: an id column (id, participant or participant_id) "
                                  "and any attributes (group, role, site, …).")
    if st.button("Use this participants table", key="data_participants_go", disabled=not files):
        st.session_state[f"{RESULTS}_participants"] = [put_participants_file(ctx.project, Upload(files.name,
                                                                                                 files.getvalue()))]
    _show_results("participants")

    st.markdown("**Participants and their attributes** (edit a cell, then save)")
    people = store.participants()
    ids = sorted({t.participant_id or t.id for t in store.transcripts()} | set(people))
    if not ids:
        st.caption("No participants yet: bring in transcripts first.")
        return
    columns = sorted({k for attrs in people.values() for k in attrs}) or ["group"]
    extra = st.text_input("Add an attribute column", key="data_new_column", placeholder="e.g. role, site")
    if extra.strip() and extra.strip() not in columns:
        columns.append(extra.strip())
    rows = [{"participant": pid, **{c: people.get(pid, {}).get(c, "") for c in columns}} for pid in ids]
    edited = st.data_editor(rows, key=f"data_people_{len(columns)}", hide_index=True, width="stretch",
                            disabled=["participant"], num_rows="fixed")
    if st.button("Save attributes", key="data_people_save"):
        changes = {r["participant"]: {c: str(r.get(c) or "") for c in columns} for r in edited
                   if {c: str(r.get(c) or "") for c in columns} != {c: people.get(r["participant"], {}).get(c, "")
                                                                   for c in columns}}
        if changes:
            guarded(store.put_participants, changes, success=f"Saved attributes of {len(changes)} participant(s).")
        else:
            flash("info", "Nothing changed.")
        st.rerun()


def _start_empty(ctx: Context, name: str) -> None:
    guarded(ctx.store.put_codebook, Codebook(name=name.strip() or "Codebook", codes=()), by=ctx.coder,
            success="Started an empty codebook: add codes on the Codebook page.")


def _codebook(ctx: Context) -> None:
    current = ctx.store.codebook()
    if current is not None:
        st.caption(f"Current codebook: {current.name} v{current.version}, {len(current.codes)} codes "
                   "(a new one becomes the next version; earlier versions are kept).")
    file = st.file_uploader("Codebook file", type=_types(CODEBOOK_SUFFIXES), key="data_codebook",
                            help="YAML (qualkit's format), CSV with code/name and description columns (Taguette's "
                                 "export) or a REFI-QDA .qdc codebook.")
    if st.button("Use this codebook", type="primary", key="data_codebook_go", disabled=file is None):
        st.session_state[f"{RESULTS}_codebook"] = [put_codebook_file(ctx.project, Upload(file.name, file.getvalue()),
                                                                     by=ctx.coder)]
    _show_results("codebook")
    if current is None:
        st.markdown("**Or start with an empty codebook** and build it on the Codebook page (or from candidate "
                    "themes).")
        c1, c2 = st.columns([3, 1])
        name = c1.text_input("Codebook name", "Codebook", key="data_empty_name", label_visibility="collapsed")
        c2.button("Start an empty codebook", key="data_empty", on_click=_start_empty, args=(ctx, name))


def _import(ctx: Context) -> None:
    st.markdown("Bring a whole project over from Taguette (`.sqlite3`) or another QDA tool (REFI-QDA `.qdpx`): "
                "its documents, codebook, codings and memos.")
    file = st.file_uploader("Project file", type=_types(PROJECT_SUFFIXES), key="data_import")
    mine = st.checkbox("Record the imported codings under my name", value=False, key="data_import_mine",
                       disabled=not ctx.coder, help="Otherwise each coding keeps the user named in the file.")
    if st.button("Import", type="primary", key="data_import_go", disabled=file is None):
        with st.spinner("Importing…"):
            st.session_state[f"{RESULTS}_import"] = [import_upload(ctx.project, Upload(file.name, file.getvalue()),
                                                                   coder=ctx.coder if mine else None)]
    _show_results("import")

"""Codebook page: view and edit definitions, criteria and examples; add, rename, merge, split; history."""
from __future__ import annotations

import streamlit as st

from ...codebook.model import Code
from ...review import add_code, codebook_history, edit_code, merge_codes, rename_code, split_code
from .. import views
from ..state import Context, flash, guarded
from ..views import md_escape


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.splitlines() if x.strip()]


def render(ctx: Context) -> None:
    store = ctx.store
    st.header("Codebook")
    codebook = store.codebook()
    if codebook is None:
        st.info("No codebook yet: upload one, or start an empty one, on the page Bring in data.")
        return
    st.caption(f"{codebook.name} · version {codebook.version} · {len(codebook.codes)} codes")
    if not ctx.coder:
        st.warning("Enter your name in the sidebar to edit the codebook (every version records who saved it).")
    view, edit, structure, history = st.tabs(["Codes", "Edit a code", "Add · rename · merge · split", "History"])
    with view:
        if not codebook.codes:
            st.info("The codebook is empty: add the first code under “Add · rename · merge · split”, or promote a "
                    "candidate theme.")
        for code in codebook.codes:
            title = f"{code.name}" + (f"  (under {code.parent})" if code.parent else "")
            with st.expander(title):
                st.markdown(f"**Definition.** {md_escape(code.definition)}")
                for label, value in (("Include", code.include), ("Exclude", code.exclude)):
                    if value:
                        st.markdown(f"**{label}.** {md_escape(value)}")
                for label, items in (("Examples", code.examples), ("Counterexamples", code.counterexamples)):
                    if items:
                        st.markdown(f"**{label}**\n" + "\n".join(f"- {md_escape(x)}" for x in items))
                if code.keywords:
                    st.markdown("**Keywords.** " + ", ".join(md_escape(k) for k in code.keywords))
    with edit:
        _edit_form(ctx, codebook)
    with structure:
        _structure_forms(ctx, codebook)
    with history:
        versions, renames = codebook_history(store)
        st.dataframe(versions, hide_index=True, width="stretch")
        if renames:
            st.markdown("**Renamed or merged codes** (old decisions resolve to the new name)")
            st.dataframe([{"old": o, "now": n} for o, n in renames.items()], hide_index=True)


def _edit_form(ctx: Context, codebook) -> None:
    if not codebook.codes:
        st.caption("No codes to edit yet.")
        return
    name = st.selectbox("Code", codebook.names, key="cb_edit_code")
    code = codebook[name]
    with st.form(f"cb_edit_{name}"):
        definition = st.text_area("Definition", code.definition, key=f"cb_edit_def_{name}")
        include = st.text_area("Include", code.include)
        exclude = st.text_area("Exclude", code.exclude)
        examples = st.text_area("Examples (one per line)", "\n".join(code.examples))
        counter = st.text_area("Counterexamples (one per line)", "\n".join(code.counterexamples))
        keywords = st.text_input("Keywords (comma-separated)", ", ".join(code.keywords))
        parents = ["(none)"] + [n for n in codebook.names if n != name]
        parent = st.selectbox("Parent", parents, index=parents.index(code.parent) if code.parent in parents else 0)
        if st.form_submit_button("Save changes", disabled=not ctx.coder):
            guarded(edit_code, ctx.store, name, ctx.coder, definition=definition, include=include, exclude=exclude,
                    examples=_lines(examples), counterexamples=_lines(counter),
                    keywords=[k.strip() for k in keywords.split(",")],
                    parent=None if parent == "(none)" else parent, success=f"Saved {name}.")
            st.rerun()


def _structure_forms(ctx: Context, codebook) -> None:
    store, coder, names = ctx.store, ctx.coder, codebook.names
    st.subheader("Add a code")
    with st.form("cb_add", clear_on_submit=True):
        name = st.text_input("Name", key="cb_add_name")
        definition = st.text_area("Definition", height=80, key="cb_add_def")
        parent = st.selectbox("Parent", ["(none)"] + names)
        if st.form_submit_button("Add", disabled=not coder):
            guarded(add_code, store, Code(name=name.strip(), definition=definition.strip(),
                                          parent=None if parent == "(none)" else parent), coder,
                    success=f"Added {name.strip()}.")
            st.rerun()
    if not names:
        return
    st.subheader("Rename")
    with st.form("cb_rename", clear_on_submit=True):
        old = st.selectbox("Code", names, key="cb_rename_old")
        new = st.text_input("New name", key="cb_rename_new")
        if st.form_submit_button("Rename", disabled=not coder):
            guarded(rename_code, store, old, new, coder, success=f"Renamed {old} to {new.strip()}.")
            st.rerun()
    st.subheader("Merge")
    with st.form("cb_merge"):
        sources = st.multiselect("Merge these codes", names, key="cb_merge_sources")
        into = st.selectbox("into", names, key="cb_merge_into")
        if st.form_submit_button("Merge", disabled=not coder):
            guarded(merge_codes, store, sources, into, coder, success=f"Merged {', '.join(sources)} into {into}.")
            st.rerun()
    st.subheader("Split")
    with st.form("cb_split"):
        original = st.selectbox("Split this code", names, key="cb_split_code")
        parts_text = st.text_area("into (one per line, 'Name: definition')", height=90, key="cb_split_parts")
        carry = st.checkbox("Retire the original; its past codings go to the first new code", value=False)
        if st.form_submit_button("Split", disabled=not coder):
            try:
                parts = [Code(n, d) for n, d in views.parse_parts(parts_text)]
            except ValueError as e:
                flash("error", str(e))
            else:
                guarded(split_code, store, original, parts, coder,
                        carry_to=parts[0].name if carry and parts else None,
                        success=f"Split {original} into {', '.join(p.name for p in parts)}.")
            st.rerun()

"""Project page: what is in the project, and opening another project folder."""
from __future__ import annotations

import streamlit as st

from ...project import project_status
from ..state import Context


def open_form() -> None:
    with st.form("open_project"):
        path = st.text_input("Open a project folder", placeholder="/path/to/project")
        if st.form_submit_button("Open") and path.strip():
            st.session_state["project_dir"] = path.strip()
            st.rerun()


def render(ctx: Context) -> None:
    st.header(ctx.project.name)
    st.caption(str(ctx.project.path.resolve()))
    status = project_status(ctx.project)
    st.code("\n".join(status.lines()), language=None)
    if not ctx.coder:
        st.info("Enter your name in the sidebar before you accept, reject or apply codes.")
    open_form()

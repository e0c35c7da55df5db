"""The app shell: page config, project, coder name, and the page picker.

Each page is a module in screens/ (not pages/: Streamlit would turn a pages/ folder into its own navigation)."""
from __future__ import annotations

import streamlit as st

from ..errors import QualkitError
from .screens import codebook, compare, hand, project, read, review, themes
from .sample import sample_dir
from .state import Context, open_project, open_sample_project, project_dir, show_flashes

PAGES = {"Project": project.render, "Read": read.render, "Code by hand": hand.render, "Review": review.render,
         "Codebook": codebook.render, "Themes": themes.render, "Compare & export": compare.render}


def _coder() -> str:
    """The coder name of this browser tab (each tab keeps its own): required before any decision.

    Kept in the tab's URL too, so reloading the page does not ask again."""
    if "coder" not in st.session_state:
        st.session_state["coder"] = st.query_params.get("coder", "")
    name = st.sidebar.text_input("Your name (coder)", key="coder",
                                 help="Every decision you make is recorded under this name.")
    name = (name or "").strip()
    if name and st.query_params.get("coder") != name:
        st.query_params["coder"] = name
    if not name:
        st.sidebar.warning("Enter your name to make decisions.")
    return name


def _page() -> str:
    names = list(PAGES)
    wanted = st.query_params.get("page")
    if "page" not in st.session_state:
        st.session_state["page"] = wanted if wanted in names else names[0]
    page = st.sidebar.radio("Page", names, key="page")
    if st.query_params.get("page") != page:
        st.query_params["page"] = page  # a reload (or a shared link) comes back to the same page
    return page


def main() -> None:
    st.set_page_config(page_title="qualkit", page_icon="🗂️", layout="wide")
    st.sidebar.title("qualkit")
    page = _page()
    coder = _coder()
    path = project_dir()
    try:
        proj = open_project(path) if path else open_sample_project(str(sample_dir()))
    except QualkitError as e:
        st.error(str(e))
        project.open_form()
        return
    st.sidebar.caption(f"Project: **{proj.name}**")
    show_flashes()
    PAGES[page](Context(project=proj, coder=coder))

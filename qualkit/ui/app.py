"""The app shell: page config, which project (or the start page), who is coding (name, or signed-in account),
the page picker and the background-run status in the sidebar.

Each page is a module in screens/ (not pages/: Streamlit would turn a pages/ folder into its own navigation).
"""
from __future__ import annotations

import streamlit as st

from ..errors import QualkitError
from .recent import remember
from .screens import codebook, compare, data, hand, home, project, read, review, runs, signin, themes
from .state import Context, choose_project, open_project, project_dir, show_flashes, sign_in_required

PAGES = {"Project": project.render, "Bring in data": data.render, "Read": read.render,
         "Code by hand": hand.render, "Review": review.render, "Codebook": codebook.render,
         "Candidate themes": themes.render, "Compare & export": compare.render}


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
    if st.session_state.get("page") not in names:
        st.session_state["page"] = wanted if wanted in names else names[0]
    page = st.sidebar.radio("Page", names, key="page")
    if st.query_params.get("page") != page:
        st.query_params["page"] = page  # a reload (or a shared link) comes back to the same page
    return page


def main() -> None:
    st.set_page_config(page_title="qualkit", page_icon="🗂️", layout="wide")
    st.sidebar.title("qualkit")
    locked = sign_in_required()  # served beyond this machine: accounts, and only the project it was started on
    path = project_dir()
    if path is None:
        show_flashes()
        if locked:
            st.error("No project: start the app with `qualkit app DIR --host ADDRESS`.")
            return
        home.render()
        return
    try:
        proj = open_project(path)
    except QualkitError as e:
        st.error(str(e))
        if not locked:
            home.render()
        return
    if st.session_state.get("_remembered") != path:
        remember(proj.path, proj.name)
        st.session_state["_remembered"] = path
    st.sidebar.caption(f"Project: **{proj.name}**")
    if locked:
        coder = signin.signed_in(proj)
        if not coder:
            signin.render(proj)  # nothing else is drawn: no page, no decision, without a session
            return
    else:
        if st.sidebar.button("Projects…", key="switch_project", help="Create, open or switch projects"):
            choose_project(None)
            st.rerun()
    page = _page()
    if not locked:
        coder = _coder()
    ctx = Context(project=proj, coder=coder)
    with st.sidebar:
        runs.sidebar_status(ctx)
    show_flashes()
    PAGES[page](ctx)

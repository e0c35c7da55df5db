"""Start page: create a project, open one (recent list or a folder), or explore the sample study."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ...errors import QualkitError
from ...project import Project
from ..recent import recent_projects
from ..sample import sample_dir
from ..state import build_sample, choose_project, flash, job_manager

SQLITE, TEAM = "On this computer (a file in the project folder)", "A team database (PostgreSQL URL)"


def _default_folder(name: str) -> str:
    slug = "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) or "my-study"
    return str(Path.home() / "qualkit-projects" / slug)


def _create(name: str, folder: str, storage: str, url: str) -> None:
    name, folder, url = name.strip(), folder.strip(), url.strip()
    if not name:
        flash("error", "Give the project a name.")
        return
    folder = folder or _default_folder(name)
    if storage == TEAM and not url:
        flash("error", "Enter the team database URL, e.g. postgresql+psycopg2://user@host/db.")
        return
    try:
        existed = (Path(folder) / "qualkit.json").is_file()
        project = Project.init(folder, db=url if storage == TEAM else None, name=name)
    except QualkitError as e:
        flash("error", str(e))
        return
    except OSError as e:
        flash("error", f"{folder}: cannot create the project folder ({e.strerror or e})")
        return
    project.close()
    choose_project(folder)
    st.session_state["page"] = "Bring in data" if not existed else "Project"
    flash("success", f"Opened the existing project in {folder}." if existed else
          f"Created {name} in {folder}. Next: bring in your transcripts, participants and codebook.")


def _open(folder: str) -> None:
    folder = folder.strip()
    try:
        Project.open(folder).close()
    except QualkitError as e:
        flash("error", f"{e} — or create a new project on the left.")
        return
    choose_project(folder)
    st.session_state["page"] = "Project"


def _sample() -> None:
    from ...jobs import suggest_task
    path = str(sample_dir())
    try:
        build_sample(path)
    except QualkitError as e:
        flash("error", str(e))
        return
    project = Project.open(path)
    try:
        if project.store.latest_run("suggest") is None:  # the model runs in the background: the page stays usable
            job_manager().start(project.store.url, "suggest", suggest_task(path))
    finally:
        project.close()
    choose_project(path)
    st.session_state["page"] = "Project"


def render() -> None:
    st.header("Start a study")
    st.caption("A project is a folder that holds your transcripts, codebook and every coding decision. "
               "Nothing leaves this computer.")
    left, right = st.columns(2)
    with left:
        st.subheader("Create a project")
        with st.form("home_create"):
            name = st.text_input("Project name", key="home_name", placeholder="e.g. Clinicians and AI drafts")
            folder = st.text_input("Folder", key="home_folder",
                                   placeholder=str(Path.home() / "qualkit-projects" / "<project name>"),
                                   help="A new or empty folder; left empty, one is made under "
                                        f"{Path.home() / 'qualkit-projects'}.")
            storage = st.radio("Where the project keeps its data", [SQLITE, TEAM], key="home_storage")
            url = st.text_input("Team database URL (only for a team database)", key="home_url",
                                placeholder="postgresql+psycopg2://user@host/db")
            if st.form_submit_button("Create project", type="primary"):
                _create(name, folder, storage, url)
                st.rerun()
    with right:
        st.subheader("Open a project")
        recent = recent_projects()
        if recent:
            for i, item in enumerate(recent):
                c1, c2 = st.columns([3, 1])
                c1.markdown(f"**{item['name']}**  \n:gray[{item['path']}]")
                c2.button("Open", key=f"home_recent_{i}", on_click=_open, args=(item["path"],))
        else:
            st.caption("No recent projects yet.")
        with st.form("home_open"):
            folder = st.text_input("Project folder", key="home_open_folder", placeholder="/path/to/project")
            if st.form_submit_button("Open") and folder.strip():
                _open(folder)
                st.rerun()
        st.divider()
        st.subheader("Or explore the sample study")
        st.caption("12 interviews with clinicians and AI developers, with a codebook; suggestions are computed in "
                   "the background when it opens.")
        st.button("Open the sample study", key="home_sample", on_click=_sample)

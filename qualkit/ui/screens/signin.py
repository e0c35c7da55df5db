"""Sign-in, when the app is served beyond this machine: the signed-in account is the coder of the session."""
from __future__ import annotations

import streamlit as st

from ...auth import AuthError, sign_in
from ...project import Project

ACCOUNT, ACCOUNT_DB = "account", "account_db"


def signed_in(project: Project) -> str:
    """The account this session signed in with on `project`'s database ('' when none), with a sign-out button."""
    name = st.session_state.get(ACCOUNT, "")
    if not name or st.session_state.get(ACCOUNT_DB) != project.store.url:
        return ""
    st.sidebar.markdown(f"Signed in as **{name}**")
    st.sidebar.button("Sign out", key="sign_out", on_click=_sign_out)
    return name


def _sign_out() -> None:
    st.session_state.pop(ACCOUNT, None)
    st.session_state.pop(ACCOUNT_DB, None)


def render(project: Project) -> None:
    st.header(f"Sign in to {project.name}")
    st.caption("This app can be reached from other computers, so everyone signs in; your decisions are recorded "
               "under your account. Ask whoever runs the app to create one (`qualkit user add`).")
    with st.form("sign_in", clear_on_submit=True):  # the password does not stay in the session
        name = st.text_input("Account name", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                client = getattr(st.context, "ip_address", None)
                client = client if isinstance(client, str) else ""  # None on loopback; AppTest gives a mock
                account = sign_in(project.store, name, password, client=client)
            except AuthError as e:
                st.error(str(e))
                return
            st.session_state[ACCOUNT] = account
            st.session_state[ACCOUNT_DB] = project.store.url
            st.rerun()

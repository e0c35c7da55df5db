"""The review app (Streamlit). Pages draw widgets and return plain values; actions go through qualkit.review.

`launch(project_dir)` serves it; `qualkit.ui.views` holds the plain, tested view-model functions.
"""
from .launch import PROJECT_ENV, launch, streamlit_command

__all__ = ["PROJECT_ENV", "launch", "streamlit_command"]

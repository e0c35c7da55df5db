"""Streamlit entry point (`streamlit run`): the whole app lives in qualkit.ui.app."""
from qualkit.ui.app import main

main()

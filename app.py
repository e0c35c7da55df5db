"""qualkit review app: `streamlit run app.py` (or `qualkit app DIR`). Project folder from $QUALKIT_PROJECT.

All of the app is in qualkit/ui; this file only starts it.
"""
from qualkit.ui.app import main

main()

"""The workspace's two browser components (Streamlit components v2: inline HTML/JS/CSS, no iframe, no build
step, nothing fetched from the network).

- `transcript_view`: a transcript with coloured highlights; select any passage with the mouse to code it, click a
  highlight to open it, click a pending suggestion's badge to decide it.
- `shortcuts`: keyboard shortcuts for the review page.

The JavaScript renders plain data built by `qualkit.ui.views.transcript_pieces` with textContent only (never
innerHTML), so no transcript text or code name can inject markup.
"""
from __future__ import annotations

from .transcript import shortcuts, transcript_view

__all__ = ["transcript_view", "shortcuts"]

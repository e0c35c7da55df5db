"""Review: the actions a researcher takes, as a library over a Store (no UI here).

Every action is written when it is made, as append-only events (Decisions, codebook versions, rename log,
theme events, memos), so a refresh, a restart or a second Store object sees all of it.
"""
from ._common import ReviewError
from .actions import (Span, accept, apply_code, bulk_accept, pending_from, reject, remove_code, replace, undo_last,
                      undoable)
from .codebook_edits import (add_code, codebook_history, edit_code, merge_codes, next_version, promote_example,
                             rename_code, split_code)
from .memos import add_memo, memos_for
from .queue import (ORDERS, PROMOTED_RUN, CodeProgress, Progress, ReviewIndex, order_queue, pending, progress, progress_from,
                    review_runs, review_suggestions)
from .themes import dismiss_theme, promote_theme

__all__ = [
    "ORDERS", "PROMOTED_RUN", "CodeProgress", "Progress", "ReviewIndex", "ReviewError", "Span", "accept", "add_code", "add_memo",
    "apply_code", "bulk_accept", "codebook_history", "dismiss_theme", "edit_code", "memos_for", "merge_codes",
    "next_version", "order_queue", "pending", "pending_from", "progress", "progress_from", "promote_example",
    "promote_theme", "reject", "remove_code", "rename_code", "replace", "review_runs", "review_suggestions",
    "split_code", "undo_last", "undoable",
]

"""Inductive themes: BERTopic (or a stated fallback) over participant segments, as candidate codes."""
from .discover import DEFAULTS, discover_themes
from .evaluate import CodeRecovery, RecoveryReport, recovery_table, theme_recovery, theme_stability
from .model import Theme
from .result import ThemeResult

__all__ = ["DEFAULTS", "CodeRecovery", "RecoveryReport", "Theme", "ThemeResult", "discover_themes",
           "recovery_table", "theme_recovery", "theme_stability"]

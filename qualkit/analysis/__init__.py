"""Analysis: pure functions of a Snapshot. Only accepted or hand-applied codings count."""
from .agreement import Agreement, CodeAgreement, Disagreement, agreement
from .cooccurrence import CodeFrequencies, Cooccurrence, code_frequencies, cooccurrence
from .disclosure import AIDisclosure, ai_disclosure
from .exemplars import Exemplar, pick_exemplars
from .group_comparison import CodeComparison, GroupComparison, group_comparison
from .published import PublishedComparison, ThemeMatch, compare_published, load_published
from .reliability import cohen_kappa, gwet_ac1, krippendorff_alpha_nominal, percent_agreement
from .saturation import SaturationCurve, saturation_curve
from .theme_summary import CodeSummary, Prevalence, ThemeSummary, ThemeTotal, theme_summary

__all__ = [
    "AIDisclosure", "Agreement", "CodeAgreement", "CodeComparison", "CodeFrequencies", "CodeSummary", "Cooccurrence",
    "Disagreement", "Exemplar", "GroupComparison", "Prevalence", "PublishedComparison", "SaturationCurve",
    "ThemeMatch", "ThemeSummary", "ThemeTotal", "agreement", "ai_disclosure", "code_frequencies", "cohen_kappa",
    "compare_published", "cooccurrence", "group_comparison", "gwet_ac1", "krippendorff_alpha_nominal",
    "load_published", "percent_agreement", "pick_exemplars", "saturation_curve", "theme_summary",
]

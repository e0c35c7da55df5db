"""Segmentation: transcripts -> segments (turn, sentence or paragraph units) with exact character offsets."""
from .model import UNITS, Segment
from .segmenter import DEFAULT_MAX_CHARS, segment_transcript
from .sentences import sentence_spans

__all__ = ["Segment", "UNITS", "DEFAULT_MAX_CHARS", "segment_transcript", "sentence_spans"]

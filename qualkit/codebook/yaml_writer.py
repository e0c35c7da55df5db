"""Write a Codebook as researcher-facing YAML that `parse_yaml_codebook` reads back to an equal Codebook."""
from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .model import Code, Codebook
from .validate import CODE_KEYS


def _text(value: str):
    # Multi-line text reads best as a `|` block; single lines are quoted by ruamel only when needed.
    return LiteralScalarString(value) if "\n" in value else value


def _code_map(code: Code) -> CommentedMap:
    m = CommentedMap()
    d = code.to_dict()
    for key in CODE_KEYS:  # the documented order, leaving out empty optional fields
        value = d[key]
        if key in ("name", "definition"):
            m[key] = _text(value)
        elif isinstance(value, list):
            if value:
                seq = CommentedSeq(_text(v) for v in value)
                if key == "keywords":
                    seq.fa.set_flow_style()  # keywords are short: one line, [a, b, c]
                m[key] = seq
        elif value:
            m[key] = _text(value)
    return m


def dump_yaml_codebook(codebook: Codebook) -> str:
    """The codebook as YAML text. Loading the text gives an equal Codebook, provided its strings carry
    no leading/trailing whitespace (the loader strips it) and its names pass validation."""
    root = CommentedMap()
    root["name"] = codebook.name
    root["version"] = int(codebook.version) if codebook.version.isdigit() else codebook.version
    codes = CommentedSeq(_code_map(c) for c in codebook.codes)
    for i in range(1, len(codes)):
        codes.yaml_set_comment_before_after_key(i, before="\n")  # a blank line between codes
    root["codes"] = codes
    y = YAML(typ="rt")
    y.width = 4096  # never fold long definitions: folding makes diffs of hand-edited codebooks noisy
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_unicode = True
    out = io.StringIO()
    y.dump(root, out)
    return out.getvalue()

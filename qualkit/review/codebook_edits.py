"""Codebook edits made while coding. Each one appends a new codebook version (`Store.put_codebook`, which keeps
the history); renames and merges are also written to the rename log so decisions made under the old name
still resolve. Every new version is validated as a whole and every problem reported at once.
"""
from __future__ import annotations

from dataclasses import replace as dc_replace
from typing import Sequence

from ..codebook.model import Code, Codebook
from ..codebook.validate import validate_codebook_dict
from ..errors import CodebookError
from ..segment.model import Segment
from ..store import Store
from ._common import ReviewError, check_code, check_coder, current_codebook

EDITABLE = ("definition", "include", "exclude", "examples", "counterexamples", "keywords", "parent", "color")


def next_version(version: str) -> str:
    """"3" -> "4"; anything else gets ".1" appended ("2024a" -> "2024a.1")."""
    return str(int(version) + 1) if version.strip().isdigit() else f"{version}.1"


def _plain(code: Code) -> dict:
    # The validator reads codebook files, where an absent field is absent, not None.
    return {k: v for k, v in code.to_dict().items() if v is not None}


def _build(old: Codebook, codes: Sequence[Code], what: str) -> Codebook:
    """The next version with `codes`, validated as a whole before anything is written."""
    problems = validate_codebook_dict({"name": old.name, "version": next_version(old.version),
                                       "codes": [_plain(c) for c in codes]}, path=f"codebook edit ({what})")
    if problems:
        raise CodebookError(f"codebook edit ({what})", problems)
    return Codebook(name=old.name, codes=tuple(codes), version=next_version(old.version), source_path=old.source_path)


def _save(store: Store, old: Codebook, codes: Sequence[Code], coder: str, what: str) -> Codebook:
    new = _build(old, codes, what)
    store.put_codebook(new, by=coder)
    return new


def _check_new_name(store: Store, codebook: Codebook, name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ReviewError("a code needs a name")
    if name in codebook:
        raise ReviewError(f"a code named {name!r} already exists: pick another name, or merge into it")
    if name in store.renames():
        # The rename log maps this name onward, so decisions under the new code would silently move.
        raise ReviewError(f"the name {name!r} was used by a code that was renamed or merged into "
                          f"{store.renames()[name]!r}: pick another name")
    return name


def add_code(store: Store, code: Code, coder: str) -> Codebook:
    """Append `code` to the codebook (a new version). ReviewError if the name is taken; CodebookError if invalid."""
    coder = check_coder(coder)
    codebook = current_codebook(store)
    code = dc_replace(code, name=_check_new_name(store, codebook, code.name))
    return _save(store, codebook, codebook.codes + (code,), coder, f"add {code.name}")


def edit_code(store: Store, name: str, coder: str, /, **changes) -> Codebook:
    """Change fields of one code (definition, include, exclude, examples, counterexamples, keywords, parent,
    color); use `rename_code` to change its name. Returns the new version (the same one if nothing changed)."""
    coder = check_coder(coder)
    codebook = current_codebook(store)
    check_code(codebook, name)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ReviewError(f"cannot edit {', '.join(unknown)} of code {name!r}: editable fields are "
                          f"{', '.join(EDITABLE)} (use rename_code to rename)")
    for k in ("examples", "counterexamples", "keywords"):
        if k in changes:
            changes[k] = tuple(x.strip() for x in changes[k] if x and x.strip())
    if "parent" in changes and not changes["parent"]:
        changes["parent"] = None
    codes = tuple(dc_replace(c, **changes) if c.name == name else c for c in codebook.codes)
    if codes == codebook.codes:
        return codebook
    return _save(store, codebook, codes, coder, f"edit {name}")


def rename_code(store: Store, old: str, new: str, coder: str) -> Codebook:
    """Rename a code (children follow); past decisions under `old` resolve to `new` through the rename log.
    One transaction: the rename log entry and the new codebook version are written together or not at all."""
    coder = check_coder(coder)
    with store.transaction():  # the checks too: another writer cannot take the name between check and write
        codebook = current_codebook(store)
        check_code(codebook, old)
        new = _check_new_name(store, codebook, new)
        codes = tuple(dc_replace(c, name=new if c.name == old else c.name,
                                 parent=new if c.parent == old else c.parent) for c in codebook.codes)
        new_book = _build(codebook, codes, f"rename {old} -> {new}")
        store.rename_code(old, new, coder=coder, kind="rename")
        store.put_codebook(new_book, by=coder)
    return new_book


def merge_codes(store: Store, sources: Sequence[str], into: str, coder: str) -> Codebook:
    """Merge codes into `into`: sources leave the codebook, their examples and keywords join `into`, their
    children move under it, and their past decisions resolve to `into`. One transaction: every rename log
    entry and the new codebook version, or nothing."""
    coder = check_coder(coder)
    with store.transaction():
        return _merge(store, sources, into, coder)


def _merge(store: Store, sources: Sequence[str], into: str, coder: str) -> Codebook:
    codebook = current_codebook(store)
    check_code(codebook, into)
    sources = list(dict.fromkeys(s for s in sources if s != into))
    if not sources:
        raise ReviewError(f"nothing to merge into {into!r}: choose at least one other code")
    for s in sources:
        check_code(codebook, s)
    target = codebook[into]
    extra = {k: list(getattr(target, k)) for k in ("examples", "counterexamples", "keywords")}
    for s in sources:
        for k in extra:
            extra[k] += [x for x in getattr(codebook[s], k) if x not in extra[k]]
    codes = []
    for c in codebook.codes:
        if c.name in sources:
            continue
        if c.name == into:
            c = dc_replace(c, **{k: tuple(v) for k, v in extra.items()})
        if c.parent in sources:
            c = dc_replace(c, parent=into if c.name != into else target.parent)
        codes.append(c)
    if target.parent in sources:  # `into` was a child of a merged code: it takes that code's place
        codes = [dc_replace(c, parent=codebook[target.parent].parent) if c.name == into else c for c in codes]
    new_book = _build(codebook, codes, f"merge {', '.join(sources)} -> {into}")
    for s in sources:
        store.rename_code(s, into, coder=coder, kind="merge")
    store.put_codebook(new_book, by=coder)
    return new_book


def split_code(store: Store, name: str, parts: Sequence[Code], coder: str, *, carry_to: str | None = None) -> Codebook:
    """Split a code into `parts` (new codes).

    By default the original stays, as the parent of the parts, so its past decisions still resolve and can be
    re-coded into the parts. With `carry_to` (one of the parts' names) the original leaves the codebook and its
    past decisions resolve to that part through the rename log. One transaction, like rename and merge.
    """
    coder = check_coder(coder)
    with store.transaction():
        return _split(store, name, parts, coder, carry_to)


def _split(store: Store, name: str, parts: Sequence[Code], coder: str, carry_to: str | None) -> Codebook:
    codebook = current_codebook(store)
    check_code(codebook, name)
    if len(parts) < 2:
        raise ReviewError(f"split {name!r} into at least two codes")
    names = [_check_new_name(store, codebook, p.name) for p in parts]
    if len(set(names)) != len(names):
        raise ReviewError(f"the parts of {name!r} need different names (got {', '.join(names)})")
    original = codebook[name]
    if carry_to is not None and carry_to not in names:
        raise ReviewError(f"carry_to {carry_to!r} must be one of the new codes: {', '.join(names)}")
    new_parent = original.parent if carry_to else name
    new_codes = [dc_replace(p, name=n, parent=p.parent or new_parent) for p, n in zip(parts, names)]
    codes = []
    for c in codebook.codes:
        if c.name == name:
            if not carry_to:
                codes.append(c)
            codes.extend(new_codes)  # the parts sit where the original was
            continue
        if carry_to and c.parent == name:
            c = dc_replace(c, parent=carry_to)
        codes.append(c)
    new_book = _build(codebook, codes, f"split {name} -> {', '.join(names)}")
    if carry_to:
        store.rename_code(name, carry_to, coder=coder, kind="rename")
    store.put_codebook(new_book, by=coder)
    return new_book


def promote_example(store: Store, segment: Segment, code: str, coder: str) -> Codebook:
    """Add the segment's text to the code's examples (a new version), so suggestions learn from it."""
    coder = check_coder(coder)
    codebook = current_codebook(store)
    check_code(codebook, code)
    text = " ".join(segment.text.split())
    if text in codebook[code].examples:
        return codebook
    return edit_code(store, code, coder, examples=codebook[code].examples + (text,))


def codebook_history(store: Store) -> tuple[list[dict], dict[str, str]]:
    """Codebook versions (oldest first: seq, hash, name, version, saved_at, saved_by) and old name -> new name."""
    return store.codebook_history(), store.renames()

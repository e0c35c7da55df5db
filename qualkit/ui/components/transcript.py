"""The transcript workspace and the review shortcuts as components v2 (see the package docstring).

Offsets: each stretch of text is a <span data-s data-e> holding exactly `transcript.text[s:e]`, so a selection's
ends map back to character offsets; JavaScript counts UTF-16 units, Python code points, so the JS converts
(an emoji before the selection must not shift the stored span).
"""
from __future__ import annotations

import streamlit as st

CSS = """
.qk-ws {font-size: 0.98rem; line-height: 1.75; position: relative; color: var(--st-text-color, #31333f);}
.qk-ws .qk-legend {display: flex; flex-wrap: wrap; gap: 0.35rem; margin: 0 0 0.6rem 0; font-size: 0.8rem;}
.qk-ws .qk-chip {border-radius: 0.7rem; padding: 0 0.55rem; color: #fff; white-space: nowrap;}
.qk-ws .qk-chip-pending {color: #555; background: #fff; border: 1px dashed #888;}
.qk-ws .qk-hint {color: #666; font-size: 0.82rem; margin: 0 0 0.5rem 0;}
.qk-ws .qk-turn {margin: 0 0 0.7rem 0; padding: 0.3rem 0.6rem; border-radius: 0.3rem; white-space: pre-wrap;}
.qk-ws .qk-interviewer {color: #555; font-style: italic; background: #f3f3f3; border-left: 3px solid #bbb;}
.qk-ws .qk-participant {border-left: 3px solid #4a7ab0;}
.qk-ws .qk-speaker {font-weight: 700; font-style: normal; margin-right: 0.35rem; user-select: none;}
.qk-ws .qk-coded {cursor: pointer; border-radius: 2px;}
.qk-ws .qk-pend {border-bottom: 2px dashed #999;}
.qk-ws .qk-label {color: #fff; font-size: 0.7rem; font-style: normal; border-radius: 0.6rem; padding: 0 0.4rem;
  margin: 0 0.15rem; white-space: nowrap; vertical-align: 1px; cursor: pointer; user-select: none;}
.qk-ws .qk-label-pending {color: #555; background: #fff; border: 1px dashed #888;}
.qk-ws .qk-bar {position: absolute; z-index: 50; background: #fff; border: 1px solid #bbb; border-radius: 0.4rem;
  box-shadow: 0 3px 12px rgba(0,0,0,0.18); padding: 0.4rem; max-width: 34rem; font-style: normal;}
.qk-ws .qk-bar-title {font-size: 0.78rem; color: #555; margin: 0 0 0.3rem 0; white-space: normal;}
.qk-ws .qk-bar-codes {display: flex; flex-wrap: wrap; gap: 0.25rem; max-height: 11rem; overflow-y: auto;}
.qk-ws .qk-bar input {width: 100%; box-sizing: border-box; margin: 0 0 0.3rem 0; padding: 0.15rem 0.35rem;
  font-size: 0.85rem; border: 1px solid #ccc; border-radius: 0.25rem;}
.qk-ws .qk-bar button {border: none; border-radius: 0.7rem; padding: 0.1rem 0.6rem; font-size: 0.8rem;
  color: #fff; cursor: pointer;}
.qk-ws .qk-bar button.qk-new {background: #fff; color: #333; border: 1px solid #888;}
"""

TRANSCRIPT_JS = r"""
const cp = (s) => Array.from(s).length;  // code points, as Python counts

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function rgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  parentElement.querySelectorAll(':scope > .qk-ws').forEach((n) => n.remove());
  const root = el('div', 'qk-ws');
  root.dataset.transcript = data.transcript;
  parentElement.appendChild(root);
  const send = (payload) => setTriggerValue('action', { ...payload, nonce: Date.now() + Math.random() });

  const legend = el('div', 'qk-legend');
  for (const c of data.legend) {
    const chip = el('span', c.pending ? 'qk-chip qk-chip-pending' : 'qk-chip', c.label);
    if (!c.pending) chip.style.background = c.color;
    legend.appendChild(chip);
  }
  root.appendChild(legend);
  root.appendChild(el('div', 'qk-hint', data.hint));

  const body = el('div', 'qk-body');
  root.appendChild(body);
  for (const turn of data.turns) {
    const t = el('div', `qk-turn qk-${turn.role}`);
    t.appendChild(el('span', 'qk-speaker', turn.speaker));
    for (const p of turn.pieces) {
      const span = el('span', 'qk-piece', p.t);
      span.dataset.s = p.s;
      span.dataset.e = p.e;
      if (p.c.length) {
        const first = data.codings[p.c[0]];
        span.classList.add('qk-coded');
        span.style.background = rgba(first.color, 0.22);
        // one 2px line per code covering this stretch: overlapping codes stay visible
        span.style.boxShadow = p.c.slice(0, 4).map((k, i) => `inset 0 ${-2 - 2 * i}px 0 ${data.codings[k].color}`).join(',');
        span.title = p.c.map((k) => data.codings[k].tip).join('\n');
        span.dataset.codings = p.c.join(',');
      }
      if (p.p.length) {
        span.classList.add('qk-pend');
        span.title = (span.title ? span.title + '\n' : '') + p.p.map((k) => data.pending[k].tip).join('\n');
      }
      t.appendChild(span);
      for (const k of p.ends) {
        const c = data.codings[k];
        const b = el('span', 'qk-label', c.code);
        b.style.background = c.color;
        b.title = c.tip;
        b.dataset.codings = String(k);
        t.appendChild(b);
      }
      for (const k of p.pends) {
        const s = data.pending[k];
        const b = el('span', 'qk-label qk-label-pending', '?' + s.code);
        b.title = s.tip + ' — click to decide';
        b.dataset.segment = s.segment;
        t.appendChild(b);
      }
    }
    body.appendChild(t);
  }

  let bar = null;
  const closeBar = () => { if (bar) { bar.remove(); bar = null; } };

  function offsets(range) {
    const pieces = body.querySelectorAll('.qk-piece');
    let first = null, last = null;
    for (const p of pieces) {
      if (range.intersectsNode(p)) { if (!first) first = p; last = p; }
    }
    if (!first) return null;
    const inside = (p, node) => p === node || p.contains(node);
    let start = +first.dataset.s, end = +last.dataset.e;
    if (inside(first, range.startContainer) && range.startContainer.nodeType === 3)
      start += cp(range.startContainer.data.slice(0, range.startOffset));
    if (inside(last, range.endContainer) && range.endContainer.nodeType === 3)
      end = +last.dataset.s + cp(range.endContainer.data.slice(0, range.endOffset));
    return end > start ? { start, end } : null;
  }

  function showBar(sel, x, y) {
    closeBar();
    bar = el('div', 'qk-bar');
    bar.dataset.testid = 'qk-code-bar';
    const quote = sel.text.length > 120 ? sel.text.slice(0, 119) + '…' : sel.text;
    bar.appendChild(el('div', 'qk-bar-title', `Code “${quote}” (${sel.end - sel.start} characters) as:`));
    const filter = el('input');
    filter.placeholder = 'Type to filter codes';
    bar.appendChild(filter);
    const list = el('div', 'qk-bar-codes');
    for (const c of data.codes) {
      const b = el('button', '', c.name);
      b.style.background = c.color;
      b.title = c.definition;
      b.onclick = (ev) => { ev.stopPropagation(); send({ kind: 'apply', code: c.name, ...sel }); closeBar(); };
      list.appendChild(b);
    }
    const nb = el('button', 'qk-new', '+ New code…');
    nb.onclick = (ev) => { ev.stopPropagation(); send({ kind: 'new', ...sel }); closeBar(); };
    list.appendChild(nb);
    bar.appendChild(list);
    filter.oninput = () => {
      const q = filter.value.toLowerCase();
      for (const b of list.children) if (b !== nb) b.style.display = b.textContent.toLowerCase().includes(q) ? '' : 'none';
    };
    filter.onkeydown = (ev) => {
      if (ev.key === 'Escape') closeBar();
      if (ev.key === 'Enter') {
        const hit = Array.from(list.children).find((b) => b !== nb && b.style.display !== 'none');
        if (hit) hit.click();
      }
    };
    bar.onmousedown = (ev) => ev.stopPropagation();
    bar.onmouseup = (ev) => ev.stopPropagation();
    const box = root.getBoundingClientRect();
    bar.style.left = Math.max(0, Math.min(x - box.left, box.width - 360)) + 'px';
    bar.style.top = (y - box.top + 8) + 'px';
    root.appendChild(bar);
  }

  const onUp = (ev) => {
    if (bar && bar.contains(ev.target)) return;
    const s = window.getSelection();
    if (!s || s.isCollapsed || !s.rangeCount) {
      const t = ev.target.closest ? ev.target.closest('[data-codings],[data-segment]') : null;
      closeBar();
      if (t && t.dataset.codings !== undefined) send({ kind: 'open', codings: t.dataset.codings.split(',').map((k) => data.codings[+k].id) });
      else if (t && t.dataset.segment) send({ kind: 'pending', segment: t.dataset.segment });
      return;
    }
    const range = s.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) return;
    const o = offsets(range);
    if (!o) return;
    showBar({ ...o, text: s.toString() }, ev.clientX, ev.clientY);
  };
  body.addEventListener('mouseup', onUp);
  const onKey = (ev) => { if (ev.key === 'Escape') closeBar(); };
  document.addEventListener('keydown', onKey);
  return () => { body.removeEventListener('mouseup', onUp); document.removeEventListener('keydown', onKey); };
}
"""

SHORTCUTS_JS = r"""
export default function (component) {
  const { data, setTriggerValue } = component;
  if (window.__qkShortcuts) document.removeEventListener('keydown', window.__qkShortcuts);
  const keys = new Set(data.keys);
  const handler = (ev) => {
    const t = ev.target;
    const tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const k = ev.key.toLowerCase();
    if (!keys.has(k)) return;
    ev.preventDefault();
    setTriggerValue('pressed', { key: k, nonce: Date.now() + Math.random() });
  };
  window.__qkShortcuts = handler;
  document.addEventListener('keydown', handler);
  return () => { document.removeEventListener('keydown', handler); if (window.__qkShortcuts === handler) window.__qkShortcuts = null; };
}
"""

# isolate_styles=False: a selection inside a shadow root is not visible to window.getSelection() in Chromium
_transcript = st.components.v2.component("qualkit.transcript", css=CSS, js=TRANSCRIPT_JS, isolate_styles=False)
_shortcuts = st.components.v2.component("qualkit.shortcuts", js=SHORTCUTS_JS, isolate_styles=False)


def transcript_view(data: dict, key: str) -> dict | None:
    """Show the workspace (data from `views.transcript_pieces`); returns the researcher's action of this run:
    {"kind": "apply", "start", "end", "text", "code"} | {"kind": "new", "start", "end", "text"} |
    {"kind": "open", "codings": [decision ids]} | {"kind": "pending", "segment": id} | None."""
    result = _transcript(key=key, data=data, on_action_change=lambda: None)
    return getattr(result, "action", None)


def shortcuts(keys: list[str], key: str) -> str | None:
    """Listen for the given single keys anywhere on the page (not while typing in a field); the key pressed
    in this run, or None."""
    result = _shortcuts(key=key, data={"keys": [k.lower() for k in keys]}, on_pressed_change=lambda: None)
    hit = getattr(result, "pressed", None)
    return hit.get("key") if isinstance(hit, dict) else None

"""A Report as one self-contained HTML page: the article with its claims marked, and the details.

Each claim's figure (the number as written, inside its quote) is highlighted in its verdict's
colour, with a symbol and an underline style so that colour is not the only cue, and followed by
a tag (symbol and id) linking to the claim's card. Claims that share words keep their own tags,
and the shared words are striped. A collapsed card shows the verdict, claimed vs found and the
one-line reason; opened, the quote, the derivation, and the tool calls behind a further toggle.
The page has no external resources (inline CSS and a few lines of JS, pinned by a
Content-Security-Policy hash), works without JS, reads on a phone and prints with every card
expanded. Every piece of text goes through ``html.escape``: the article is untrusted data.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from html import escape
from pathlib import PurePosixPath

from flopcheck.engine.report import LABELS, Claim, Report, Step
from flopcheck.plugin.figures import claimed_and_computed, figure_origin, figure_span, ratio_phrase
from flopcheck.plugin.render import SYMBOL, kind_name, reason, step_call, step_outcome

_CSS = """
:root{--supported:#1b7f3b;--supported-bg:#d8f3df;--refuted:#b3261e;--refuted-bg:#fbdcd9;
--misleading:#8a5a00;--misleading-bg:#fde8b8;--unverifiable:#555;--unverifiable-bg:#e6e6e6;
--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9de}
*{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem;font:1.05rem/1.6 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
h3{font-size:.95rem;margin:.8rem 0 .2rem}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 .4rem}
.summary{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.4rem 0;list-style:none}
.badge{display:inline-block;border-radius:.3rem;padding:0 .45rem;font-size:.85rem;
font-weight:600;white-space:nowrap}
.article{white-space:pre-wrap;border-top:1px solid var(--line);padding-top:.6rem}
.hl{color:inherit;text-decoration-line:underline;text-decoration-thickness:2px;
text-underline-offset:3px;border-radius:.2rem;padding:0 .1rem}
.hl.overlap{background:repeating-linear-gradient(135deg,#fff 0 .3rem,#dcdce3 .3rem .6rem);
text-decoration-style:double;text-decoration-color:var(--muted)}
a.claim{font-size:.7rem;font-weight:700;vertical-align:super;line-height:0;margin:0 .15rem 0 .05rem;
text-decoration:none;white-space:nowrap}
a:focus-visible{outline:3px solid #1a73e8;outline-offset:1px}
.v-supported{background:var(--supported-bg)}
a.claim.v-supported,.v-supported.badge{color:var(--supported)}
.v-refuted{background:var(--refuted-bg)}a.claim.v-refuted,.v-refuted.badge{color:var(--refuted)}
.v-misleading{background:var(--misleading-bg)}
a.claim.v-misleading,.v-misleading.badge{color:var(--misleading)}
.v-unverifiable{background:var(--unverifiable-bg)}
a.claim.v-unverifiable,.v-unverifiable.badge{color:var(--unverifiable)}
a.claim{background:none}
.hl.v-supported{text-decoration-style:solid;text-decoration-color:var(--supported)}
.hl.v-refuted{text-decoration-style:wavy;text-decoration-color:var(--refuted)}
.hl.v-misleading{text-decoration-style:dashed;text-decoration-color:var(--misleading)}
.hl.v-unverifiable{text-decoration-style:dotted;text-decoration-color:var(--unverifiable)}
details.card{border:1px solid var(--line);border-left-width:.4rem;border-radius:.4rem;
margin:.5rem 0;padding:.3rem .7rem;background:#fff}
details.card.v-supported{border-left-color:var(--supported)}
details.card.v-refuted{border-left-color:var(--refuted)}
details.card.v-misleading{border-left-color:var(--misleading)}
details.card.v-unverifiable{border-left-color:var(--unverifiable)}
details.card:target{box-shadow:0 0 0 3px #1a73e8}
summary{cursor:pointer;padding:.2rem 0}
.card>summary .line{display:block;padding-left:1.1rem}
.card>summary .line:first-of-type{display:inline;padding-left:0}
.nums b{font-weight:650}.origin{color:var(--muted);font-size:.85rem}
.why{color:var(--muted);font-size:.95rem}
blockquote{margin:.4rem 0;padding-left:.7rem;border-left:3px solid var(--line)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}
dt{color:var(--muted)}dd{margin:0}
code,pre{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;background:#f6f6f8;padding:.4rem;border-radius:.3rem;margin:.2rem 0}
ol,ul{padding-left:1.3rem}
details.calls>summary{color:var(--muted);font-size:.9rem}
.calls li{margin:.3rem 0}.calls p{margin:.1rem 0;font-size:.9rem}
.controls button{font:inherit;font-size:.85rem;margin-right:.4rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:30rem){body{padding:.6rem;font-size:1rem}dl{grid-template-columns:1fr}}
@media print{body{max-width:none;font-size:10.5pt}.controls,.back{display:none}
details.card{break-inside:avoid}details::details-content{content-visibility:visible;
display:contents}.hl{text-decoration-thickness:1px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""

# Opens the card a claim link points to, expands every card for printing, and marks the page
# as scripted (tests read data-ready from the DOM to see that the script ran without error).
_JS = """
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var card = id ? document.getElementById(id) : null;
    if (card && card.tagName === "DETAILS") { card.open = true; }
  }
  function setAll(open) {
    document.querySelectorAll("details.card").forEach(function (d) { d.open = open; });
  }
  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () { setAll(true); });
  document.querySelectorAll("[data-expand]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { setAll(b.dataset.expand === "1"); });
  });
  openTarget();
  document.documentElement.dataset.ready = "1";
})();
"""
_JS_HASH = base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")
_CSP = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_JS_HASH}'"
# "# source: https://..." or a bare URL on the first line, as saved articles often begin.
_SOURCE_URL = re.compile(r"(?:#\s*)?(?:source\s*:\s*)?(https?://[^\s<>\"']+)", re.IGNORECASE)


def _e(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Args:
        text: the value (converted with str).
    """
    return escape(str(text), quote=True)


def display_name(source: str) -> str:
    """Return the name a page is titled with: a path's file name; URLs and ids as they are.

    Args:
        source: the report's source.
    """
    if "://" in source or ("/" not in source and "\\" not in source):
        return source
    return PurePosixPath(source.replace("\\", "/")).name or source


def source_url(text: str) -> str | None:
    """Return the http(s) URL the article's first line names, if it names one.

    Args:
        text: the article text.
    """
    first = next((line.strip() for line in text[:4096].splitlines() if line.strip()), "")
    match = _SOURCE_URL.fullmatch(first)
    return match.group(1) if match else None


def placed_claims(report: Report, text: str) -> list[Claim]:
    """Return the claims that can be marked in the text (verbatim spans), in text order.

    Args:
        report: the report.
        text: the article text.
    """
    verbatim = [
        c
        for c in report.claims
        if c.start < c.end <= len(text) and text[c.start : c.end] == c.quote
    ]
    return sorted(verbatim, key=lambda c: (c.start, c.id))


def _hint(claims: list[Claim]) -> str:
    """Return the hover text of marked words: each claim's id, verdict, claimed and found.

    Args:
        claims: the claims the words belong to.
    """
    parts = []
    for c in claims:
        claimed, found = claimed_and_computed(c)
        label = c.verdict.label
        parts.append(f"{c.id} {SYMBOL[label]} {label}: claimed {claimed}, found {found}")
    return "; ".join(parts)


def _tag(claim: Claim) -> str:
    """Return the link after a claim's figure: its symbol and id, to its card.

    Args:
        claim: the claim.
    """
    label = claim.verdict.label
    return (
        f'<a class="claim v-{label}" id="q-{_e(claim.id)}" href="#card-{_e(claim.id)}" '
        f'title="{_e(_hint([claim]))}">{SYMBOL[label]}<span class="sr"> {_e(label)} </span>'
        f"{_e(claim.id)}</a>"
    )


def _article(text: str, claims: list[Claim]) -> str:
    """Return the article as escaped text, each claim's figure highlighted and tagged.

    Words claimed by several claims are striped and carry every claim's tag.

    Args:
        text: the article text.
        claims: the placed claims.
    """
    spans = [(c, *figure_span(c)) for c in claims]
    bounds = sorted({0, len(text)} | {s for _, s, _ in spans} | {e for _, _, e in spans})
    parts: list[str] = []
    for a, b in itertools.pairwise(bounds):
        covering = [c for c, s, e in spans if s <= a and b <= e]
        words = _e(text[a:b])
        if len(covering) == 1:
            c = covering[0]
            parts.append(
                f'<a class="hl v-{c.verdict.label}" href="#card-{_e(c.id)}" '
                f'title="{_e(_hint(covering))}">{words}</a>'
            )
        elif covering:
            parts.append(f'<mark class="hl overlap" title="{_e(_hint(covering))}">{words}</mark>')
        else:
            parts.append(words)
        parts += [_tag(c) for c, _, e in spans if e == b]
    return "".join(parts)


def _step(step: Step) -> str:
    """Return one tool call: the call, what it gave, and its full JSON behind a toggle.

    Args:
        step: the step.
    """
    raw = json.dumps(step.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True)
    outcome = step_outcome(step)
    return (
        f"<li><code>{_e(step_call(step))}</code>"
        + (f"<p>{_e(outcome)}</p>" if outcome else "")
        + f"<details><summary>JSON</summary><pre>{_e(raw)}</pre></details></li>"
    )


def _items(title: str, values: list[str]) -> str:
    """Return a titled bullet list, or nothing when empty.

    Args:
        title: the heading.
        values: the entries.
    """
    if not values:
        return ""
    rows = "".join(f"<li>{_e(v)}</li>" for v in values)
    return f"<h3>{_e(title)}</h3><ul>{rows}</ul>"


def _card(claim: Claim, placed: bool) -> str:
    """Return the card of one claim: collapsed, its verdict, figures and reason.

    Args:
        claim: the claim.
        placed: whether it is marked in the text (then the card links back to it).
    """
    v = claim.verdict
    label = v.label
    claimed, found = claimed_and_computed(claim)
    origin = figure_origin(v)
    origin_html = f' <span class="origin">{_e(origin)}</span>' if origin else ""
    found_html = f" · found <b>{_e(found)}</b>{origin_html}" if v.computed else ""
    far = ratio_phrase(v.ratio)
    more = v.explanation.split("\n", 1)[1].strip() if "\n" in v.explanation else ""
    calls = "".join(_step(s) for s in v.steps)
    n_calls = f"{len(v.steps)} tool call" + ("" if len(v.steps) == 1 else "s")
    back = (
        f'<p class="back"><a href="#q-{_e(claim.id)}">back to the text</a></p>'
        if placed
        else "<p><em>This quote is not verbatim in the text, so it is not marked there.</em></p>"
    )
    return (
        f'<details class="card v-{label}" id="card-{_e(claim.id)}"><summary>'
        f'<span class="line"><span class="badge v-{label}">{SYMBOL[label]} {_e(label)}</span> '
        f"<strong>{_e(claim.id)}</strong> · {_e(kind_name(claim.kind, claim.claimed.unit))}</span>"
        f'<span class="line nums">claimed <b>{_e(claimed)}</b>{found_html}</span>'
        f'<span class="line why">{_e(reason(claim))}</span></summary>'
        f"<blockquote>“{_e(claim.quote)}”</blockquote>"
        + (f"<p>{_e(more)}</p>" if more else "")
        + "<dl>"
        + (f"<dt>difference</dt><dd>{_e(far)}</dd>" if far else "")
        + f"<dt>confidence</dt><dd>{v.confidence:.0%}</dd></dl>"
        + _items("Assumptions", v.assumptions)
        + _items("Caveats", v.caveats)
        + _items("Sources", v.sources)
        + (
            f'<details class="calls"><summary>How it was checked: {n_calls}</summary>'
            f"<ol>{calls}</ol></details>"
            if calls
            else ""
        )
        + back
        + "</details>"
    )


def _summary(report: Report) -> str:
    """Return the counts of the labels present, as badges.

    Args:
        report: the report.
    """
    counts = report.label_counts()
    badges = "".join(
        f'<li><span class="badge v-{label}">{SYMBOL[label]} {counts[label]} {label}</span></li>'
        for label in LABELS
        if counts[label]
    )
    return f'<ul class="summary" aria-label="claims per verdict">{badges}</ul>' if badges else ""


def _header(report: Report, text: str) -> str:
    """Return the page header: the input's name, its source link, the counts.

    Args:
        report: the report.
        text: the article text.
    """
    url = source_url(text)
    link = (
        f'<p class="meta">source: <a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a></p>'
        if url
        else ""
    )
    n = len(report.claims)
    count = "no checkable compute claims" if n == 0 else f"{n} claim" + ("" if n == 1 else "s")
    return (
        f"<header><h1>flopcheck: {_e(display_name(report.source))}</h1>{link}"
        f'<p class="meta">{count} · {_e(report.backend)} backend · '
        f"{report.usage.tool_calls} tool calls</p>{_summary(report)}</header>"
    )


def render_html(report: Report, text: str) -> str:
    """Return the report as one self-contained HTML page showing the article with its claims.

    Args:
        report: the report.
        text: the article text the report was made from.
    """
    placed = placed_claims(report, text)
    placed_ids = {c.id for c in placed}
    ordered = sorted(report.claims, key=lambda c: (c.start, c.id))
    cards = "".join(_card(c, c.id in placed_ids) for c in ordered)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">'
        f"<title>flopcheck: {_e(display_name(report.source))}</title><style>{_CSS}</style>"
        f"</head><body>{_header(report, text)}"
        f'<main><article class="article">{_article(text, placed)}</article>'
        '<h2>Claims</h2><p class="controls">'
        '<button type="button" data-expand="1" hidden>expand all</button>'
        '<button type="button" data-expand="0" hidden>collapse all</button></p>'
        f"{cards or '<p>No checkable compute claims found.</p>'}</main>"
        f"<script>{_JS}</script></body></html>\n"
    )

"""A Report as one self-contained HTML page: the article with its claims marked, and the details.

Each claim span is a link coloured by its verdict (and marked with a symbol and an underline
style, so colour is not the only cue); following it opens the claim's card, which shows claimed
vs computed values, the explanation, the steps and the sources. The page has no external
resources (inline CSS and a few lines of JS, pinned by a Content-Security-Policy hash), works
without JS, reads on a phone and prints with every card expanded. Every piece of text goes
through ``html.escape``: the article is untrusted data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from flopcheck.engine.report import LABELS, Claim, Report, Step
from flopcheck.plugin.render import show_amount

_SYMBOL = {"supported": "✓", "refuted": "✗", "misleading": "!", "unverifiable": "?"}

_CSS = """
:root{--supported:#1b7f3b;--supported-bg:#d8f3df;--refuted:#b3261e;--refuted-bg:#fbdcd9;
--misleading:#8a5a00;--misleading-bg:#fde8b8;--unverifiable:#555;--unverifiable-bg:#e6e6e6;
--ink:#1d1d1f;--muted:#5f6368;--line:#d9d9de}
*{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem;font:1.05rem/1.6 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.meta{color:var(--muted);font-size:.9rem;margin:0 0 .6rem}
.summary{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.4rem 0;list-style:none}
.badge{display:inline-block;border-radius:.3rem;padding:0 .45rem;font-size:.85rem;
font-weight:600;white-space:nowrap}
.article{white-space:pre-wrap;border-top:1px solid var(--line);padding-top:.6rem}
a.claim{color:inherit;text-decoration-line:underline;text-decoration-thickness:2px;
text-underline-offset:3px;border-radius:.2rem;padding:0 .1rem}
a.claim:focus-visible{outline:3px solid #1a73e8;outline-offset:1px}
.tag{font-size:.7rem;font-weight:700;vertical-align:super;line-height:0;margin-left:.1rem}
.v-supported{background:var(--supported-bg)}
.v-supported .tag,.v-supported.badge{color:var(--supported)}
.v-refuted{background:var(--refuted-bg)}.v-refuted .tag,.v-refuted.badge{color:var(--refuted)}
.v-misleading{background:var(--misleading-bg)}
.v-misleading .tag,.v-misleading.badge{color:var(--misleading)}
.v-unverifiable{background:var(--unverifiable-bg)}
.v-unverifiable .tag,.v-unverifiable.badge{color:var(--unverifiable)}
a.claim.v-supported{text-decoration-style:solid;text-decoration-color:var(--supported)}
a.claim.v-refuted{text-decoration-style:wavy;text-decoration-color:var(--refuted)}
a.claim.v-misleading{text-decoration-style:dashed;text-decoration-color:var(--misleading)}
a.claim.v-unverifiable{text-decoration-style:dotted;text-decoration-color:var(--unverifiable)}
details.card{border:1px solid var(--line);border-left-width:.4rem;border-radius:.4rem;
margin:.5rem 0;padding:.3rem .7rem;background:#fff}
details.card.v-supported{border-left-color:var(--supported)}
details.card.v-refuted{border-left-color:var(--refuted)}
details.card.v-misleading{border-left-color:var(--misleading)}
details.card.v-unverifiable{border-left-color:var(--unverifiable)}
details.card:target,details.card.flash{box-shadow:0 0 0 3px #1a73e8}
summary{cursor:pointer;padding:.2rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.4rem 0}
dt{color:var(--muted)}dd{margin:0}
code,pre{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;background:#f6f6f8;padding:.4rem;border-radius:.3rem;margin:.2rem 0}
ol,ul{padding-left:1.3rem}
.controls button{font:inherit;font-size:.85rem;margin-right:.4rem}
@media (max-width:30rem){body{padding:.6rem;font-size:1rem}dl{grid-template-columns:1fr}}
@media print{body{max-width:none;font-size:10.5pt}.controls,.back{display:none}
details.card{break-inside:avoid}details::details-content{content-visibility:visible;
display:contents}a.claim{text-decoration-thickness:1px}
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


def _e(text: object) -> str:
    """Escape any value for HTML text or a quoted attribute.

    Args:
        text: the value (converted with str).
    """
    return escape(str(text), quote=True)


def placed_claims(report: Report, text: str) -> list[Claim]:
    """Return the claims that can be marked in the text: verbatim spans, no overlaps.

    Overlaps are resolved deterministically: by start, the longer span first, then by id; a claim
    overlapping one already kept stays out of the text (it is still listed with its card).

    Args:
        report: the report.
        text: the article text.
    """
    kept: list[Claim] = []
    end = -1
    ordered = sorted(report.claims, key=lambda c: (c.start, -(c.end - c.start), c.id))
    for claim in ordered:
        verbatim = claim.end <= len(text) and text[claim.start : claim.end] == claim.quote
        if verbatim and claim.start >= end and claim.end > claim.start:
            kept.append(claim)
            end = claim.end
    return kept


def _hint(claim: Claim) -> str:
    """Return the hover text of a claim: label, claimed and computed.

    Args:
        claim: the claim.
    """
    v = claim.verdict
    return f"{v.label}: claimed {show_amount(claim.claimed)}, computed {show_amount(v.computed)}"


def _article(text: str, claims: list[Claim]) -> str:
    """Return the article as escaped text with each placed claim as a link to its card.

    Args:
        text: the article text.
        claims: placed claims, in order, not overlapping.
    """
    parts: list[str] = []
    at = 0
    for c in claims:
        label = c.verdict.label
        parts.append(_e(text[at : c.start]))
        parts.append(
            f'<a class="claim v-{label}" id="q-{_e(c.id)}" href="#card-{_e(c.id)}" '
            f'title="{_e(_hint(c))}">{_e(c.quote)}<span class="tag">{_SYMBOL[label]}'
            f'<span class="sr"> {_e(label)} </span>{_e(c.id)}</span></a>'
        )
        at = c.end
    parts.append(_e(text[at:]))
    return "".join(parts)


def _step(step: Step) -> str:
    """Return one tool call as a list item: tool, arguments, formula.

    Args:
        step: the step.
    """
    args = json.dumps(step.args, ensure_ascii=False, sort_keys=True)
    formula = step.result.get("formula") or step.result.get("error") or ""
    shown = f"<pre>{_e(formula)}</pre>" if formula else ""
    return f"<li><code>{_e(step.tool)}</code>(<code>{_e(args)}</code>){shown}</li>"


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
    """Return the details card of one claim.

    Args:
        claim: the claim.
        placed: whether it is marked in the text (then the card links back to it).
    """
    v = claim.verdict
    label = v.label
    ratio = "-" if v.ratio is None else f"{v.ratio:.3g}"
    steps = "".join(_step(s) for s in v.steps)
    back = (
        f'<p class="back"><a href="#q-{_e(claim.id)}">back to the text</a></p>'
        if placed
        else "<p><em>This claim overlaps another one and is not marked in the text.</em></p>"
    )
    return (
        f'<details class="card v-{label}" id="card-{_e(claim.id)}">'
        f'<summary><span class="badge v-{label}">{_SYMBOL[label]} {_e(label.upper())}</span> '
        f"<strong>{_e(claim.id)}</strong> · {_e(claim.kind)} · “{_e(claim.quote)}”</summary>"
        f"<dl><dt>claimed</dt><dd>{_e(show_amount(claim.claimed))}</dd>"
        f"<dt>computed</dt><dd>{_e(show_amount(v.computed))}</dd>"
        f"<dt>ratio</dt><dd>{_e(ratio)}</dd><dt>confidence</dt><dd>{v.confidence:.2f}</dd></dl>"
        f"<p>{_e(v.explanation)}</p>"
        + (f"<h3>Steps</h3><ol>{steps}</ol>" if steps else "")
        + _items("Assumptions", v.assumptions)
        + _items("Caveats", v.caveats)
        + _items("Sources", v.sources)
        + back
        + "</details>"
    )


def _summary(report: Report) -> str:
    """Return the label counts as badges.

    Args:
        report: the report.
    """
    counts = report.label_counts()
    badges = "".join(
        f'<li><span class="badge v-{label}">{_SYMBOL[label]} {counts[label]} {label}</span></li>'
        for label in LABELS
    )
    return f'<ul class="summary" aria-label="claims per label">{badges}</ul>'


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
        f"<title>flopcheck: {_e(report.source)}</title><style>{_CSS}"
        ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
        "</style></head><body>"
        f"<header><h1>flopcheck: {_e(report.source)}</h1>"
        f'<p class="meta">{len(report.claims)} claims · backend {_e(report.backend)} · '
        f"{report.usage.tool_calls} tool calls</p>{_summary(report)}</header>"
        f'<main><article class="article">{_article(text, placed)}</article>'
        '<h2>Claims</h2><p class="controls">'
        '<button type="button" data-expand="1" hidden>expand all</button>'
        '<button type="button" data-expand="0" hidden>collapse all</button></p>'
        f"{cards or '<p>No checkable compute claims found.</p>'}</main>"
        f"<script>{_JS}</script></body></html>\n"
    )

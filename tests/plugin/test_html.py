"""The HTML report: escaping, highlights, overlaps, self-containment, a real headless browser."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flopcheck import check
from flopcheck.engine.report import Amount, Claim, Report, Verdict
from flopcheck.plugin.html_report import display_name, placed_claims, render_html, source_url
from flopcheck.plugin.render import SYMBOL

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ARTICLE = (REPO / "flopcheck/evals/data/real/articles" / "founding_bernstein.txt").read_text(
    "utf-8"
)
HOSTILE = (
    "<script>alert('pwned')</script> <img src=x onerror=alert(1)> & \"quotes\"\n\n"
    + ARTICLE
    + "\n\nDeepSeek-V3 cost $5.5M to train on 2,048 H800 GPUs. </article><b>bold?</b>\n"
)


def claim(
    cid: str,
    text: str,
    start: int,
    end: int,
    label: str = "refuted",
    claimed: Amount | None = None,
    ratio: float | None = None,
) -> Claim:
    """Return a hand-made claim over ``text[start:end]``.

    Args:
        cid: the claim id.
        text: the article text.
        start: span start.
        end: span end.
        label: the verdict label.
        claimed: the claimed amount (default 1 USD).
        ratio: claimed / computed.
    """
    verdict = Verdict.model_validate(
        {
            "label": label,
            "confidence": 0.9,
            "computed": None if ratio is None else {"value": 2048.0, "unit": "GPUs"},
            "ratio": ratio,
            "explanation": "because <b>\nand more detail",
            "sources": ["<src>"],
            "steps": [
                {
                    "tool": "lookup_training_run",
                    "args": {"model": "DeepSeek-V3"},
                    "result": {"value": None, "formula": "DeepSeek-V3: 2,048 H800s"},
                }
            ],
        }
    )
    return Claim(
        id=cid,
        quote=text[start:end],
        start=start,
        end=end,
        kind="other",
        claimed=claimed or Amount(value=1.0, unit="USD"),
        verdict=verdict,
    )


def test_article_markup_is_shown_as_text() -> None:
    report = check(HOSTILE, backend="rules", source="<evil>.txt")
    page = render_html(report, HOSTILE)
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    assert "<img" not in page
    assert "<b>bold?</b>" not in page
    assert page.count("<script>") == 1  # only the page's own script
    assert "<title>flopcheck: &lt;evil&gt;.txt</title>" in page


def test_title_is_the_file_name_and_the_source_url_a_link() -> None:
    text = "# source: https://example.org/a?b=1&c=2\nDeepSeek-V3 cost $5.5M on 2,048 H800s.\n"
    report = check(text, backend="rules", source="/home/someone/articles/deepseek.txt")
    page = render_html(report, text)
    assert "<title>flopcheck: deepseek.txt</title>" in page
    assert "<h1>flopcheck: deepseek.txt</h1>" in page
    assert "/home/someone" not in page
    link = '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">'
    assert link in page
    assert source_url("https://x.test/page\nbody") == "https://x.test/page"
    assert source_url("Source: http://x.test/p") == "http://x.test/p"
    for not_a_source in ("javascript:alert(1)", "body\nhttps://x.test/", "see https://x.test/"):
        assert source_url(not_a_source) is None
    assert display_name("<stdin>") == "<stdin>"
    assert display_name("https://x.test/a/b") == "https://x.test/a/b"
    assert display_name("C:\\corpus\\a.txt") == "a.txt"


def test_every_claim_is_highlighted_and_has_a_card() -> None:
    report = check(HOSTILE, backend="rules")
    assert report.claims
    page = render_html(report, HOSTILE)
    tags = re.findall(r'<a class="claim v-(\w+)" id="q-(c\d+)"', page)
    assert {cid for _, cid in tags} == {c.id for c in placed_claims(report, HOSTILE)}
    assert {c.id for c in placed_claims(report, HOSTILE)} == {c.id for c in report.claims}
    for c in report.claims:
        assert f'id="card-{c.id}"' in page
    counts = report.label_counts()
    for label, n in counts.items():
        assert (f"{n} {label}</span>" in page) == (n > 0)  # no "0 misleading" chip
    assert '<meta name="viewport"' in page
    assert "@media print" in page


def test_the_figure_is_highlighted_not_the_sentence() -> None:
    text = "Intro.\nThe final run of DeepSeek-V3 took about 2.788M GPU hours on its cluster.\n"
    start = text.index("The final")
    end = text.index(".\n", start)
    gpu_hours = Amount(value=2.788e6, unit="GPU-hours")
    report = Report(
        source="t", backend="rules", claims=[claim("c1", text, start, end, "supported", gpu_hours)]
    )
    page = render_html(report, text)
    marked = re.findall(r'<a class="hl v-supported"[^>]*>([^<]*)</a>', page)
    assert marked == ["about 2.788M GPU hours"]
    assert "The final run of DeepSeek-V3 took " in page  # the rest of the sentence, unmarked


def test_overlapping_claims_stay_distinguishable() -> None:
    text = "GPT-4 needed 25,000 A100 GPUs for 90 to 100 days at 400W per GPU."
    end = len(text) - 1
    claims = [
        claim("c1", text, 0, end, "unverifiable", Amount(value=25_000, unit="GPUs")),
        claim("c2", text, 0, end, "refuted", Amount(value=95, low=90, high=100, unit="days")),
        claim("c3", text, 0, end, "supported", Amount(value=400, unit="W")),
        claim("c4", text, 13, 29, "misleading", Amount(value=25_000, unit="GPUs")),
    ]
    report = Report(source="t", backend="rules", claims=claims)
    page = render_html(report, text)
    article = page.split('<article class="article">')[1].split("</article>")[0]
    assert re.findall(r'<a class="hl v-refuted"[^>]*>([^<]*)</a>', article) == ["90 to 100 days"]
    assert re.findall(r'<a class="hl v-supported"[^>]*>([^<]*)</a>', article) == ["400W"]
    # c1 and c4 mark the same words: striped, and both tags follow them.
    shared = re.search(r'<mark class="hl overlap" title="([^"]*)">([^<]*)</mark>', article)
    assert shared is not None
    assert shared.group(2) == "25,000 A100 GPUs"
    assert "c1" in shared.group(1)
    assert "c4" in shared.group(1)
    assert re.findall(r'id="q-(c\d)"', article) == ["c1", "c4", "c2", "c3"]
    assert "not verbatim" not in page


def test_collapsed_cards_show_figures_and_reason_and_hide_the_json() -> None:
    text = "DeepSeek says its V3 model was trained on a cluster of 2,048 Nvidia H800 GPUs."
    report = check(text, backend="rules", source="t.txt")
    page = render_html(report, text)
    card = page.split('id="card-c1"')[1].split("</details>\n")[0]
    summary = card.split("<summary>")[1].split("</summary>")[0]
    assert "claimed <b>2,048 GPUs</b> · found <b>2,048 GPUs</b>" in summary
    assert '<span class="origin">reported</span>' in summary
    assert html.escape(report.claims[0].verdict.explanation.split("\n")[0]) in summary
    calls = card.split('<details class="calls"><summary>How it was checked: ')[1]
    assert calls.startswith("2 tool calls</summary>")
    assert "<code>lookup_training_run(model=&quot;DeepSeek-V3&quot;)</code>" in calls
    raw = calls.split("<details><summary>JSON</summary><pre>")[1].split("</pre>")[0]
    assert json.loads(html.unescape(raw))["tool"] == "lookup_training_run"
    assert '\n  "args": {\n    "model"' in html.unescape(raw)  # indented for reading


def test_numbers_readers_can_parse() -> None:
    text = "It used 1,000,000 GPUs."
    gpus = Amount(value=1e6, unit="GPUs")
    report = Report(
        source="t",
        backend="rules",
        claims=[claim("c1", text, 0, len(text), "refuted", gpus, 488.28)],
    )
    page = render_html(report, text)
    assert "ratio" not in page.split("<main>")[1]
    assert "0.000488" not in page
    assert "the claim is 488x the figure" in page
    assert "claimed <b>1M GPUs</b> · found <b>2,048 GPUs</b>" in page
    assert "1 refuted</span>" in page
    for label in ("supported", "misleading", "unverifiable"):
        assert f"0 {label}" not in page


def test_page_is_self_contained() -> None:
    text = "It cost $5.5M to train DeepSeek-V3 on 2,048 H800s."
    page = render_html(check(text, backend="rules"), text)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page
    assert "<link" not in page


def test_claims_that_are_not_verbatim_are_not_marked() -> None:
    text = "alpha beta"
    wrong = claim("c1", "xxxxx beta", 0, 5)
    report = Report(source="t", backend="rules", claims=[wrong])
    assert placed_claims(report, text) == []
    page = render_html(report, text)
    assert '<a class="claim' not in page
    assert "not verbatim in the text" in page


def test_empty_report_page() -> None:
    page = render_html(check("", backend="rules", source="e.txt"), "")
    assert "no checkable compute claims" in page
    assert '<ul class="summary"' not in page


def _chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


def _run_chromium(binary: str, profile: Path, url: str, *extra: str) -> tuple[str, str]:
    """Run headless chromium on a page and return its stdout and stderr.

    Args:
        binary: the chromium executable.
        profile: a fresh user-data directory.
        url: the page.
        *extra: the action (--dump-dom, --screenshot=...) and its options.
    """
    proc = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


@pytest.fixture
def chromium() -> str:
    """The chromium executable; CI must have it, elsewhere the browser tests are skipped."""
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must install it (see .ci/run)")
        pytest.skip("chromium is not installed")
    return binary


def test_report_renders_in_headless_chromium(tmp_path: Path, chromium: str) -> None:
    report = check(HOSTILE, backend="rules", source="hostile.txt")
    page = tmp_path / "report.html"
    page.write_text(render_html(report, HOSTILE), encoding="utf-8")
    dom, log = _run_chromium(chromium, tmp_path / "p1", page.as_uri(), "--dump-dom")
    problems = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert problems == []
    assert 'data-ready="1"' in dom  # the inline script ran to its end (CSP hash matched)
    assert len(re.findall(r'<a class="claim v-\w+"', dom)) == len(report.claims) > 0
    assert "&lt;script&gt;alert('pwned')&lt;/script&gt;" in dom
    assert "<img" not in dom


# Loads the report in an iframe of the width under test (a headless window is at least 500 px
# wide) and writes what it measured into the DOM, where --dump-dom shows it: the page's width
# with the cards collapsed and then with every <details> open, the cards, and the summary chips.
_MEASURE = """
(function () {
  var frame = document.getElementById("report");
  function measure() {
    var doc = frame.contentDocument, root = doc.documentElement;
    function widths() { return {scroll: root.scrollWidth, client: root.clientWidth}; }
    var collapsed = widths();
    var chips = Array.prototype.map.call(doc.querySelectorAll(".summary .badge"), function (b) {
      var r = b.getBoundingClientRect(), style = frame.contentWindow.getComputedStyle(b);
      return {text: b.textContent, width: r.width, height: r.height, right: r.right,
              shown: style.visibility === "visible" && style.display !== "none"};
    });
    doc.querySelectorAll("details").forEach(function (d) { d.open = true; });
    var out = document.createElement("pre");
    out.id = "measured";
    out.textContent = JSON.stringify({
      collapsed: collapsed, expanded: widths(), chips: chips, ready: root.dataset.ready || "",
      cards: Array.prototype.map.call(doc.querySelectorAll("details.card"), function (d) {
        return d.id;
      })
    });
    document.body.appendChild(out);
  }
  frame.addEventListener("load", measure);
})();
"""


def measure_in_chromium(binary: str, page: str, width: int, profile: Path) -> dict[str, Any]:
    """Return what a browser measures of a page laid out ``width`` CSS pixels wide.

    Args:
        binary: the chromium executable.
        page: the HTML page.
        width: the viewport width.
        profile: a fresh user-data directory.
    """
    host = profile.with_suffix(".host.html")
    host.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="report" style="border:0;width:{width}px;height:900px" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
        f"<script>{_MEASURE}</script></body></html>",
        encoding="utf-8",
    )
    dom, _ = _run_chromium(binary, profile, host.as_uri(), "--window-size=1400,900", "--dump-dom")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


# The hostile article and two more with every verdict between them, opened by a source line,
# with a 300-character token (a long URL) that must wrap rather than widen the page.
SCREENED = (
    "# source: https://example.org/2025/deepseek-v3-costs\n"
    + HOSTILE
    + (REPO / "examples" / "deepseek_costs.txt").read_text("utf-8")
    + (REPO / "flopcheck/evals/data/real/articles/04_genspark_gpt4_training.txt").read_text("utf-8")
    + "\nSee https://example.org/"
    + "x" * 300
    + " for the 2,048 H800 GPUs.\n"
)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_page_fits_desktop_and_phone_screens(tmp_path: Path, chromium: str, width: int) -> None:
    report = check(SCREENED, backend="rules", source="/tmp/corpus/hostile.txt")
    page = render_html(report, SCREENED)
    measured = measure_in_chromium(chromium, page, width, tmp_path / "measure")
    assert measured["ready"] == "1"
    for state in ("collapsed", "expanded"):
        assert measured[state]["scroll"] <= measured[state]["client"] <= width, measured
    assert measured["cards"] == [
        f"card-{c.id}" for c in sorted(report.claims, key=lambda c: (c.start, c.id))
    ]
    chips = {chip["text"]: chip for chip in measured["chips"]}
    counts = report.label_counts()
    assert all(counts.values())  # the page under test shows every verdict
    assert set(chips) == {f"{SYMBOL[label]} {n} {label}" for label, n in counts.items() if n}
    for chip in chips.values():
        assert chip["shown"]
        assert chip["width"] > 0
        assert chip["height"] > 0
        assert chip["right"] <= width
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"report-{width}.png"
    shot.unlink(missing_ok=True)
    _run_chromium(
        chromium,
        tmp_path / "shot",
        path.as_uri(),
        f"--screenshot={shot}",
        f"--window-size={width},2400",
    )
    assert shot.stat().st_size > 10_000


def test_the_overflow_measurement_can_fail(tmp_path: Path, chromium: str) -> None:
    text = "DeepSeek-V3 was trained on 2,048 H800 GPUs."
    page = render_html(check(text, backend="rules"), text)
    wide = page.replace("</main>", '<div style="width:900px">too wide</div></main>')
    measured = measure_in_chromium(chromium, wide, 390, tmp_path / "measure")
    assert measured["collapsed"]["scroll"] > measured["collapsed"]["client"]

"""The HTML report: escaping, highlights, overlaps, self-containment, a real headless browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from flopcheck import check
from flopcheck.engine.report import Amount, Claim, Report, Verdict
from flopcheck.plugin.html_report import placed_claims, render_html

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
ARTICLE = (REPO / "flopcheck/evals/data/real/articles" / "founding_bernstein.txt").read_text(
    "utf-8"
)
HOSTILE = (
    "<script>alert('pwned')</script> <img src=x onerror=alert(1)> & \"quotes\"\n\n"
    + ARTICLE
    + "\n\nDeepSeek-V3 cost $5.5M to train on 2,048 H800 GPUs. </article><b>bold?</b>\n"
)


def claim(cid: str, text: str, start: int, end: int, label: str = "refuted") -> Claim:
    """Return a hand-made claim over ``text[start:end]``.

    Args:
        cid: the claim id.
        text: the article text.
        start: span start.
        end: span end.
        label: the verdict label.
    """
    verdict = Verdict.model_validate(
        {
            "label": label,
            "confidence": 0.9,
            "computed": None,
            "ratio": None,
            "explanation": "because <b>",
            "sources": ["<src>"],
        }
    )
    return Claim(
        id=cid,
        quote=text[start:end],
        start=start,
        end=end,
        kind="other",
        claimed=Amount(value=1.0, unit="USD"),
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


def test_every_claim_is_highlighted_and_has_a_card() -> None:
    report = check(HOSTILE, backend="rules")
    assert report.claims
    page = render_html(report, HOSTILE)
    marks = re.findall(r'<a class="claim v-(\w+)" id="q-(c\d+)"', page)
    assert {cid for _, cid in marks} == {c.id for c in placed_claims(report, HOSTILE)}
    for c in report.claims:
        assert f'id="card-{c.id}"' in page
    counts = report.label_counts()
    for label, n in counts.items():
        assert f"{n} {label}</span>" in page
    assert '<meta name="viewport"' in page
    assert "@media print" in page


def test_page_is_self_contained() -> None:
    text = "It cost $5.5M to train DeepSeek-V3 on 2,048 H800s."
    page = render_html(check(text, backend="rules"), text)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page
    assert "<link" not in page


def test_overlapping_claims_are_resolved_deterministically() -> None:
    text = "alpha beta gamma delta epsilon"
    claims = [
        claim("c1", text, 6, 16, "supported"),  # "beta gamma"
        claim("c2", text, 0, 10, "refuted"),  # "alpha beta": starts first, kept
        claim("c3", text, 11, 22, "misleading"),  # "gamma delta": overlaps c1
        claim("c4", text, 23, 30, "unverifiable"),  # "epsilon": disjoint, kept
    ]
    report = Report(source="t", backend="rules", claims=claims)
    assert [c.id for c in placed_claims(report, text)] == ["c2", "c3", "c4"]
    page = render_html(report, text)
    assert page.count('<a class="claim') == 3
    assert 'id="card-c1"' in page
    assert "not marked in the text" in page
    assert "because &lt;b&gt;" in page
    assert "&lt;src&gt;" in page


def test_claims_that_are_not_verbatim_are_not_marked() -> None:
    text = "alpha beta"
    wrong = claim("c1", "xxxxx beta", 0, 5)
    report = Report(source="t", backend="rules", claims=[wrong])
    assert placed_claims(report, text) == []
    assert '<a class="claim' not in render_html(report, text)


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


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; CI must install it (see .ci/run)")
        pytest.skip("chromium is not installed")
    report = check(HOSTILE, backend="rules", source="hostile.txt")
    page = tmp_path / "report.html"
    page.write_text(render_html(report, HOSTILE), encoding="utf-8")
    url = page.as_uri()
    ARTIFACTS.mkdir(exist_ok=True)
    dom, log = _run_chromium(binary, tmp_path / "p1", url, "--dump-dom")
    shots = [("report.png", "800,1200"), ("report-phone.png", "390,844")]
    for name, size in shots:
        shot = ARTIFACTS / name
        shot.unlink(missing_ok=True)
        _, more = _run_chromium(
            binary, tmp_path / name, url, f"--screenshot={shot}", f"--window-size={size}"
        )
        log += more
        assert shot.stat().st_size > 10_000
    problems = [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert problems == []
    assert 'data-ready="1"' in dom  # the inline script ran to its end (CSP hash matched)
    placed = placed_claims(report, HOSTILE)
    assert len(re.findall(r'<a class="claim v-\w+"', dom)) == len(placed) > 0
    assert "&lt;script&gt;alert('pwned')&lt;/script&gt;" in dom
    assert "<img" not in dom

"""Reports of the answer eval: ``report.json`` (everything, machine-readable) and ``report.html``
(metrics against thresholds, per-tag pass-rate bars, latency histogram, every failing turn).

Plots are PNGs drawn with matplotlib's Agg backend (imported lazily) and embedded as base64, so the
page is one self-contained file.
"""

from __future__ import annotations

import base64
import html
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals.answers.runner import EvalReport
from evals.answers.thresholds import THRESHOLDS


def report_dict(report: EvalReport) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "meta": report.meta,
        "metrics": report.metrics,
        "thresholds": {k: {"how": how, "limit": limit} for k, (how, limit) in THRESHOLDS.items()},
        "gate_passed": report.passed_gate,
        "gate_failures": report.gate_failures,
        "tags": report.tags,
        "turns": [asdict(t) | {"passed": t.passed} for t in report.turns],
    }


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(report: EvalReport) -> tuple[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tags = sorted(report.tags.items(), key=lambda kv: kv[1]["pass_rate"])
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.22 * len(tags))))
    ax.barh([t for t, _ in tags], [v["pass_rate"] for _, v in tags], color="#4c72b0")
    ax.set_xlim(0, 1)
    ax.set_xlabel("turn pass rate")
    ax.set_title("Pass rate per tag")
    ax.tick_params(axis="y", labelsize=7)
    bars = _png(fig)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.hist([t.latency_ms for t in report.turns] or [0.0], bins=40, color="#55a868")
    ax.set_xlabel("latency per danmaku (ms)")
    ax.set_ylabel("turns")
    ax.set_title("Answer latency")
    hist = _png(fig)
    plt.close(fig)
    return bars, hist


def _metric_rows(report: EvalReport) -> str:
    rows = []
    for name, value in report.metrics.items():
        gate = THRESHOLDS.get(name)
        if gate is None:
            status, limit = "", ""
        else:
            how, bound = gate
            ok = value >= bound if how == "min" else value <= bound
            status = "pass" if ok else "FAIL"
            limit = f"{'≥' if how == 'min' else '≤'} {bound:g}"
        rows.append(
            f"<tr class='{status.lower()}'><td>{name}</td><td>{value:.4g}</td>"
            f"<td>{limit}</td><td>{status}</td></tr>"
        )
    return "\n".join(rows)


def _failure_rows(report: EvalReport) -> str:
    rows = []
    for t in report.turns:
        if t.passed:
            continue
        cells = (
            f"{t.case_id} #{t.turn}",
            t.question,
            t.reply,
            f"{t.product_id or ''} {t.source}",
            "; ".join(t.problems),
        )
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return "\n".join(rows)


def render_html(report: EvalReport) -> str:
    bars, hist = _plots(report)
    verdict = "passed" if report.passed_gate else "FAILED: " + "; ".join(report.gate_failures)
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>Answer-quality eval</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}}tr.fail td{{background:#fdd}}
tr.pass td{{background:#efe}}</style></head><body>
<h1>Answer-quality eval</h1>
<p>{int(report.metrics.get("cases", 0))} cases, {int(report.metrics.get("turns", 0))} turns.
Gate: {html.escape(verdict)}</p>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>threshold</th><th></th></tr>
{_metric_rows(report)}</table>
<h2>Per tag</h2><img alt="pass rate per tag" src="data:image/png;base64,{bars}">
<h2>Latency</h2><img alt="latency histogram" src="data:image/png;base64,{hist}">
<h2>Failing turns</h2><table><tr><th>case</th><th>question</th><th>reply</th>
<th>product / source</th><th>problems</th></tr>
{_failure_rows(report)}</table></body></html>
"""


def write_reports(report: EvalReport, out_dir: Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.html`` into ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    json_path.write_text(
        json.dumps(report_dict(report), ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path


def print_summary(report: EvalReport, stream: Any = None) -> None:
    """The metrics, one a line, and the gate verdict (CLI output)."""
    out = stream or sys.stdout
    for name, value in report.metrics.items():
        gate = THRESHOLDS.get(name)
        mark = "" if gate is None else f"  (gate {'>=' if gate[0] == 'min' else '<='} {gate[1]:g})"
        out.write(f"{name:32s} {value:10.4g}{mark}\n")
    out.write("gate: " + ("passed" if report.passed_gate else "FAILED") + "\n")

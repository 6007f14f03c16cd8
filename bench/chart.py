"""Draw bench/results/chart.png from bench/results/*.json: requests per second and p99
latency by page type, one bar per database and data size."""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def benchmark_runs():
    """The `make bench` results (database-events.json), not the other benchmarks' files."""
    runs = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*-[0-9]*.json"))]
    # Other benchmarks' files match the pattern too (faults-…, scale-…, records-…).
    runs = [run for run in runs if "database" in run and isinstance(run.get("pages"), dict)]
    # The latest results are also kept under a round's name: each run once.
    runs = list(
        {(run["database"], run.get("date"), run.get("commit")): run for run in runs}.values()
    )
    return sorted(runs, key=lambda run: (run["database"], run.get("date") or ""))


def main():
    runs = benchmark_runs()
    pages = list(dict.fromkeys(page for run in runs for page in run["pages"]))
    figure, (top, middle, bottom) = plt.subplots(3, 1, figsize=(12, 11), sharex=True)
    width = 0.8 / max(len(runs), 1)
    for n, run in enumerate(runs):
        when = (run.get("date") or "")[:16]
        label = f"{run['database']}, {run['events']:,} events, {when} {run.get('commit', '')}"
        xs = [i + (n - (len(runs) - 1) / 2) * width for i in range(len(pages))]
        figures = [run["pages"].get(page, {}) for page in pages]
        top.bar(xs, [f.get("requests_per_second", 0) for f in figures], width, label=label)
        middle.bar(xs, [f.get("ratio_to_static", 0) for f in figures], width, label=label)
        bottom.bar(xs, [f.get("p99_ms", 0) for f in figures], width, label=label)
    # Cached and uncached pages differ by a factor of 100: log scales keep both readable.
    top.set_yscale("log")
    top.set_ylabel("requests per second\n(log; higher is better)")
    middle.set_yscale("log")
    middle.set_ylabel("ratio to the static file\n(log; higher is better)")
    bottom.set_yscale("log")
    bottom.set_ylabel("p99 latency, ms\n(log; lower is better)")
    for axes, value, text in [
        (middle, 0.8, "target, cached event page: 0.8"),
        (middle, 0.1, "target, uncached event page: 0.1"),
        (bottom, 100, "target, uncached event page: 100 ms"),
    ]:
        axes.axhline(value, color="grey", linestyle="--", linewidth=1)
        axes.annotate(
            text, (-0.4, value), xytext=(0, 3), textcoords="offset points", fontsize=8, color="grey"
        )
    bottom.set_xticks(range(len(pages)), pages, rotation=30, ha="right")
    first = runs[0] if runs else {}
    wrk = first.get("wrk", {})
    top.set_title(
        f"Cached unless named uncached; gunicorn {first.get('gunicorn_workers')} sync workers, "
        f"wrk {wrk.get('threads')} threads × {wrk.get('connections')} connections "
        f"(one reader: 1), {first.get('cores')} cores"
    )
    top.legend()
    figure.tight_layout()
    figure.savefig(RESULTS / "chart.png", dpi=100)
    print(f"Wrote {RESULTS / 'chart.png'}")


def markdown():
    """The results as a Markdown table, for bench/README.md."""
    print(
        "| Data | Page | Bytes | req/s | p50 ms | p95 ms | p99 ms | Errors | Static req/s | Ratio |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in benchmark_runs():
        for page, r in run["pages"].items():
            p50, p95, p99 = (
                f"{r[key]:.0f}" if r["requests"] else "—" for key in ("p50_ms", "p95_ms", "p99_ms")
            )
            print(
                f"| {run['database']} {run['events']:,} | {page} | {r['bytes']:,} | "
                f"{r['requests_per_second']:.1f} | {p50} | {p95} | {p99} | {r['errors']} | "
                f"{r['static']['requests_per_second']:.0f} | {r['ratio_to_static']:.3f} |"
            )


if __name__ == "__main__":
    import sys

    if "--markdown" in sys.argv:
        markdown()
    else:
        main()

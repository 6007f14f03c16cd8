"""
Chart of two bench/scale.py runs side by side (CPU ms per request, log scale), for
bench/README.md:

    python bench/scale_chart.py BEFORE.json AFTER.json OUT.png
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(before_path, after_path, out_path):
    before, after = (json.loads(Path(path).read_text()) for path in (before_path, after_path))
    pages = [name for name in after if name != "events" and name in before]
    y = range(len(pages))
    figure, axes = plt.subplots(figsize=(9, 0.32 * len(pages) + 1.2))
    axes.barh(
        [n + 0.2 for n in y],
        [before[p]["median_cpu_ms"] for p in pages],
        0.4,
        label="before (fourth round's code)",
    )
    axes.barh(
        [n - 0.2 for n in y],
        [after[p]["median_cpu_ms"] for p in pages],
        0.4,
        label="after (this round)",
    )
    axes.set_yticks(list(y), pages, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("CPU ms per request (test client, median of 3)")
    axes.set_title(f"One request, {after.get('events', 0):,} events, page cache off")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:4])

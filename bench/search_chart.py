"""
Chart of bench/search_timing.py runs before and after (p50 and p95, wall and CPU), for
bench/README.md:

    python bench/search_chart.py results/search-10000.json results/search-chart.png
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(figures_path, out_path):
    figures = json.loads(Path(figures_path).read_text())
    rows = []
    for database in ("sqlite", "postgresql"):
        for clock in ("wall_ms", "cpu_ms"):
            for share in ("p50", "p95"):
                if database in figures:
                    runs = figures[database]
                    rows.append(
                        (
                            f"{database} {share} {clock.split('_')[0]}",
                            min(run[clock][share] for run in runs["before"]),
                            min(run[clock][share] for run in runs["after"]),
                        )
                    )
    y = range(len(rows))
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(rows) + 1.2))
    axes.barh([n + 0.2 for n in y], [row[1] for row in rows], 0.4, label="before (main)")
    axes.barh([n - 0.2 for n in y], [row[2] for row in rows], 0.4, label="after (documents)")
    axes.set_yticks(list(y), [row[0] for row in rows], fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("ms per search page (60 different searches, one reader, load average ~15)")
    axes.set_title("Search mix, 10,000 events, page cache off")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""
The open-data chart of bench/README.md: each whole-dataset download as a ratio to a static
file of the same bytes from the same server (the issue's floor is 0.5), and its time to first
byte, at 10,000 and 100,000 events, from the files `make bench-data` wrote:

    python bench/data_chart.py results/data-sqlite-10000.json \
        results/data-postgresql-100000.json results/data-chart.png
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(figures, path):
    database = "PostgreSQL" if "postgresql" in Path(path).name else "SQLite"
    return f"{figures['events']:,} events, {database}"


def main(*arguments):
    *inputs, output = arguments
    runs = [
        (label(json.loads(Path(p).read_text()), p), json.loads(Path(p).read_text())) for p in inputs
    ]
    names = list(runs[0][1]["downloads"])
    figure, (ratios, first_bytes) = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / len(runs)
    for index, (name, figures) in enumerate(runs):
        downloads = figures["downloads"]
        places = [n + index * width for n in range(len(names))]
        ratios.bar(places, [downloads[d]["ratio"] for d in names], width, label=name)
        first_bytes.bar(
            places, [downloads[d]["first_byte_s"] * 1000 for d in names], width, label=name
        )
    for axes in (ratios, first_bytes):
        axes.set_xticks([n + width * (len(runs) - 1) / 2 for n in range(len(names))])
        axes.set_xticklabels(
            [runs[0][1]["downloads"][d]["path"].rsplit("/", 1)[1] for d in names],
            rotation=30,
            ha="right",
        )
        axes.legend(fontsize=8)
    ratios.axhline(0.5, color="grey", linestyle="--", linewidth=1)
    ratios.set_ylabel("req/s ÷ static file of the same bytes")
    ratios.set_title("Downloads against a static file (floor 0.5)")
    first_bytes.axhline(1000, color="grey", linestyle="--", linewidth=1)
    first_bytes.set_yscale("log")
    first_bytes.set_ylabel("time to first byte, ms (log)")
    first_bytes.set_title("First byte (limit 1 s)")
    figure.tight_layout()
    figure.savefig(output, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:])

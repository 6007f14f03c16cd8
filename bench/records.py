"""
Import, backup and restore at scale (`make bench-records`, bench/README.md, issue 15).

From the database in BENCH_RECORDS_DATABASE_URL (demo data: `generate_demo_data`):
1. `backup_records`; 2. `restore_records` of it into the empty, migrated database in
BENCH_RECORDS_RESTORE_URL; 3. a backup of the restored database, whose records.jsonl must
be byte for byte the first one's (the round trip is exact); 4. with BENCH_RECORDS_FIXTURE
(a `dumpdata people events --natural-foreign --natural-primary` file), `import_records` of it
into BENCH_RECORDS_IMPORT_URL (empty and migrated). Each command's wall time and peak
resident memory come from GNU time. Prints a Markdown table and writes
bench/results/records-<vendor>.json.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def timed(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.monotonic()
    result = subprocess.run(
        ["/usr/bin/time", "-v", PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    seconds = time.monotonic() - started
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    return {"seconds": round(seconds, 1), "peak_mb": round(peak / 1024), "out": result.stdout}


def records_digest(archive):
    with tarfile.open(archive) as tar:
        digest = hashlib.sha256()
        records = tar.extractfile("records.jsonl")
        for block in iter(lambda: records.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    source = os.environ["BENCH_RECORDS_DATABASE_URL"]
    target = os.environ["BENCH_RECORDS_RESTORE_URL"]
    results = {"load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        results["backup"] = timed(source, "backup_records", "--output-dir", first)
        (archive,) = Path(first).glob("records-*.tar.gz")
        results["backup"]["bytes"] = archive.stat().st_size
        results["restore"] = timed(target, "restore_records", str(archive))
        timed(target, "backup_records", "--output-dir", second)
        (again,) = Path(second).glob("records-*.tar.gz")
        results["round_trip_exact"] = records_digest(archive) == records_digest(again)
    fixture = os.environ.get("BENCH_RECORDS_FIXTURE")
    if fixture:
        results["import"] = timed(os.environ["BENCH_RECORDS_IMPORT_URL"], "import_records", fixture)
    vendor = "postgresql" if source.startswith("postgres") else "sqlite"
    label = os.environ.get("BENCH_RECORDS_LABEL")
    vendor = f"{vendor}-{label}" if label else vendor
    for step in ("backup", "restore", "import"):
        if step in results:
            print(f"| {step} | {results[step]['seconds']} s | {results[step]['peak_mb']} MB |")
            results[step].pop("out")
    print("round trip exact:", results["round_trip_exact"])
    out = ROOT / "bench" / "results" / f"records-{vendor}.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    return 0 if results["round_trip_exact"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""Turns bench/run.sh's raw.tsv into the Markdown table of docs/performance.md (medians per size and tool)."""
import csv
import statistics
import sys
from collections import defaultdict


def main(path: str) -> None:
    runs = defaultdict(list)
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            runs[(int(row["size"]), row["tool"])].append(row)

    print("| rows | tool | wall s (median) | runs (s) | rows/s | peak RSS MB | txetl / psql |")
    print("|---:|---|---:|---|---:|---:|---:|")
    for size in sorted({s for s, _ in runs}):
        psql = statistics.median(float(r["wall_s"]) for r in runs[(size, "psql \\copy")]) if (size, "psql \\copy") in runs else None
        for tool in ("psql \\copy", "pgloader", "txetl run"):
            rows = runs.get((size, tool))
            if not rows:
                continue
            walls = [float(r["wall_s"]) for r in rows]
            wall = statistics.median(walls)
            rss = max(int(r["rss_kb"]) for r in rows) / 1024
            note = ""
            reported = [float(r["reported_s"]) for r in rows if r.get("reported_s")]
            if reported:
                note = f" (own report: {statistics.median(reported):.2f} s)"
            ratio = f"{wall / psql:.2f}x" if tool == "txetl run" and psql else ""
            each = ", ".join(f"{w:.2f}" for w in walls)
            print(f"| {size:,} | {tool} | {wall:.2f}{note} | {each} | {size / wall:,.0f} | {rss:.0f} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])

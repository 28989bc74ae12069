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

    print("| rows | tool | wall s (median) | runs (s) | rows/s | peak RSS MB | client CPU s | txetl / psql (median of per-run ratios) |")
    print("|---:|---|---:|---|---:|---:|---:|---:|")
    for size in sorted({s for s, _ in runs}):
        psql_by_run = {r["run"]: float(r["wall_s"]) for r in runs.get((size, "psql \\copy"), [])}
        for tool in ("psql \\copy", "pgloader", "txetl run", "txetl run, header only", "txetl run (JIT)", "txetl run (JIT), header only"):
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
            ratios = [float(r["wall_s"]) / psql_by_run[r["run"]] for r in rows if r["run"] in psql_by_run]
            ratio = f"{statistics.median(ratios):.2f}x" if tool.startswith("txetl run") and "header only" not in tool and ratios else ""
            cpu = [float(r["cpu_s"]) for r in rows if r.get("cpu_s")]
            cpu_text = f"{statistics.median(cpu):.1f}" if cpu else ""
            each = ", ".join(f"{w:.2f}" for w in walls)
            rate = f"{size / wall:,.0f}" if "header only" not in tool else ""
            print(f"| {size:,} | {tool} | {wall:.2f}{note} | {each} | {rate} | {rss:.0f} | {cpu_text} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])

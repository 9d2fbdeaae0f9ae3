"""Print locust's CSV statistics as one markdown table per run."""
import csv
import sys
from pathlib import Path

for path in sys.argv[1:]:
    users = Path(path).name.split("-")[1].split("_")[0]
    print(f"\n### {users} concurrent users\n")
    print("| page | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
            print(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
                  f"| {row['50%']} | {row['95%']} | {row['99%']} |")

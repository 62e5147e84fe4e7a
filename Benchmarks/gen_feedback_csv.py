#!/usr/bin/env python3
"""A feedback export for the import-csv benchmark (SPEC §17: >= 20,000 rows/s).

    python3 Benchmarks/gen_feedback_csv.py --rows 100000 --out feedback.csv

Columns as a generic NPS survey export (`--preset nps`): Response ID, Date,
Email, Name, Score, Comment. Respondents repeat (about one in five rows is a
new customer), comments hold commas, quotes and now and then a line break,
and the rows are in time order with a few minutes between them. Prints the
NPS of the file, computed here independently of ethos, on stderr.
"""
import argparse
import csv
import random
import sys
from datetime import datetime, timedelta

COMMENTS = [
    "", "", "", "Great service", "Slow to answer, but polite", 'They said "we will call back" and did',
    "Lost my booking,\nnever said sorry", "Fine", "Best stay this year", "Room was not ready",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=0, help="distinct respondents (default rows / 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    customers = args.customers or max(1, args.rows // 5)
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Response ID", "Date", "Email", "Name", "Score", "Comment"])
    time = datetime(2024, 1, 1, 8, 0, 0)
    promoters = detractors = 0
    for index in range(args.rows):
        time += timedelta(seconds=rng.randint(30, 300))
        who = rng.randrange(customers)
        score = rng.choices(range(11), weights=[2, 1, 1, 2, 2, 3, 4, 8, 12, 14, 12])[0]
        promoters += score >= 9
        detractors += score <= 6
        writer.writerow([
            f"R{index + 1:07d}", time.strftime("%Y-%m-%d %H:%M:%S"), f"Customer.{who}@Example.com",
            f"Customer {who}", score, rng.choice(COMMENTS),
        ])
    if out is not sys.stdout:
        out.close()
    nps = round(100 * (promoters - detractors) / args.rows, 1)
    print(f"rows {args.rows} promoters {promoters} detractors {detractors} nps {nps}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side benchmark of ethos and the Python `eventsourcing` peer (SPEC §10).

For each workload size (interactions, from ../shared/bench/gen_workload.py):
- ingest: `ethos run` of the whole script into a fresh store; events/s.
- rebuild: snapshots deleted (they are a cache), then `ethos query matrix`:
  every event read, decoded and folded from scratch; events/s.
- rebuild net of open+query: the same minus the open+query time below, so
  process start-up and opening count once, as in the peer's in-process timing.
- open+query: `ethos query matrix` on the store with its snapshot; wall ms.
- REPL statement latency: 2,000 `log` statements each committed alone (as the
  REPL does) on a copy of the store; p50 and p99 ms.
- peak RSS of the rebuild.
With ETHOS_BENCH_POSTGRES=postgres://USER@HOST:PORT/DB (a server that may
be written to; each run uses a schema of its own, dropped afterwards), the
same columns for a log on PostgreSQL at each size in PG_SIZES, plus `follow`
latency: how long after an `ethos run` of one statement exits a running
`ethos follow --format json` prints it (NOTIFY on PostgreSQL, polling on
SQLite), median and worst of FOLLOW_APPENDS appends.
Each ethos figure is the median of RUNS runs. The peer (one transaction per
command, as its docstring says) runs once per size in PEER_SIZES: it takes
minutes. Ratios are ethos / peer on the same file, same machine, same run.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
ETHOS = os.environ.get("ETHOS_BIN", os.path.join(ROOT, ".build", "release", "ethos"))
OUT = os.environ.get("OUT", os.path.join(ROOT, ".build", "bench"))
RUNS = int(os.environ.get("RUNS", "3"))
SIZES = [int(s) for s in os.environ.get("SIZES", "100000 300000 1000000").split()]
PEER_SIZES = [int(s) for s in os.environ.get("PEER_SIZES", "100000").split()]
POSTGRES = os.environ.get("ETHOS_BENCH_POSTGRES", "")
PG_SIZES = [int(s) for s in os.environ.get("PG_SIZES", "100000 1000000").split()]
PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")
FOLLOW_APPENDS = int(os.environ.get("FOLLOW_APPENDS", "20"))


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS in MB, stdout, stderr)."""
    full = ["/usr/bin/time", "-f", "%e %M"] + cmd
    start = time.perf_counter()
    kw.setdefault("stdout", subprocess.PIPE)
    proc = subprocess.run(full, stderr=subprocess.PIPE, text=True, **kw)
    wall = time.perf_counter() - start
    if proc.returncode not in (0,):
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    last = proc.stderr.strip().splitlines()[-1].split()
    return wall, int(last[1]) / 1024.0, proc.stdout, proc.stderr


def ethos(*args):
    return [ETHOS] + list(args)


def workload(n):
    path = os.path.join(OUT, "w%d.ethos" % n)
    if not os.path.exists(path):
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_workload.py"),
                            "--interactions", str(n)], stdout=f, check=True)
    return path


def events_in(store):
    out = subprocess.run(ethos("query", "history last=1", "--format", "json", "--store", store),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["items"][0]["seq"]


def drop_snapshots(store):
    subprocess.run(["sqlite3", store, "DELETE FROM snapshots;"], check=True)


def latency_script():
    path = os.path.join(OUT, "latency.ethos")
    rnd = random.Random(3)
    with open(path, "w") as f:
        for _ in range(2000):
            f.write("log e%d with c%d mode=%s outcome=%+d did=courteous\n" % (
                rnd.randrange(200), rnd.randrange(2000), rnd.choice(["relationship", "transaction"]),
                rnd.choice([-1, 0, 1, 2])))
    return path


def remove(store):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix):
            os.remove(store + suffix)


# Personal data in clear, as before it was sealed (SPEC §17: sealing must cost
# at most 1.5× of ingest and rebuild against this, measured in the same run).
CLEAR = dict(os.environ, ETHOS_ENVELOPE_VERSION="1")


def bench_size(n):
    script = workload(n)
    store = os.path.join(OUT, "ethos-%d.sqlite" % n)
    clear = os.path.join(OUT, "ethos-%d-v1.sqlite" % n)
    ingest, rebuild, rss, opens, p50s, p99s = [], [], [], [], [], []
    ingest_v1, rebuild_v1 = [], []
    events = 0
    # Sealed and clear runs alternate, so the machine's load falls on both alike.
    for _ in range(RUNS):
        remove(store)
        wall, _, _, _ = timed(ethos("run", script, "--store", store), stdout=subprocess.DEVNULL)
        events = events_in(store)
        ingest.append(events / wall)
        remove(clear)
        wall, _, _, _ = timed(ethos("run", script, "--store", clear), stdout=subprocess.DEVNULL, env=CLEAR)
        ingest_v1.append(events_in(clear) / wall)
    for _ in range(RUNS):
        drop_snapshots(store)
        wall, peak, _, _ = timed(ethos("query", "matrix", "--format", "json", "--store", store))
        rebuild.append(events / wall)
        rss.append(peak)
        drop_snapshots(clear)
        wall, _, _, _ = timed(ethos("query", "matrix", "--format", "json", "--store", clear), env=CLEAR)
        rebuild_v1.append(events / wall)
    remove(clear)
    timed(ethos("query", "matrix", "--format", "json", "--store", store))  # leaves a snapshot if any
    for _ in range(RUNS):
        wall, _, _, _ = timed(ethos("query", "matrix", "--format", "json", "--store", store))
        opens.append(wall * 1000)
    copy = store + ".latency.sqlite"
    for _ in range(RUNS):
        remove(copy)
        subprocess.run(ethos("query", "matrix", "--store", store), capture_output=True)
        shutil.copy(store, copy)
        proc = subprocess.run(ethos("run", "--statement-timings", latency_script(), "--store", copy),
                              capture_output=True, text=True, check=True)
        words = proc.stderr.strip().splitlines()[-1].split()
        p50s.append(float(words[3]))
        p99s.append(float(words[6]))
    remove(copy)
    open_s = statistics.median(opens) / 1000
    rebuild_s = events / statistics.median(rebuild)
    row = {"size": n, "events": events, "ingest": statistics.median(ingest),
           "rebuild": statistics.median(rebuild), "open_ms": statistics.median(opens),
           "fold": events / max(1e-9, rebuild_s - open_s),
           "p50_ms": statistics.median(p50s), "p99_ms": statistics.median(p99s), "rss_mb": max(rss),
           "ingest_v1": statistics.median(ingest_v1), "rebuild_v1": statistics.median(rebuild_v1)}
    if n in PEER_SIZES:
        db = os.path.join(OUT, "peer-%d.sqlite" % n)
        proc = subprocess.run([sys.executable, os.path.join(SHARED, "bench", "peer_eventsourcing.py"),
                               script, "--db", db], capture_output=True, text=True, check=True)
        peer = json.loads(proc.stdout)
        row["peer_ingest"] = peer["events"] / peer["ingest_s"]
        row["peer_rebuild"] = peer["events"] / peer["rebuild_s"]
        row["peer_fold"] = row["peer_rebuild"]
        row["peer_events"] = peer["events"]
        row["matrix_match"] = matrix_matches(store, peer["matrix"])
    return row


def psql(sql):
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([PSQL, "-q", "-v", "ON_ERROR_STOP=1", POSTGRES, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL, env=env)


def pg_store(schema):
    return POSTGRES + ("&" if "?" in POSTGRES else "?") + "schema=" + schema


def bench_postgres(n):
    """The SQLite columns for a log on PostgreSQL: each ingest into a new schema."""
    script = workload(n)
    ingest, rebuild, rss, opens, p50s, p99s = [], [], [], [], [], []
    events = 0
    schema = None
    for run in range(RUNS):
        if schema:
            psql("DROP SCHEMA %s CASCADE" % schema)
        schema = "bench_%d_%d_%d" % (n, run, os.getpid())
        wall, _, _, _ = timed(ethos("run", script, "--store", pg_store(schema)), stdout=subprocess.DEVNULL)
        events = events_in(pg_store(schema))
        ingest.append(events / wall)
    store = pg_store(schema)
    try:
        # What autovacuum does soon after a bulk load: without it the first scans
        # of fresh rows set their hint bits, writing every page they read.
        psql("VACUUM ANALYZE %s.events" % schema)
        for _ in range(RUNS):
            psql("DELETE FROM %s.snapshots" % schema)
            wall, peak, _, _ = timed(ethos("query", "matrix", "--format", "json", "--store", store))
            rebuild.append(events / wall)
            rss.append(peak)
        timed(ethos("query", "matrix", "--format", "json", "--store", store))  # leaves a snapshot
        for _ in range(RUNS):
            wall, _, _, _ = timed(ethos("query", "matrix", "--format", "json", "--store", store))
            opens.append(wall * 1000)
        for _ in range(RUNS):
            # On the log itself (no cheap copy of a schema): 2,000 more events on 100k or 1M.
            proc = subprocess.run(ethos("run", "--statement-timings", latency_script(), "--store", store),
                                  capture_output=True, text=True, check=True)
            words = proc.stderr.strip().splitlines()[-1].split()
            p50s.append(float(words[3]))
            p99s.append(float(words[6]))
    finally:
        psql("DROP SCHEMA %s CASCADE" % schema)
    open_s = statistics.median(opens) / 1000
    rebuild_s = events / statistics.median(rebuild)
    return {"size": n, "events": events, "ingest": statistics.median(ingest),
            "rebuild": statistics.median(rebuild), "open_ms": statistics.median(opens),
            "fold": events / max(1e-9, rebuild_s - open_s),
            "p50_ms": statistics.median(p50s), "p99_ms": statistics.median(p99s), "rss_mb": max(rss)}


def follow_latency(store):
    """ms from an appending process's start (and from its exit) to `ethos follow`
    printing the event: the start includes that process's launch, opening and
    commit, so the two bound what a person sees."""
    one = os.path.join(OUT, "follow-one.ethos")
    subprocess.run(ethos("run", "/dev/null", "--store", store), check=True, capture_output=True)
    follower = subprocess.Popen(ethos("follow", "--format", "json", "--store", store),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    from_start, from_exit = [], []
    try:
        time.sleep(1.0)  # listening
        for i in range(FOLLOW_APPENDS):
            with open(one, "w") as f:
                f.write('customer follow%d "Follow %d"\n' % (i, i))
            started = time.perf_counter()
            subprocess.run(ethos("run", one, "--store", store), check=True, capture_output=True)
            appended = time.perf_counter()
            line = follower.stdout.readline()
            printed = time.perf_counter()
            from_start.append((printed - started) * 1000)
            from_exit.append(max(0.0, printed - appended) * 1000)
            if ('"follow%d"' % i) not in line:
                sys.exit("follow printed something else: %r" % line)
            time.sleep(0.05)
    finally:
        follower.terminate()
        follower.wait()
    return statistics.median(from_start), max(from_start), statistics.median(from_exit), max(from_exit)


def matrix_matches(store, peer):
    out = subprocess.run(ethos("query", "matrix", "--format", "json", "--store", store),
                         capture_output=True, text=True, check=True).stdout
    mine = json.loads(out)
    keys = ("interactions", "mean", "positive")
    same = all(mine["cells"][a][c][k] == peer["cells"][a][c][k]
               for a in ("customers", "staff") for c in ("normal", "stress") for k in keys)
    return same and mine["balance"] == peer["balance"] and mine["weakest"] == peer["weakest"]


def ratio(row, key):
    peer = row.get("peer_" + key)
    return " (%.0f×)" % (row[key] / peer) if peer else ""


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for n in SIZES:
        print("benchmarking %d interactions…" % n, file=sys.stderr, flush=True)
        rows.append(bench_size(n))
    print("| interactions | events | ingest ev/s (vs peer) | rebuild ev/s, whole process (vs peer) | "
          "rebuild ev/s, net of open+query (vs peer) | open+query ms | REPL p50 ms | REPL p99 ms | "
          "rebuild peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %d | %d | %.0f%s | %.0f%s | %.0f%s | %.1f | %.3f | %.3f | %.1f |" % (
            r["size"], r["events"], r["ingest"], ratio(r, "ingest"), r["rebuild"], ratio(r, "rebuild"),
            r["fold"], ratio(r, "fold"), r["open_ms"], r["p50_ms"], r["p99_ms"], r["rss_mb"]))
    print("\npersonal data sealed (envelope 2) against in clear (envelope 1), same run:")
    for r in rows:
        print("  %d interactions: ingest %.0f vs %.0f ev/s (%.2f× the time), rebuild %.0f vs %.0f ev/s (%.2f× the time)"
              % (r["size"], r["ingest"], r["ingest_v1"], r["ingest_v1"] / r["ingest"], r["rebuild"],
                 r["rebuild_v1"], r["rebuild_v1"] / r["rebuild"]))
    for r in rows:
        if "peer_ingest" in r:
            print("\npeer at %d interactions: %d events, ingest %.0f ev/s, rebuild %.0f ev/s; matrix identical: %s"
                  % (r["size"], r["peer_events"], r["peer_ingest"], r["peer_rebuild"], r["matrix_match"]))
    if POSTGRES:
        pg_rows = []
        for n in PG_SIZES:
            print("benchmarking %d interactions on PostgreSQL…" % n, file=sys.stderr, flush=True)
            pg_rows.append(bench_postgres(n))
        print("\nPostgreSQL (%s):\n" % POSTGRES.split("@")[-1])
        print("| interactions | events | ingest ev/s | rebuild ev/s, whole process | rebuild ev/s, net of open+query | "
              "open+query ms | REPL p50 ms | REPL p99 ms | rebuild peak RSS MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in pg_rows:
            print("| %d | %d | %.0f | %.0f | %.0f | %.1f | %.3f | %.3f | %.1f |" % (
                r["size"], r["events"], r["ingest"], r["rebuild"], r["fold"], r["open_ms"], r["p50_ms"],
                r["p99_ms"], r["rss_mb"]))
        schema = "bench_follow_%d" % os.getpid()
        try:
            pg_follow = follow_latency(pg_store(schema))
        finally:
            psql("DROP SCHEMA IF EXISTS %s CASCADE" % schema)
        sqlite_store = os.path.join(OUT, "follow.sqlite")
        remove(sqlite_store)
        sqlite_follow = follow_latency(sqlite_store)
        print("\nfollow latency over %d appends, from the appending `ethos run`'s start (its exit) to the line "
              "printed, median / worst ms:" % FOLLOW_APPENDS)
        print("PostgreSQL (NOTIFY): %.0f / %.0f (%.0f / %.0f); SQLite (polling): %.0f / %.0f (%.0f / %.0f)"
              % (pg_follow + sqlite_follow))
    print("\nmachine: %d cores, %s; medians of %d runs (peer: 1 run)" % (
        os.cpu_count(), os.uname().machine, RUNS))


if __name__ == "__main__":
    main()

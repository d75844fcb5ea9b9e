"""Fault drills: one part of the loopback cluster (`make cluster`) breaks under mixed traffic.

    python -m deploy.drills.faults primary-restart   # PostgreSQL primary restarted
    python -m deploy.drills.faults replica-stop      # the read replica stopped, then started
    python -m deploy.drills.faults redis-stop        # Redis stopped, then started
    python -m deploy.drills.faults node-kill         # app node 1 killed (SIGKILL), then started
    python -m deploy.drills.faults all --seconds 20  # each in turn, shorter (make drills-short)

Traffic runs `--seconds` (30) at `--connections` (16) (deploy/drills/traffic.py); the fault
comes after a third of it, and the part is mended after two thirds. Each prints its figures and
exits 1 when a target is missed:

- primary-restart: the site acknowledges a write again within 5 s of the primary being back
  (reads go on from the replica meanwhile), and every write acknowledged (a redirect after
  the POST) is in the database afterwards, counted row by row;
- replica-stop: no 5xx (reads fall back to the primary);
- redis-stop: public pages keep answering (no 5xx among them) and no acknowledged write is lost;
  sign-ups are refused with a 503 while the rate-limit counters are unreachable, by design;
- node-kill: no failed request once the balancer's health check has noticed (2 checks 1 s
  apart, so 3 s after the kill), and none lost.
"""

import argparse
import sys
import threading
import time

from deploy.drills import traffic

PUBLIC = ("search", "hub", "api", "browse")
NOTICE_SECONDS = 3.0  # fall 2 x inter 1 s in deploy/haproxy.cfg, and a margin


def _under_traffic(directory, args, fault, mend=None):
    """Run traffic; break at a third, mend at two thirds; return results and the timings."""
    load = traffic.Traffic(directory, port=args.port, connections=args.connections)
    runner = threading.Thread(target=load.run, args=(args.seconds,))
    start = time.monotonic()
    runner.start()
    time.sleep(args.seconds / 3)
    timings = {"fault": time.monotonic()}
    fault()
    timings["fault done"] = time.monotonic()
    if mend:
        time.sleep(max(0.0, start + 2 * args.seconds / 3 - time.monotonic()))
        timings["mend"] = time.monotonic()
        mend()
        timings["mend done"] = time.monotonic()
    runner.join()
    return load.results, timings


def primary_restart(directory, args):
    results, t = _under_traffic(directory, args, lambda: traffic.ctl("restart", "primary"))
    failures = [r for r in traffic.failed(results.records) if r.started >= t["fault"] - 1]
    writes_after = [
        r.started + r.seconds
        for r in results.records
        if r.kind in traffic.WRITES and r.status == 302 and r.started + r.seconds > t["fault done"]
    ]
    # From the primary accepting connections again to the first write the site acknowledged.
    recovered = min(writes_after, default=float("inf")) - t["fault done"]
    lost = traffic.writes_lost(results)
    figures = {
        "pg_ctl restart (stop, then start) took (s)": round(t["fault done"] - t["fault"], 2),
        "failed requests (5xx or no answer)": len(failures),
        "failed, by kind and status": _by_status((r.kind, r.status) for r in failures),
        "first write acknowledged after the primary was back (s)": round(max(recovered, 0), 2),
        "writes acknowledged": len(results.signups) + len(results.joins) + len(results.rsvps),
        "acknowledged writes lost": lost,
    }
    return figures, recovered < 5 and lost == 0


def replica_stop(directory, args):
    results, t = _under_traffic(
        directory,
        args,
        lambda: traffic.ctl("stop", "replica"),
        lambda: traffic.ctl("start", "replica"),
    )
    failures = traffic.failed(results.records)
    lost = traffic.writes_lost(results)
    down = results.of(since=t["fault"], until=t["mend"])
    figures = {
        "requests while the replica was down": len(down),
        "public pages while down": traffic.latency_line([r for r in down if r.kind in PUBLIC]),
        "5xx or no answer": len(failures),
        "acknowledged writes lost": lost,
    }
    return figures, not failures and lost == 0


def redis_stop(directory, args):
    results, t = _under_traffic(
        directory, args, lambda: traffic.ctl("stop", "redis"), lambda: traffic.ctl("start", "redis")
    )
    down = results.of(since=t["fault"], until=t["mend"])
    public = [r for r in down if r.kind in PUBLIC]
    public_failed = traffic.failed([r for r in results.records if r.kind in PUBLIC])
    lost = traffic.writes_lost(results)
    figures = {
        "public pages while Redis was down": f"{len(public)}, {traffic.latency_line(public)}",
        "public pages failed (5xx or no answer)": len(public_failed),
        "sign-ups refused with 503 while down (by design)": sum(
            1 for r in down if r.kind == "signup" and r.status == 503
        ),
        "join requests while down, by status": _by_status(
            r.status for r in down if r.kind == "join"
        ),
        "acknowledged writes lost": lost,
    }
    return figures, not public_failed and lost == 0


def node_kill(directory, args):
    results, t = _under_traffic(
        directory,
        args,
        lambda: traffic.ctl("kill", "node", 1),
        lambda: traffic.ctl("start", "node", 1),
    )
    noticed = t["fault"] + NOTICE_SECONDS
    before = traffic.failed(results.of(since=t["fault"], until=noticed))
    after = traffic.failed(results.of(since=noticed))
    lost = traffic.writes_lost(results)
    figures = {
        f"failed in the {NOTICE_SECONDS:.0f} s before the health check notices": len(before),
        "failed after it noticed (node 1 down, then back)": len(after),
        "requests after it noticed": len(results.of(since=noticed)),
        "acknowledged writes lost": lost,
    }
    return figures, not after and lost == 0


def _by_status(keys):
    counts = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


DRILLS = {
    "primary-restart": primary_restart,
    "replica-stop": replica_stop,
    "redis-stop": redis_stop,
    "node-kill": node_kill,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drill", choices=[*DRILLS, "all"])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=58000, help="the balancer's port")
    args = parser.parse_args()

    traffic.cluster_settings()
    from django.db import connections

    names = list(DRILLS) if args.drill == "all" else [args.drill]
    directory = traffic.Directory.prepare(joiners=40, tag=f"faults{int(time.time())}")
    connections.close_all()
    traffic.warm_up(directory, port=args.port, seconds=4)
    passed = True
    for name in names:
        print(f"== {name}: load average before {traffic.load_average()}")
        figures, ok = DRILLS[name](directory, args)
        connections.close_all()
        for key, value in figures.items():
            print(f"{key}: {value}")
        print(f"{name}: {'passed' if ok else 'FAILED'}; load average {traffic.load_average()}")
        passed = passed and ok
        time.sleep(3)  # Let the mended part come back in the balancer's checks.
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()

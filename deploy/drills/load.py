"""Load drill: mixed traffic through the balancer of the loopback cluster (`make cluster`).

    python -m deploy.drills.load                     # 60 s at 32 connections
    python -m deploy.drills.load --seconds 20        # shorter, for CI
    python -m deploy.drills.load --rate 40           # open loop: 40 requests/s offered
    python -m deploy.drills.load --kinds search      # one kind alone: its CPU per request

Searches of many places and industries, hub pages, the GeoJSON API, the lists, sign-ups and
join requests and RSVPs (deploy/drills/traffic.py). Prints the
answers by kind, the 5xx, the search page's p50 and p99, and the acknowledged writes missing from
the database; exits 1 on any 5xx, unanswered request or lost write. The p99 target (250 ms) is
reported, not enforced: it depends on what else the machine runs (the load average is printed).

The drill's figure is the closed loop: 32 connections, each sending its next request as soon as
the last is answered, so the latency is mostly the wait behind the other 31 (over all requests,
about connections / throughput; HAProxy's queue gives most of that wait to the writes, which it
serves after the reads: deploy/haproxy.cfg). `--rate` offers a stated rate instead (open loop,
latency counted from when each request was due): a figure to give beside the closed loop's,
never instead of it.
"""

import argparse
import sys
import time

from deploy.drills import traffic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=58000, help="the balancer's port")
    parser.add_argument(
        "--rate", type=float, help="open loop: requests per second offered over all connections"
    )
    parser.add_argument(
        "--kinds",
        type=lambda text: text.split(","),
        default=list(traffic.MIX),
        help="comma-separated kinds of the mix to send, in their weights (default: all)",
    )
    args = parser.parse_args()

    cluster_dir = traffic.cluster_settings()
    from django.db import connections

    directory = traffic.Directory.prepare(joiners=60, tag=f"load{int(time.time())}")
    connections.close_all()
    traffic.warm_up(directory, port=args.port)
    print(f"load average before: {traffic.load_average()}")
    mix = {kind: traffic.MIX[kind] for kind in args.kinds}
    loop = f"open loop at {args.rate:g} requests/s" if args.rate else "closed loop"
    print(f"{args.seconds:.0f} s of {', '.join(mix)} at {args.connections} connections, {loop}...")
    meter = traffic.CpuMeter(cluster_dir)
    meter.start()
    started = time.monotonic()
    results = traffic.Traffic(
        directory, port=args.port, connections=args.connections, mix=mix, rate=args.rate
    ).run(args.seconds)
    cpu = meter.stop()
    ended = time.monotonic()
    load_after = traffic.load_average()
    records = results.records
    for kind in mix:
        mine = results.of(kind)
        statuses = sorted({r.status for r in mine})
        print(
            f"  {kind:7} {len(mine):6} requests, statuses {statuses}, {traffic.latency_line(mine)}"
        )
    search = results.of("search")
    search_p99 = traffic.percentile([r.seconds * 1000 for r in search], 0.99)
    lost = traffic.writes_lost(results)
    figures = {
        "requests": len(records),
        # Over the time the run took: an overloaded open loop runs past --seconds.
        "seconds taken": round(ended - started, 1),
        "requests per second": round(len(records) / (ended - started), 1),
        **({"requests per second offered": args.rate} if args.rate else {}),
        "5xx or no answer": len(traffic.failed(records)),
        "search page": traffic.latency_line(search),
        "all pages": traffic.latency_line(records),
        "search p99 under 250 ms": "yes" if search_p99 < 250 else "no",
        "sign-ups acknowledged": len(results.signups),
        "join requests acknowledged": len(results.joins),
        "RSVPs acknowledged": len(results.rsvps),
        "acknowledged writes lost": lost,
        **{
            f"CPU ms per request, {part}": round(1000 * seconds / max(len(records), 1), 1)
            for part, seconds in cpu.items()
        },
        "cores busy, whole machine (anyone's work)": round(
            cpu["whole machine"] / (ended - started), 2
        ),
        "load average after": load_after,
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    sys.exit(0 if figures["5xx or no answer"] == 0 and lost == 0 else 1)


if __name__ == "__main__":
    main()

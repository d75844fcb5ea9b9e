"""Runs wrk against a page on this machine and reads throughput and latency from its report."""

import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_LATENCY = re.compile(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_responses: int  # Non-2xx or 3xx.
    socket_errors: int


def parse(report):
    """The figures of wrk's ``--latency`` report."""
    latency = {int(p): float(v) * _UNIT_MS[unit] for p, v, unit in _LATENCY.findall(report)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    return Load(
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", report)[1]),
        p50_ms=latency[50],
        p99_ms=latency[99],
        requests=int(re.search(r"(\d+) requests in", report)[1]),
        bad_responses=int(bad[1]) if bad else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


UNIQUE_PATHS_SCRIPT = Path(__file__).resolve().parent / "unique_paths.lua"


def run(url, *, threads, connections, seconds, paths_file=None, first_line=1):
    """Load ``url`` (on 127.0.0.1 only) for ``seconds``; returns the figures as a dict.

    With ``paths_file``, every request asks for a different path of that file (one a line),
    from ``first_line`` on, on the server of ``url``.
    """
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"The benchmark only loads pages on 127.0.0.1, not {url}.")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if paths_file:
        command += ["-s", str(UNIQUE_PATHS_SCRIPT), url, "--"]
        command += [str(paths_file), str(first_line), str(threads)]
    else:
        command.append(url)
    finished = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return asdict(parse(finished.stdout))


def version():
    finished = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (finished.stdout or finished.stderr).split("[")[0].strip()

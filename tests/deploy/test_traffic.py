"""The drills' traffic: the open loop's schedule and latencies, and what the CPU meter counts."""

import http.server
import random
import threading
import time

import pytest

from deploy.drills import traffic


def _directory(**overrides):
    directory = traffic.Directory(
        places=["Ogden, UT"],
        industries=[("Sheep Farming", "sheep")],
        hubs=[(1, "a-hub")],
        joiners=[],
    )
    for name, value in overrides.items():
        setattr(directory, name, value)
    return directory


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # Keep-alive, as the balancer answers.
    seconds = 0.1

    def do_GET(self):
        time.sleep(self.seconds)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    """A server answering each GET in 0.1 s, one at a time per connection."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_send_times_are_exponential_gaps_from_now(monkeypatch):
    monkeypatch.setattr(traffic.time, "monotonic", lambda: 100.0)
    expected, gaps = [], random.Random(7)
    due = 100.0
    for _ in range(3):
        due += gaps.expovariate(4.0)
        expected.append(due)

    schedule = traffic.send_times(random.Random(7), 4.0)

    assert [next(schedule) for _ in range(3)] == expected


def test_send_times_keep_the_rate_on_average():
    schedule = traffic.send_times(random.Random(1), 50.0)
    first = next(schedule)

    last = [next(schedule) for _ in range(10_000)][-1]

    assert 10_000 / (last - first) == pytest.approx(50.0, rel=0.03)


def test_closed_loop_sends_each_request_once_the_last_is_answered(slow_server):
    load = traffic.Traffic(_directory(), port=slow_server, connections=1, mix={"hub": 1})

    records = load.run(0.5).records

    assert [r.status for r in records] == [200] * len(records)
    assert len(records) >= 3
    for before, after in zip(records, records[1:], strict=False):
        assert after.started >= before.started + before.seconds
    assert all(0.1 <= r.seconds < 0.3 for r in records)  # The answer's time, no wait.


def test_open_loop_counts_latency_from_when_a_request_was_due(slow_server):
    # 40 requests a second offered to a connection that answers 10: each waits behind the
    # ones before it, and that wait is part of its latency.
    load = traffic.Traffic(_directory(), port=slow_server, connections=1, mix={"hub": 1}, rate=40)

    records = load.run(0.5).records

    due = [r.started for r in records]
    assert due == sorted(due)
    assert all(r.started < records[0].started + 0.5 for r in records)
    assert len(records) >= 10  # Every request due within the 0.5 s is sent, however late.
    waits = [r.seconds for r in records]
    assert waits[-1] > 0.4  # The last waited behind the others: about 0.1 s each.
    assert waits[-1] > waits[0] + 0.3


def test_visitors_stop_when_every_write_asked_for_is_done(slow_server):
    load = traffic.Traffic(
        _directory(rsvps_left=[], joins_left=[]),
        port=slow_server,
        connections=2,
        mix={"rsvp": 1, "join": 1},
    )
    started = time.monotonic()

    records = load.run(5).records

    assert records == []
    assert time.monotonic() - started < 1


def test_cpu_meter_counts_the_load_generator_and_no_missing_part(tmp_path):
    meter = traffic.CpuMeter(tmp_path)  # No pid file: no cluster part is running.
    meter.start()
    busy_until = time.process_time() + 0.2
    while time.process_time() < busy_until:
        pass

    spent = meter.stop()

    assert list(spent) == [
        "app nodes",
        "postgresql",
        "haproxy",
        "redis",
        "worker and scheduler",
        "load generator",
        "whole machine",
    ]
    assert [spent[part] for part in list(spent)[:5]] == [0.0] * 5
    assert spent["load generator"] == pytest.approx(0.2, abs=0.05)
    assert spent["whole machine"] >= spent["load generator"] - 0.02  # Clock ticks round.

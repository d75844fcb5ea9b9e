"""deploy/haproxy.cfg run by HAProxy in front of a stand-in node: what waits, and in what order.

Skipped where HAProxy is not installed (`make cluster` installs Debian's).
"""

import http.client
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"
SLOTS_PER_NODE = 4  # The config's `maxconn` per node.

pytestmark = pytest.mark.skipif(shutil.which("haproxy") is None, reason="HAProxy not installed")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Node(http.server.ThreadingHTTPServer):
    """Answers /readyz at once; every other request is held until `release` says so, and the
    order the requests reached it is kept."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _NodeHandler)
        self.arrived = []
        self.lock = threading.Lock()
        self.release = threading.Semaphore(0)


class _NodeHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self):
        if self.path != "/readyz":
            with self.server.lock:
                self.server.arrived.append(f"{self.command} {self.path}")
            self.server.release.acquire(timeout=30)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer()

    def log_message(self, *args):
        pass


@pytest.fixture
def balancer(tmp_path):
    """HAProxy with the shipped config, both nodes pointing at one stand-in node."""
    node = _Node()
    threading.Thread(target=node.serve_forever, daemon=True).start()
    port = _free_port()
    address = f"127.0.0.1:{node.server_address[1]}"
    env = {**os.environ, "HUBS_BIND": f"127.0.0.1:{port}", "HUBS_NODE1": address}
    env["HUBS_NODE2"] = address
    process = subprocess.Popen(
        ["haproxy", "-db", "-f", str(CONFIG)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            assert time.monotonic() < deadline, "HAProxy did not start"
            time.sleep(0.05)
    yield port, node
    for _ in range(100):
        node.release.release()  # Nothing left held.
    process.terminate()
    process.wait(timeout=10)
    node.shutdown()
    node.server_close()


def _send(port, method, path, answers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = "going=yes" if method == "POST" else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    connection.request(method, path, body=body, headers=headers)
    answers[f"{method} {path}"] = connection.getresponse().status
    connection.close()


def _wait_for(predicate, seconds=5):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_queued_read_goes_before_an_earlier_write_and_nothing_queued_fails(balancer):
    port, node = balancer
    answers = {}
    threads = []

    def send(method, path):
        thread = threading.Thread(target=_send, args=(port, method, path, answers))
        thread.start()
        threads.append(thread)

    for n in range(2 * SLOTS_PER_NODE):  # Every slot of both nodes busy.
        send("GET", f"/busy{n}")
    _wait_for(lambda: len(node.arrived) == 2 * SLOTS_PER_NODE)
    send("POST", "/meetings/1/rsvp/")  # Waits in HAProxy's queue...
    time.sleep(0.3)
    send("GET", "/search/")  # ...and so does this read, sent after it.
    time.sleep(2.5)  # Longer than `timeout connect`, which `timeout queue` would default to.
    assert len(node.arrived) == 2 * SLOTS_PER_NODE  # Both still queued,
    assert answers == {}  # not given up with a 503.

    node.release.release()  # One slot frees: the read takes it.
    _wait_for(lambda: len(node.arrived) == 2 * SLOTS_PER_NODE + 1)
    node.release.release()
    _wait_for(lambda: len(node.arrived) == 2 * SLOTS_PER_NODE + 2)
    for _ in range(2 * SLOTS_PER_NODE + 2):
        node.release.release()
    for thread in threads:
        thread.join(timeout=10)

    assert node.arrived[2 * SLOTS_PER_NODE :] == ["GET /search/", "POST /meetings/1/rsvp/"]
    assert answers == {
        **{f"GET /busy{n}": 200 for n in range(2 * SLOTS_PER_NODE)},
        "GET /search/": 200,
        "POST /meetings/1/rsvp/": 200,
    }

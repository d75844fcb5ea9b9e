"""Mixed traffic against the loopback cluster (deploy/cluster/), for the load and fault drills.

Each connection is a thread with one keep-alive HTTP connection to the balancer, from an address
of its own (127.0.1.N: loopback answers on all of 127/8), so the per-address sign-up limit counts
each like a separate visitor. The mix: searches of many places and industries, hub pages, the
GeoJSON API, the lists, sign-ups (a new visitor each) and join requests (people signed in with a
business of their own). Every write that was acknowledged (a redirect after the POST) is kept,
so a drill can count afterwards that each is in the database.

RSVPs are not in the mix: the site has no meetings yet.
"""

import http.client
import os
import random
import re
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CTL = ROOT / "deploy" / "cluster" / "ctl.sh"
PASSWORD = "a long passphrase for the cluster drills"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Kind of request: weight in the mix.
MIX = {"search": 40, "hub": 18, "api": 14, "browse": 18, "signup": 3, "join": 7}
WRITES = ("signup", "join")


def cluster_settings():
    """Django set up with the cluster's production environment, reaching its primary."""
    cluster_dir = Path(os.environ.get("CLUSTER_DIR", "/tmp/industry-hubs-cluster"))
    env_file = cluster_dir / "app.env"
    if not env_file.exists():
        raise SystemExit(f"No cluster at {cluster_dir}: run `make cluster` first.")
    for line in env_file.read_text().splitlines():
        name, _, value = line.partition("=")
        os.environ[name] = value
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    return cluster_dir


def ctl(*args):
    """Break or mend one part of the cluster (deploy/cluster/ctl.sh)."""
    subprocess.run(["bash", str(CTL), *map(str, args)], check=True)


def _process_tree(pid):
    """A process and its children (gunicorn's workers, PostgreSQL's backends)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *map(int, children.split())]


def _cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # Ended since it was listed.
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


class CpuMeter:
    """CPU seconds the app nodes and the PostgreSQL servers spend between start and stop: per
    request, a figure the machine's other load does not inflate the way latency is inflated."""

    def __init__(self, cluster_dir):
        self.dir = Path(cluster_dir)

    def _parts(self):
        parts = {"app nodes": [], "postgresql": []}
        for n in (1, 2):
            pidfile = self.dir / f"node{n}.pid"
            if pidfile.exists():
                parts["app nodes"] += _process_tree(int(pidfile.read_text()))
        for name in ("primary", "replica"):
            pidfile = self.dir / name / "postmaster.pid"
            if pidfile.exists():
                parts["postgresql"] += _process_tree(int(pidfile.read_text().split()[0]))
        return parts

    def start(self):
        self.pids = self._parts()
        self.started = {part: _cpu_seconds(pids) for part, pids in self.pids.items()}

    def stop(self):
        return {part: _cpu_seconds(pids) - self.started[part] for part, pids in self.pids.items()}


def load_average():
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


@dataclass
class Directory:
    """What the traffic asks for: places, industries, hubs, and people who may join hubs."""

    places: list[str]
    industries: list[tuple[str, str]]  # (title, slug)
    hubs: list[tuple[int, str]]  # (pk, slug)
    joiners: list[tuple[str, int]]  # (session key, business pk)
    # (session key, business pk, hub pk, hub slug) not asked yet: each pair joins once, across
    # every run of traffic on this directory.
    joins_left: list[tuple[str, int, int, str]] = field(default_factory=list)

    def __post_init__(self):
        self.joins_left = [
            (session, business, hub_pk, hub_slug)
            for session, business in self.joiners
            for hub_pk, hub_slug in self.hubs
        ]
        random.Random(1).shuffle(self.joins_left)

    @classmethod
    def prepare(cls, *, joiners, tag):
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from accounts.models import User
        from hubs.models import Business, Hub, Industry, Place, Region

        places = [
            f"{name}, {country}"
            for name, country in Place.objects.filter(kind="city")
            .order_by("-population")
            .values_list("name", "country")[:400]
        ] or ["Ogden, UT"]
        industries = list(Industry.objects.values_list("title", "slug"))
        hubs = list(Hub.objects.approved().values_list("pk", "slug"))
        region, _ = Region.objects.get_or_create(
            slug="drill",
            defaults={
                "name": "Drill",
                "kind": Region.Kind.METRO,
                "latitude": -45,
                "longitude": -140,
            },
        )
        industry = Industry.objects.order_by("code").first()
        people = []
        for n in range(joiners):
            user = User.objects.create_user(
                f"{tag}-joiner{n}", f"{tag}-joiner{n}@drill.test", PASSWORD
            )
            business = Business.objects.create(
                name=f"{tag} Drill Business {n}",
                city="Drill",
                industry=industry,
                region=region,
                latitude=-45.0,
                longitude=-140.0,
                town_latitude=-45.0,
                town_longitude=-140.0,
            )
            business.owners.add(user)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            people.append((session.session_key, business.pk))
        return cls(places=places, industries=industries, hubs=hubs, joiners=people)


@dataclass
class Record:
    kind: str
    started: float  # time.monotonic()
    seconds: float
    status: int  # 0: no answer (connection refused, reset or timed out)


@dataclass
class Results:
    records: list[Record] = field(default_factory=list)
    signups: list[str] = field(default_factory=list)  # emails acknowledged
    joins: list[tuple[int, int]] = field(default_factory=list)  # (business, hub) acknowledged

    def of(self, kind=None, since=float("-inf"), until=float("inf")):
        return [
            r
            for r in self.records
            if (kind is None or r.kind == kind) and since <= r.started < until
        ]


def failed(records):
    """5xx answers and requests that got no answer at all."""
    return [r for r in records if r.status == 0 or r.status >= 500]


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_line(records):
    ms = [r.seconds * 1000 for r in records]
    return f"p50 {percentile(ms, 0.5):.0f} ms, p99 {percentile(ms, 0.99):.0f} ms (n={len(ms)})"


class Connection:
    """One visitor's keep-alive connection to the balancer, from an address of its own."""

    def __init__(self, port, source):
        self.port, self.source = port, source
        self.http = None

    def request(self, method, path, *, body=None, cookies=None):
        headers = {"Host": "127.0.0.1", "Connection": "keep-alive"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.http is None:
                self.http = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30, source_address=(self.source, 0)
                )
            try:
                self.http.request(method, path, body=body, headers=headers)
                response = self.http.getresponse()
                content = response.read()
                return response.status, response.getheaders(), content
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The balancer closed a kept-alive connection: a new one, once (as browsers do).
                self.close()
                if attempt == 2 or body is not None:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.http is not None:
            self.http.close()
            self.http = None


def _cookies(headers):
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


class Traffic:
    """`connections` threads sending the mix for `seconds` (or until stopped)."""

    def __init__(self, directory, *, port, connections=32, seed=1):
        self.directory = directory
        self.port = port
        self.connections = connections
        self.results = Results()
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.random = random.Random(seed)
        self.signup_counter = 0

    def run(self, seconds):
        threads = [
            threading.Thread(target=self._visitor, args=(n, seconds), daemon=True)
            for n in range(self.connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.results

    def stop(self):
        self.stop_event.set()

    def _visitor(self, n, seconds):
        rng = random.Random(self.random.random())
        connection = Connection(self.port, f"127.0.1.{n + 1}")
        kinds, weights = zip(*MIX.items(), strict=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.stop_event.is_set():
            kind = rng.choices(kinds, weights)[0]
            started = time.monotonic()
            try:
                status = getattr(self, f"_{kind}")(connection, rng)
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            if status is None:
                continue  # Nothing left to do of that kind.
            record = Record(kind, started, time.monotonic() - started, status)
            with self.lock:
                self.results.records.append(record)
            if status == 0:
                time.sleep(0.05)  # No answer: don't spin while the balancer has no node.
        connection.close()

    def _get(self, connection, path):
        return connection.request("GET", path)[0]

    def _search(self, connection, rng):
        title, _ = rng.choice(self.directory.industries)
        place = rng.choice(self.directory.places)
        query = urllib.parse.urlencode({"industry": title, "near": place})
        return self._get(connection, f"/search/?{query}")

    def _hub(self, connection, rng):
        return self._get(connection, f"/hubs/{rng.choice(self.directory.hubs)[1]}/")

    def _api(self, connection, rng):
        _, slug = rng.choice(self.directory.industries)
        place = rng.choice(self.directory.places)
        query = urllib.parse.urlencode({"industry": slug, "near": place})
        return self._get(connection, f"/hubs.geojson?{query}")

    def _browse(self, connection, rng):
        path = rng.choice(
            [
                "/",
                "/hubs/",
                "/businesses/",
                f"/industries/{rng.choice(self.directory.industries)[1]}/",
            ]
        )
        return self._get(connection, path)

    def _form_post(self, connection, path, fields, cookies):
        status, headers, page = connection.request("GET", path, cookies=cookies)
        if status != 200:
            return status
        cookies = {**cookies, **_cookies(headers)}
        token = CSRF_FIELD.search(page.decode())[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        return connection.request("POST", path, body=body, cookies=cookies)[0]

    def _signup(self, connection, rng):
        with self.lock:
            self.signup_counter += 1
            email = f"visitor{self.signup_counter}-{os.getpid()}-{int(time.time())}@drill.test"
        fields = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        status = self._form_post(connection, "/accounts/signup/", fields, {})
        if status == 302:
            with self.lock:
                self.results.signups.append(email)
        return status

    def _join(self, connection, rng):
        with self.lock:
            if not self.directory.joins_left:
                return None
            session, business, hub_pk, hub_slug = self.directory.joins_left.pop()
        cookies = {"sessionid": session}
        status = self._form_post(
            connection, f"/hubs/{hub_slug}/join/", {"business": business}, cookies
        )
        if status == 302:
            with self.lock:
                self.results.joins.append((business, hub_pk))
        return status


def writes_lost(results):
    """Acknowledged writes missing from the primary, counted row by row."""
    from accounts.models import User
    from hubs.models import Membership

    emails = set(results.signups)
    found = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    pairs = set(results.joins)
    memberships = set(
        Membership.objects.filter(business_id__in={b for b, _ in pairs}).values_list(
            "business_id", "hub_id"
        )
    )
    return len(emails - found) + len(pairs - memberships)


def warm_up(directory, *, port, seconds=8):
    """Each app process loads its industry index on its first search: not part of a figure."""
    readers = Directory(directory.places, directory.industries, directory.hubs, joiners=[])
    Traffic(readers, port=port, connections=8, seed=99).run(seconds)

"""Mixed traffic against the loopback cluster (deploy/cluster/), for the load and fault drills.

Each connection is a thread with one keep-alive HTTP connection to the balancer, from an address
of its own (127.0.1.N: loopback answers on all of 127/8), so the per-address sign-up limit counts
each like a separate visitor. The mix: searches of many places and industries, hub pages, the
GeoJSON API, the lists, sign-ups (a new visitor each), join requests and RSVPs to meetings
(people signed in with a business of their own). Every write that was acknowledged (a redirect
after the POST) is kept, so a drill can count afterwards that each is in the database.
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
MIX = {"search": 40, "hub": 16, "api": 14, "browse": 16, "signup": 3, "join": 6, "rsvp": 5}
WRITES = ("signup", "join", "rsvp")


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


def _cpu_ticks(pid, *, reaped_children):
    """utime + stime of a process, plus its ended children's when asked (cutime + cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0  # Ended since it was listed.
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if reaped_children else 0)


def _tree_cpu_seconds(pid):
    """CPU seconds of a server and its children so far: the live ones read one by one, and the
    ones that ended (PostgreSQL backends, recycled gunicorn workers) from the parent's count."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    ticks = _cpu_ticks(pid, reaped_children=True)
    ticks += sum(_cpu_ticks(int(child), reaped_children=False) for child in children.split())
    return ticks / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds():
    """CPU seconds the whole machine spent busy so far (every core, anyone's processes)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds each part of the cluster spends between start and stop: per request, a figure
    the machine's other load does not inflate the way latency is inflated. The load generator
    (this process, every thread) is counted too: on one machine it takes cores from the
    servers it measures."""

    def __init__(self, cluster_dir):
        self.dir = Path(cluster_dir)

    def _pid(self, name):
        pidfile = self.dir / name
        return int(pidfile.read_text().split()[0]) if pidfile.exists() else None

    def _read(self):
        parts = {
            "app nodes": ["node1.pid", "node2.pid"],
            "postgresql": ["primary/postmaster.pid", "replica/postmaster.pid"],
            "haproxy": ["haproxy.pid"],
            "redis": ["redis.pid"],
            "worker and scheduler": ["worker.pid", "scheduler.pid"],
        }
        seconds = {
            part: sum(_tree_cpu_seconds(pid) for name in names if (pid := self._pid(name)))
            for part, names in parts.items()
        }
        seconds["load generator"] = time.process_time()
        seconds["whole machine"] = _machine_busy_seconds()
        return seconds

    def start(self):
        self.started = self._read()

    def stop(self):
        return {part: seconds - self.started[part] for part, seconds in self._read().items()}


def load_average():
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


@dataclass
class Directory:
    """What the traffic asks for: places, industries, hubs, and people who may join hubs."""

    places: list[str]
    industries: list[tuple[str, str]]  # (title, slug)
    hubs: list[tuple[int, str]]  # (pk, slug)
    joiners: list[tuple[str, int, int]]  # (session key, business pk, user pk)
    meetings: list[int] = field(default_factory=list)  # upcoming meetings' pks
    join_hubs: list[tuple[int, str]] = field(default_factory=list)  # hubs someone organizes
    # (session key, business pk, hub pk, hub slug) not asked yet: each pair joins once, across
    # every run of traffic on this directory; the same for RSVPs (session, user pk, meeting pk).
    joins_left: list[tuple[str, int, int, str]] = field(default_factory=list)
    rsvps_left: list[tuple[str, int, int]] = field(default_factory=list)

    def __post_init__(self):
        self.joins_left = [
            (session, business, hub_pk, hub_slug)
            for session, business, _ in self.joiners
            for hub_pk, hub_slug in self.join_hubs
        ]
        self.rsvps_left = [
            (session, user, meeting)
            for session, _, user in self.joiners
            for meeting in self.meetings
        ]
        random.Random(1).shuffle(self.joins_left)
        random.Random(2).shuffle(self.rsvps_left)

    @classmethod
    def prepare(cls, *, joiners, tag):
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.utils import timezone

        from accounts.models import User
        from hubs import services
        from hubs.models import Business, Hub, Industry, Meeting, Membership, Place, Region

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
            people.append((session.session_key, business.pk, user.pk))
        soon = timezone.now() + timezone.timedelta(days=7)
        meetings = [
            Meeting.objects.create(
                hub_id=hub_pk,
                title=f"{tag} drill meeting",
                starts_at=soon,
                ends_at=soon + timezone.timedelta(hours=2),
                is_online=True,
                online_url="https://meet.example.org/drill",
                capacity=20,  # Some answers land on the waitlist: that path is exercised too.
            ).pk
            for hub_pk, _ in hubs[:10]
        ]
        # Joining asks a hub's organizers: only hubs someone runs take requests (the others
        # offer to claim the hub), so the first ten get an organizer when they have none.
        join_hubs = []
        for n, hub in enumerate(Hub.objects.approved().order_by("pk")[:10]):
            if not services.organizer_emails(hub):
                organizer = User.objects.create_user(
                    f"{tag}-organizer{n}", f"{tag}-organizer{n}@drill.test", PASSWORD
                )
                business = Business.objects.create(
                    name=f"{tag} Drill Organizer {n}",
                    city="Drill",
                    industry=hub.industry,
                    region=region,
                    latitude=-45.0,
                    longitude=-140.0,
                    town_latitude=-45.0,
                    town_longitude=-140.0,
                )
                business.owners.add(organizer)
                Membership.objects.create(
                    hub=hub,
                    business=business,
                    role=Membership.Role.ORGANIZER,
                    state=Membership.State.ACTIVE,
                )
            join_hubs.append((hub.pk, hub.slug))
        return cls(places, industries, hubs, joiners=people, meetings=meetings, join_hubs=join_hubs)


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
    rsvps: list[tuple[int, int]] = field(default_factory=list)  # (user, meeting) acknowledged

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


def send_times(rng, rate):
    """When one open-loop connection's requests are due (time.monotonic()): a Poisson process
    of `rate` per second (exponential gaps), as independent visitors arrive."""
    due = time.monotonic()
    while True:
        due += rng.expovariate(rate)
        yield due


def _cookies(headers):
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


class Traffic:
    """`connections` threads sending the mix for `seconds` (or until stopped).

    Closed loop by default: each connection sends its next request as soon as the last one is
    answered, so the rate is whatever the servers give and the latency grows with the queue.
    With `rate` (requests per second over all connections), open loop: each connection sends
    at its share of the rate, at random (exponential) intervals, and a request's latency counts
    from the time it was due, so a request held back behind a slow one is counted late too;
    every request due within `seconds` is sent, so an overloaded run lasts longer.
    `mix` (kind: weight) replaces MIX, to measure one kind at a time.
    """

    def __init__(self, directory, *, port, connections=32, seed=1, mix=None, rate=None):
        self.directory = directory
        self.port = port
        self.connections = connections
        self.mix = mix or MIX
        self.rate = rate
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
        kinds, weights = zip(*self.mix.items(), strict=True)
        deadline = time.monotonic() + seconds
        schedule = send_times(rng, self.rate / self.connections) if self.rate else None
        while not self.stop_event.is_set():
            kind = rng.choices(kinds, weights)[0]
            # Open loop: every request due within the run is sent, however late: the latest
            # are the slowest, and leaving them out would flatter the p99.
            started = time.monotonic() if schedule is None else next(schedule)
            if started >= deadline:
                break
            if schedule and self.stop_event.wait(max(0.0, started - time.monotonic())):
                break
            try:
                status = getattr(self, f"_{kind}")(connection, rng)
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            if status is None:  # Nothing left to do of that kind.
                if self._all_done(kinds):
                    break  # Only writes were asked for, and every one is done: don't spin.
                continue
            record = Record(kind, started, time.monotonic() - started, status)
            with self.lock:
                self.results.records.append(record)
            if status == 0:
                time.sleep(0.05)  # No answer: don't spin while the balancer has no node.
        connection.close()

    def _all_done(self, kinds):
        left = {"join": self.directory.joins_left, "rsvp": self.directory.rsvps_left}
        with self.lock:
            return all(kind in left and not left[kind] for kind in kinds)

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

    def _form_post(self, connection, path, fields, cookies, *, form_page=None):
        status, headers, page = connection.request("GET", form_page or path, cookies=cookies)
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

    def _rsvp(self, connection, rng):
        with self.lock:
            if not self.directory.rsvps_left:
                return None
            session, user, meeting = self.directory.rsvps_left.pop()
        status = self._form_post(
            connection,
            f"/meetings/{meeting}/rsvp/",
            {"going": "yes"},
            {"sessionid": session},
            form_page=f"/meetings/{meeting}/",
        )
        if status == 302:
            with self.lock:
                self.results.rsvps.append((user, meeting))
        return status


def writes_lost(results):
    """Acknowledged writes missing from the primary, counted row by row."""
    from accounts.models import User
    from hubs.models import Membership, Rsvp

    emails = set(results.signups)
    found = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    pairs = set(results.joins)
    memberships = set(
        Membership.objects.filter(business_id__in={b for b, _ in pairs}).values_list(
            "business_id", "hub_id"
        )
    )
    answers = set(results.rsvps)
    answered = set(
        Rsvp.objects.filter(user_id__in={u for u, _ in answers}).values_list(
            "user_id", "meeting_id"
        )
    )
    return len(emails - found) + len(pairs - memberships) + len(answers - answered)


def warm_up(directory, *, port, seconds=8):
    """Each app process loads its industry index on its first search: not part of a figure."""
    readers = Directory(directory.places, directory.industries, directory.hubs, joiners=[])
    readers.meetings = []
    Traffic(readers, port=port, connections=8, seed=99).run(seconds)

"""Mail drill: the mail server is down while people sign up and ask to join a hub; every action
succeeds, and once the server is back every message goes out exactly once.

    python -m deploy.drills.mail                  # SMTP down for 60 s
    python -m deploy.drills.mail --down-seconds 10  # shorter, for CI

It starts its own site (gunicorn), task worker (`manage.py db_worker`) and, later, a local SMTP
server (aiosmtpd) that records each message's Message-ID, on a PostgreSQL database of its own
(created and dropped; --database-url to choose another). It prints the figures and exits 1 when
a message was lost or sent twice, or an action failed.
"""

import argparse
import http.cookiejar
import logging
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PASSWORD = "a long passphrase for the mail drill"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, *, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"Nothing answered on port {port} within {timeout} s.")


class Recorder:
    """The SMTP server's handler: every message it accepts, by Message-ID."""

    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        match = re.search(rb"^Message-ID:\s*(\S+)", envelope.content, re.MULTILINE | re.IGNORECASE)
        self.message_ids.append(match[1].decode() if match else "(none)")
        return "250 Message accepted for delivery"


class Browser:
    """One visitor: cookies, and the CSRF token Django puts in each form."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def post_form(self, path, fields):
        page = self.opener.open(self.base + path, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        try:
            return self.opener.open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code


def setup_directory(*, joiners):
    """A hub with two organizers, and people with a business each and a signed-in session."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from hubs.models import Business, Hub, Industry, Membership, Region

    industry = Industry.objects.create(code="999901", title="Drill Industry", slug="drill")
    region = Region.objects.create(
        name="Drill Region", slug="drill", kind=Region.Kind.METRO, latitude=-45, longitude=-140
    )
    place = {"latitude": -45.0, "longitude": -140.0, "region": region, "industry": industry}
    hub = Hub.objects.create(name="Drill Hub", status=Hub.Status.APPROVED, **place)
    for n in range(2):
        organizer = User.objects.create_user(f"organizer{n}", f"organizer{n}@drill.test", PASSWORD)
        business = Business.objects.create(
            name=f"Organizer Business {n}", city="Drill", town_latitude=-45, town_longitude=-140,
            **place,
        )  # fmt: skip
        business.owners.add(organizer)
        Membership.objects.create(
            hub=hub, business=business, role=Membership.Role.ORGANIZER, state="active"
        )
    sessions = []
    for n in range(joiners):
        user = User.objects.create_user(f"joiner{n}", f"joiner{n}@drill.test", PASSWORD)
        business = Business.objects.create(
            name=f"Joiner Business {n}", city="Drill", town_latitude=-45, town_longitude=-140,
            **place,
        )  # fmt: skip
        business.owners.add(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append((session.session_key, business.pk))
    return hub.slug, sessions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down-seconds", type=float, default=60.0)
    parser.add_argument("--signups", type=int, default=12)
    parser.add_argument("--joins", type=int, default=12)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    owns_database = not args.database_url
    database_url = args.database_url or "postgres://postgres@127.0.0.1:5432/ih_drill_mail"
    smtp_port, web_port = free_port(), free_port()
    work = Path(tempfile.mkdtemp(prefix="mail-drill-"))
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(work / "media"),
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
        # Retries 1, 2, 4 ... 64 s apart: a minute's outage is bridged within a few attempts.
        "MAIL_RETRY_BASE_SECONDS": "1",
        "MAIL_MAX_ATTEMPTS": "12",
        "REDIS_URL": "",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    if owns_database:
        _recreate_database(database_url)
    call_command("migrate", verbosity=0)
    hub_slug, sessions = setup_directory(joiners=args.joins)
    connections.close_all()

    logs = open(work / "processes.log", "w")  # noqa: SIM115 (open for the processes' lifetime)
    processes = [
        subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "2"],
            cwd=ROOT, env=env, stdout=logs, stderr=logs,
        ),
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay",
             "--no-reload"],
            cwd=ROOT, env=env, stdout=logs, stderr=logs,
        ),
    ]  # fmt: skip
    smtp = None
    try:
        wait_for_port(web_port)
        started = time.monotonic()
        print(f"SMTP down for {args.down_seconds:.0f} s; signing up and joining over HTTP...")
        statuses = _act(f"http://127.0.0.1:{web_port}", hub_slug, sessions, args.signups)
        acted = time.monotonic() - started
        time.sleep(max(0.0, args.down_seconds - acted))

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-line chatter

        recorder = Recorder()
        smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        back = time.monotonic()
        print(f"SMTP back after {back - started:.0f} s; waiting for the outbox to empty...")
        drained = _wait_for_outbox(timeout=args.down_seconds + 180)
        figures = _figures(statuses, recorder.message_ids)
        figures["seconds from SMTP back to outbox empty"] = round(drained - back, 1)
    finally:
        if smtp:
            smtp.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        logs.close()
        connections.close_all()
        if owns_database:
            _drop_database(database_url)
    for name, value in figures.items():
        print(f"{name}: {value}")
    ok = figures["messages lost"] == figures["duplicates"] == figures["actions failed"] == 0
    sys.exit(0 if ok else 1)


def _act(base, hub_slug, sessions, signups):
    from urllib.parse import urlsplit

    statuses = []
    for n in range(signups):
        fields = {"email": f"new{n}@drill.test", "password1": PASSWORD, "password2": PASSWORD}
        statuses.append(Browser(base).post_form("/accounts/signup/", fields))
    for session_key, business in sessions:
        browser = Browser(base)
        cookie = http.cookiejar.Cookie(
            0, "sessionid", session_key, None, False, urlsplit(base).hostname, False, False,
            "/", True, False, None, False, None, None, {},
        )  # fmt: skip
        for handler in browser.opener.handlers:
            if isinstance(handler, urllib.request.HTTPCookieProcessor):
                handler.cookiejar.set_cookie(cookie)
        statuses.append(browser.post_form(f"/hubs/{hub_slug}/join/", {"business": business}))
    return statuses


def _wait_for_outbox(*, timeout):
    from hubs.models import OutgoingMail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutgoingMail.objects.unsent().exists():
            return time.monotonic()
        time.sleep(0.5)
    return time.monotonic()


def _figures(statuses, received):
    from accounts.models import User
    from hubs.models import Membership, OutgoingMail

    expected = {f"<{key}@" for key in OutgoingMail.objects.values_list("key", flat=True)}
    received_keys = [message_id.split("@")[0] + "@" for message_id in received]
    return {
        "actions": len(statuses),
        "actions failed": sum(1 for status in statuses if status >= 400),
        "sign-ups saved": User.objects.filter(email__startswith="new").count(),
        "join requests saved": Membership.objects.filter(state="requested").count(),
        "messages queued": len(expected),
        "messages received": len(received),
        "delivery attempts": sum(OutgoingMail.objects.values_list("attempts", flat=True)),
        "messages lost": len(expected - set(received_keys)),
        "duplicates": len(received_keys) - len(set(received_keys)),
    }


def _admin_connection(database_url):
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    admin = parts._replace(path="/postgres").geturl()
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def _recreate_database(database_url):
    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(database_url):
    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

"""Browser fixtures: the demo site served by a real server, and Debian's Chromium via Playwright.

The server runs in its own process on a fresh SQLite file holding the demo data, so the journeys
see what a newcomer sees after `make run`.
"""

import functools
import html
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CURATOR = ("curator@example.org", "curators keep the directory true")
NODE_MODULES = Path(__file__).resolve().parent / "node_modules"

_CREATE_CURATOR = """
from accounts.models import User
from allauth.account.models import EmailAddress
user = User.objects.create_superuser("curator", {email!r}, {password!r})
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""


@pytest.fixture(scope="session")
def site_server(tmp_path_factory):
    """The demo site served by a real server; its mail is written to files."""
    folder = tmp_path_factory.mktemp("site")
    mail_dir = folder / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_ENV": "development",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(folder / "media"),
    }
    env.pop("DEBUG", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo", "-v0"], env=env, check=True, cwd=ROOT)
    email, password = CURATOR
    script = _CREATE_CURATOR.format(email=email, password=password)
    subprocess.run([*manage, "shell", "-v0", "-c", script], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/about/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("The site did not start within 20 seconds.")
        yield {"url": url, "mail_dir": mail_dir}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def site_url(site_server):
    return site_server["url"]


@pytest.fixture
def read_mail(site_server):
    """The newest message sent to an address, as text, waiting a little for it."""
    import email as email_parser

    def read(address, *, containing=""):
        for _ in range(50):
            files = sorted(site_server["mail_dir"].glob("*.log"), key=lambda f: f.stat().st_mtime)
            for path in reversed(files):
                for raw in path.read_text().split("-" * 79):
                    message = email_parser.message_from_string(raw.strip())
                    if address in (message.get("To") or "") and containing in raw:
                        return message.get_payload(decode=True).decode()
            time.sleep(0.1)
        pytest.fail(f"No mail to {address} containing {containing!r}.")

    return read


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, site_url):
    """A page whose off-site requests (map tiles) are refused, as on a machine offline.

    The test fails on console errors and on requests to any host but the site and the tiles.
    """
    context = browser.new_context(base_url=site_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.offsite = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site_url):
            request_route.continue_()
        else:
            if "tile.openstreetmap.org" not in url:
                page.offsite.append(url)
            request_route.abort()

    page.route("**/*", route)
    yield page
    context.close()


class _QuietFileHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def partner_site(site_url, tmp_path):
    """A partner's site on another origin (localhost, another port) that puts one of our maps on
    its page with the snippet ("Put ... on your website") that one of our pages gives. Returns a
    function of that page's path and, optionally, another iframe size; it answers the partner
    page's URL."""
    folder = tmp_path / "partner"
    folder.mkdir()
    handler = functools.partial(_QuietFileHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def page_with_snippet(path, *, width=None, height=None):
        with urllib.request.urlopen(site_url + path) as response:
            our_page = response.read().decode()
        code = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', our_page, re.S)[1]
        snippet = html.unescape(code)
        if width:
            snippet = re.sub(
                r'width="\d+" height="\d+"', f'width="{width}" height="{height}"', snippet
            )
        name = f"{re.sub(r'[^a-z0-9]+', '-', path).strip('-')}-{width or 'snippet'}.html"
        (folder / name).write_text(
            f"<!doctype html><title>A partner</title><h1>Our members</h1>{snippet}<p>Footer</p>"
        )
        return f"http://localhost:{server.server_address[1]}/{name}"

    yield page_with_snippet
    server.shutdown()
    server.server_close()

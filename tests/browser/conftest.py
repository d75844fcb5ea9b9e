"""Browser fixtures: the demo site served by a real server, and Debian's Chromium via Playwright.

The server runs in its own process on a fresh SQLite file holding the demo data, so the journeys
see what a newcomer sees after `make run`.
"""

import os
import shutil
import socket
import subprocess
import sys
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


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    database = tmp_path_factory.mktemp("site") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_ENV": "development"}
    env.pop("DEBUG", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo", "-v0"], env=env, check=True, cwd=ROOT)
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
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


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

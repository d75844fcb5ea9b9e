"""Every main page passes axe-core (WCAG 2.2 AA) and the Nu HTML Checker, with no console
error and no request leaving the site except for map tiles."""

import json
import shutil
import subprocess

import pytest

from tests.browser.conftest import CURATOR, NODE_MODULES

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/search/?industry=sporting+goods&near=Ogden%2C+UT",
    "/search/?industry=wineries&near=Provo",
    "/search/?industry=furniture&near=Grand+Rapidz",
    "/hubs/",
    "/hubs/ogden-outdoor-products/",
    "/hubs/ogden-outdoor-products/press/",
    "/industries/",
    "/industries/339920-sporting-and-athletic-goods-manufacturing/",
    "/regions/",
    "/regions/utah-us/",
    "/businesses/",
    "/accounts/signup/",
    "/accounts/login/",
    "/about/",
    "/data/",
]
SIGNED_IN_PAGES = ["/account/", "/list-your-business/", "/start-a-hub/", "/account/delete/"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _axe_script():
    path = NODE_MODULES / "axe-core" / "axe.min.js"
    if not path.exists():
        pytest.fail("axe-core is missing: run `npm ci --prefix tests/browser`.")
    return path.read_text()


def _violations(page):
    page.add_script_tag(content=_axe_script())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: tags});
            return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target).join(", ")}`);
        }""",
        AXE_TAGS,
    )


def _sign_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/account/")


@pytest.fixture
def axe_page(browser, site_url):
    """A page that may inject axe-core despite the Content-Security-Policy."""
    context = browser.new_context(base_url=site_url, bypass_csp=True)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else r.abort())
    yield page
    context.close()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violation(axe_page, path):
    axe_page.goto(path)

    assert _violations(axe_page) == []


def test_signed_in_pages_have_no_axe_violation(axe_page):
    _sign_in(axe_page, *CURATOR)
    found = {}
    for path in SIGNED_IN_PAGES:
        axe_page.goto(path)
        found[path] = _violations(axe_page)

    assert found == {path: [] for path in SIGNED_IN_PAGES}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_console_error_and_no_offsite_request(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")

    assert [e for e in page.errors if "ERR_FAILED" not in e] == []
    assert page.offsite == []


def test_pages_are_valid_html(browser, site_url, tmp_path):
    java = shutil.which("java")
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not java or not jar.exists():
        pytest.fail("The Nu HTML Checker needs java and `npm ci --prefix tests/browser`.")
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    files = []
    for n, path in enumerate(PUBLIC_PAGES):
        response = context.request.get(site_url + path)
        files.append(tmp_path / f"page{n}.html")
        files[-1].write_bytes(response.body())
    _sign_in(page, *CURATOR)
    for n, path in enumerate(SIGNED_IN_PAGES):
        files.append(tmp_path / f"signed{n}.html")
        files[-1].write_bytes(context.request.get(site_url + path).body())
    context.close()

    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )

    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [(m["url"].rsplit("/", 1)[-1], m.get("lastLine"), m["message"]) for m in messages] == []

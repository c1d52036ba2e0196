"""A real server on a loopback port and a real Chromium driven by Playwright, and axe-core to scan pages.

Without Chromium (or, for the scans, without axe-core from `npm ci`) the browser tests are skipped with a
clear reason, except in CI (CI=true), where they must run and a missing tool fails the run."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("EVENTREG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, heading order); only serious and critical fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served by Werkzeug in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def require(message: str) -> None:
    """A missing tool fails the run in CI, where every test must run, and skips the test elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        require(f"Chromium not found at {CHROMIUM}: browser tests not run (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, app, db_session):
    # SERVER_NAME is eventreg.test for the test client; the live server answers on 127.0.0.1.
    server_name = app.config["SERVER_NAME"]
    app.config["SERVER_NAME"] = None
    context = browser.new_context(base_url=live_server, timezone_id="Europe/Berlin", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    app.config["SERVER_NAME"] = server_name


@pytest.fixture(scope="session")
def axe():
    """check(page): run axe-core on the page as it is now and fail listing every serious or critical violation."""
    if not AXE.exists():
        require(f"axe-core not found at {AXE}: accessibility scans not run (run `npm ci`, or `make test`)")
    source = AXE.read_text(encoding="utf-8")

    def check(page) -> None:
        # Evaluated through DevTools, which the page's Content-Security-Policy (script-src 'self') does not cover;
        # a <script> tag with this content would be refused.
        page.evaluate(source)
        violations = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                          resultTypes: ["violations"]});
                return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                                       targets: v.nodes.map((n) => n.target.join(" "))}));
            }""",
            AXE_TAGS,
        )
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        if failing:
            lines = [f"{len(failing)} serious or critical accessibility violation(s) on {page.url}:"]
            for v in failing:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
                lines.extend(f"    {target}" for target in v["targets"])
            pytest.fail("\n".join(lines), pytrace=False)

    return check


@pytest.fixture
def sign_in(host_password):
    """sign_in(page, host): sign a host in through the real form in the browser."""
    from playwright.sync_api import expect

    def sign_in(page, host) -> None:
        page.goto("/host/login")
        page.get_by_label("Email").fill(host.email)
        page.get_by_label("Password").fill(host_password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Host dashboard")

    return sign_in

"""A parketsecretaris in Debian's headless chromium: log in, filter the work list, open a case, acknowledge.

Needs the Debian packages ``chromium`` and ``chromium-driver``; skipped without them. With
``DOSSIERLINK_SCREENSHOTS=docs/img`` it also writes the screenshots shown in the README.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.web.serving import Server

pytestmark = pytest.mark.browser

webdriver = pytest.importorskip("selenium.webdriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=True)

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture()
def browser(tmp_path: Path):  # type: ignore[no-untyped-def]
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver):  # type: ignore[no-untyped-def]
    """Wait for the next page: an element of the page being left may go stale meanwhile."""
    return WebDriverWait(
        driver, 30, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    )


def _shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("DOSSIERLINK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(max(900, int(height)), 2400))
        driver.save_screenshot(str(Path(folder) / f"serve-{name}.png"))
        driver.set_window_size(1280, 900)


def test_a_parketsecretaris_takes_the_om_work_list_and_acknowledges_in_the_browser(
    server: Server, browser
) -> None:  # type: ignore[no-untyped-def]
    b = browser
    b.get(server.url + "/work")
    assert "/login" in b.current_url
    _shot(b, "login")
    b.find_element(By.ID, "user").send_keys("anna")
    b.find_element(By.ID, "password").send_keys("anna-wachtwoord-1")
    b.find_element(By.ID, "login").click()
    _wait(b).until(lambda d: d.current_url.endswith("/work"))
    total = b.find_element(By.ID, "count").text
    # Filter: only the high severity.
    Select(b.find_element(By.ID, "f-severity")).select_by_value("high")
    b.find_element(By.ID, "apply").click()
    _wait(b).until(lambda d: "severity=high" in d.current_url)
    rows = b.find_elements(By.CSS_SELECTOR, "#work tbody tr")
    assert rows and all(r.get_attribute("class") == "sev-high" for r in rows)
    assert b.find_element(By.ID, "count").text != total
    b.get(server.url + "/work")
    _shot(b, "work")
    # Open the first case of the list and acknowledge its open OM divergence.
    b.find_element(By.CSS_SELECTOR, "#work a.dossier-link").click()
    _wait(b).until(lambda d: "/dossiers/" in d.current_url)
    title = b.find_element(By.ID, "dossier-title").text
    form = b.find_element(By.CSS_SELECTOR, "form.ack[action$='/ack']")
    div_id = form.get_attribute("action").split("/divergences/")[1].split("/")[0]
    form.find_element(By.NAME, "note").send_keys("stuk opgevraagd bij politie")
    _shot(b, "dossier")
    form.find_element(By.TAG_NAME, "button").click()
    _wait(b).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"#div-{div_id} td.status").text == "acknowledged"
    )
    assert b.find_element(By.ID, "dossier-title").text == title
    # The CLI sees what the browser did.
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "dossierlink",
            "--db",
            str(server.db),
            "divergences",
            "--status",
            "acknowledged",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert div_id in out
    # The chain overview renders its charts without any script.
    b.get(server.url + "/")
    assert b.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    _shot(b, "overview")
    b.get(server.url + "/organisations/om")
    _shot(b, "organisation")
    logs = [e for e in b.get_log("browser") if e.get("level") == "SEVERE"]
    assert not logs, logs  # no CSP violation or failed resource

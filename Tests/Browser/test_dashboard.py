#!/usr/bin/env python3
"""Walks the dashboard in headless Chromium, as a user would, against a real `vigie serve`.

Started by scripts/test (which installs chromium, chromium-driver and selenium). It builds a small
store (generated posts plus a file with bad records), adds a first owner with the CLI, starts
`vigie serve --port 0` on 127.0.0.1, and then, in a French browser: signs in, opens the
workspace, runs a query and a broken one, opens an account, uploads a file and follows its job to
the report, reads the rejects and the audit log, switches to English, prints a page to PDF,
checks keyboard access, and signs out. It checks the OpenAPI document with
openapi-spec-validator, stops the server with SIGTERM and checks that it closed its store.

Screenshots and the PDF go to .build/browser-test/ (not in git).

    python3 Tests/Browser/test_dashboard.py --vigie .build/debug/vigie
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(vigie, *arguments, stdin=None):
    result = subprocess.run([vigie, *arguments], input=stdin, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise Failure(f"vigie {' '.join(arguments)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Walk:
    def __init__(self, driver, base, artefacts):
        self.driver = driver
        self.base = base
        self.artefacts = artefacts
        self.shots = 0

    def open(self, path):
        self.driver.get(self.base + path)

    def shot(self, name):
        self.shots += 1
        self.driver.save_screenshot(os.path.join(self.artefacts, f"{self.shots:02d}-{name}.png"))

    def text(self):
        for _ in range(20):
            try:
                return self.driver.find_element(By.TAG_NAME, "body").text
            except WebDriverException:
                time.sleep(0.1)  # the page is being replaced (a refresh, a redirect)
        return ""

    def expect_text(self, *needles, timeout=10):
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda _: all(n in self.text() for n in needles))
        except TimeoutException:
            body = self.text()
            missing = [n for n in needles if n not in body]
            raise Failure(f"{self.driver.current_url}: {missing} not on the page:\n{body[:2000]}")

    def field(self, name):
        return self.driver.find_element(By.NAME, name)

    def navigate(self, element):
        """Clicks an element that loads a new page, and waits until the new page replaced the old."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def replaced(_):
            # Chromium reports a node of a page being replaced either as stale or as "not in the
            # document": both mean the new page is there.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 30).until(replaced)

    def submit(self, form_selector="main form"):
        self.navigate(self.driver.find_element(By.CSS_SELECTOR, form_selector + " button[type=submit]"))

    def follow(self, link_text):
        self.navigate(self.driver.find_element(By.LINK_TEXT, link_text))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigie", default=os.path.join(ROOT, ".build/debug/vigie"))
    parser.add_argument("--artefacts", default=os.path.join(ROOT, ".build/browser-test"))
    arguments = parser.parse_args()
    vigie = os.path.abspath(arguments.vigie)
    check(os.access(vigie, os.X_OK), f"no vigie executable at {vigie}: build first")
    shutil.rmtree(arguments.artefacts, ignore_errors=True)
    os.makedirs(arguments.artefacts)

    work = tempfile.mkdtemp(prefix="vigie-browser-")
    database = os.path.join(work, "vigie.sqlite")
    server = None
    driver = None
    try:
        # A small store: generated posts, and a file with bad records to upload later.
        run(vigie, "synth", "--posts", "2000", "--seed", "7", "--format", "twitter-v2", "--out", os.path.join(work, "data"), "--quiet")
        run(vigie, "ingest", "--database", database, "--quiet", os.path.join(work, "data", "tweets-v2.jsonl"))
        upload = os.path.join(work, "upload.jsonl")
        with open(os.path.join(work, "data", "tweets-v2.jsonl")) as source, open(upload, "w") as target:
            lines = source.readlines()[:5]
            target.writelines(lines)
            target.write('{"data": {"text": "no id here"}}\n{not json at all\n')
        # A watch and an alert rule on it, for the watch's page.
        run(vigie, "watch", "add", "cycling", "velo OR vélo OR cyclisme OR cycling", "--database", database)
        run(vigie, "alerts", "add", "cycling-spike", "--watch", "cycling", "--kind", "spike", "--database", database)
        added = run(vigie, "users", "add", "admin", "--database", database, "--workspace", "default", "--role", "owner",
                    "--generate-password")
        password = re.search(r"password: (\S+)", added).group(1)
        account = re.search(r'"author_id"\s*:\s*"(\d+)"', lines[0]).group(1)

        # No retention purge: the shared data may be older than the default periods, and the walk
        # must see the same corpus from start to end however long it takes.
        server = subprocess.Popen([vigie, "serve", "--database", database, "--host", "127.0.0.1", "--port", "0",
                                   "--purge-interval", "off"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        line = server.stdout.readline()
        match = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
        check(match, f"the server did not say where it listens: {line!r} {server.stderr.read() if server.poll() is not None else ''}")
        base = match.group(1)

        # The OpenAPI document is valid 3.1.
        from openapi_spec_validator import validate
        with urllib.request.urlopen(base + "/api/v1/openapi.json") as response:
            validate(json.load(response))

        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=fr-FR"]:
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(30)
        walk = Walk(driver, base, arguments.artefacts)
        try:
            walk_pages(walk, driver, password, account, upload)
        except Exception:
            # The page as it was when the walk failed, for the artefacts.
            walk.shot("failure")
            with open(os.path.join(arguments.artefacts, "failure.html"), "w") as page:
                page.write(driver.page_source)
            raise
    finally:
        if driver is not None:
            driver.quit()
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                raise Failure("the server did not stop within 20 s of SIGTERM")
            errors = server.stderr.read()
            with open(os.path.join(arguments.artefacts, "server.log"), "w") as log:
                log.write(errors)
            check(server.returncode == 0, f"the server exited with {server.returncode}:\n{errors[-3000:]}")
            check("store closed" in errors, f"the server did not close its store on SIGTERM:\n{errors[-3000:]}")
        shutil.rmtree(work, ignore_errors=True)


def walk_pages(walk, driver, password, account, upload):

    # Sign in, in French (the browser prefers French).
    walk.open("/")
    check("/sign-in" in driver.current_url, f"a visitor is not sent to the sign-in page: {driver.current_url}")
    walk.expect_text("Connexion à Vigie", "Mot de passe")
    walk.shot("sign-in")
    walk.field("name").send_keys("admin")
    walk.field("password").send_keys("not the password")
    walk.submit()
    walk.expect_text("Nom d’utilisateur ou mot de passe incorrect.")
    walk.field("password").send_keys(password)
    walk.submit()
    check(driver.current_url.endswith("/workspaces"), f"after sign-in: {driver.current_url}")
    walk.expect_text("Vos espaces de travail", "default", "propriétaire")
    walk.shot("workspaces")

    # The workspace home.
    walk.follow("default")
    walk.expect_text("Publications", "Comptes", "Veilles")
    walk.shot("home")

    # The watch's page: computed as a job the first time (the page reloads itself until it is
    # there), then volume and sentiment over time, top items, signals, spikes, authenticity, alerts.
    walk.follow("cycling")
    walk.expect_text("Publications dans le temps · cycling", "Éléments les plus fréquents", "Signaux faibles", "Pics",
                     "Verdict", "cycling-spike", timeout=180)
    check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 2, "the watch page shows fewer than two charts")
    walk.shot("watch")
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    with open(os.path.join(walk.artefacts, "watch.pdf"), "wb") as output:
        output.write(base64.b64decode(pdf["data"]))
    check(len(pdf["data"]) > 1000, "the watch page prints to an empty PDF")

    # Its influencers, with their evidence; the trust report; coordinated clusters; the alerts.
    walk.follow("Influenceurs")
    walk.expect_text("Influenceurs · cycling", "Légitimité", timeout=180)
    walk.shot("influencers")
    walk.follow("Rapport de confiance")
    walk.expect_text("comptes évalués", timeout=180)
    walk.shot("trust")
    walk.follow("Coordination")
    walk.expect_text("groupes parmi", timeout=180)
    walk.shot("coordination")
    walk.follow("Alertes")
    walk.expect_text("Règles", "cycling-spike", "Alertes déclenchées")
    walk.shot("alerts")

    # A query, its results and its CSV link; then a broken query, marked at its column.
    walk.follow("Requête")
    walk.field("query").send_keys("velo OR vélo OR cycling")
    walk.submit("main form[role=search]")
    walk.expect_text("publications de", "comptes correspondent")
    check(len(driver.find_elements(By.CSS_SELECTOR, "article.post")) > 0, "the query shows no posts")
    walk.shot("query")
    query = walk.field("query")
    query.clear()
    query.send_keys("velo AND (cyclisme")
    walk.submit("main form[role=search]")
    walk.expect_text("La requête contient une erreur", "Colonne 19")
    check(driver.find_element(By.ID, "query").get_attribute("aria-invalid") == "true", "the query box is not marked invalid")
    walk.shot("query-error")

    # An account page with its charts.
    walk.open(f"/w/default/accounts/{account}")
    walk.expect_text("Abonnés", "Publications stockées")
    walk.shot("account")

    # Upload a file; its job page shows progress, then the report; the rejects are listed.
    walk.follow("Imports")
    driver.find_element(By.ID, "file").send_keys(upload)
    started = time.monotonic()
    walk.submit()
    waited = time.monotonic() - started
    check(waited < 5, f"the upload took {waited:.1f} s to lead to its job's page")
    check("/jobs/" in driver.current_url, f"the upload did not lead to its job: {driver.current_url}")
    walk.expect_text("Tâche")
    walk.shot("job")
    WebDriverWait(driver, 60, poll_frequency=0.5).until(lambda _: "terminée" in walk.text() or "échouée" in walk.text())
    walk.expect_text("terminée", "Rapport", "upload.jsonl")
    walk.shot("job-report")
    walk.follow("Voir les enregistrements rejetés")
    walk.expect_text("upload.jsonl")
    check("vigie-upload-" not in walk.text(), "a server path shows on the rejects page")
    walk.shot("rejects")

    # The audit log (owners): the failed and the good sign-in, the import.
    walk.follow("Journal d’audit")
    walk.expect_text("session.signInFailed", "session.signIn", "import.start")
    walk.shot("audit")

    # English through the switch; keyboard: the first Tab reaches the skip link.
    walk.follow("English")
    walk.expect_text("Audit log")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    check("skip-link" in (focused.get_attribute("class") or ""), "the first Tab does not reach the skip link")
    walk.shot("english")

    # Printing: the page prints to PDF without its navigation.
    walk.open("/w/default")
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})
    with open(os.path.join(walk.artefacts, "home.pdf"), "wb") as output:
        output.write(base64.b64decode(pdf["data"]))
    check(len(pdf["data"]) > 1000, "the printed PDF is empty")

    # Sign out: the session ends.
    walk.navigate(driver.find_element(By.CSS_SELECTOR, ".account-bar button"))
    check("/sign-in" in driver.current_url, f"signing out leads to {driver.current_url}")
    walk.open("/w/default")
    check("/sign-in" in driver.current_url, "the session still works after signing out")
    print(f"browser test: {walk.shots} pages walked; screenshots in {walk.artefacts}")


if __name__ == "__main__":
    try:
        main()
    except Failure as failure:
        print(f"browser test failed: {failure}", file=sys.stderr)
        sys.exit(1)

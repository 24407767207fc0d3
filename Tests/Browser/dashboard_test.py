#!/usr/bin/env python3
"""Real-browser test of the Deferrable dashboard (run by scripts/browser-test.sh).

Opens the overview in headless Chromium, follows the group's link to its error queue, opens an entry, presses
Requeue on it, and waits (bounded) until the entry has left the error queue and the job ran: the worker appended
its id to --ran-file, and the tasks page counts the success when the backend keeps task statistics. Visits the
tasks page, the workers page (until it lists the worker process), the queue and metrics pages too. Every page is screenshot into --screenshots; a page whose <main>
is not data-status="ok", or that shows a .failure element, fails the test.
"""
import argparse
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

TIMEOUT_SECONDS = 30


class PageError(AssertionError):
    pass


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="the dashboard's root URL")
    parser.add_argument("--group", required=True, help="the group whose error queue holds the seeded entries")
    parser.add_argument("--ran-file", required=True, help="where the worker appends the id of every job it ran")
    parser.add_argument("--screenshots", required=True, help="directory for the screenshots")
    return parser.parse_args()


def browser():
    options = Options()
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(binary):
            options.binary_location = binary
            break
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu"):
        options.add_argument(argument)
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)),
                       None)
    service = Service(executable_path=driver_path) if driver_path else Service()
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(TIMEOUT_SECONDS)
    return driver


def wait_until(description, condition, timeout=TIMEOUT_SECONDS):
    """Polls `condition` every 200 ms until it returns a true value; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting until {description}")
        time.sleep(0.2)


class Session:
    def __init__(self, driver, screenshots):
        self.driver = driver
        self.screenshots = screenshots
        self.shot = 0

    def check(self, name):
        """Screenshots the current page, then fails if it shows an error."""
        self.shot += 1
        path = os.path.join(self.screenshots, f"{self.shot:02d}-{name}.png")
        self.driver.save_screenshot(path)
        print(f"page {name}: {self.driver.current_url} -> {path}")
        mains = self.driver.find_elements(By.TAG_NAME, "main")
        if not mains:
            if name == "metrics" and "deferrable_queue_ready" in self.driver.page_source:
                return
            raise PageError(f"{name}: no <main> element on {self.driver.current_url}")
        status = mains[0].get_attribute("data-status")
        failures = self.driver.find_elements(By.CSS_SELECTOR, ".failure")
        if status != "ok" or failures:
            text = failures[0].text if failures else mains[0].text[:300]
            raise PageError(f"{name}: the page shows an error: {text}")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)


def error_count(session):
    return int(session.find("#error-count").text)


def main():
    arguments = parse_arguments()
    os.makedirs(arguments.screenshots, exist_ok=True)
    group = arguments.group
    root = arguments.url.rstrip("/")
    driver = browser()
    session = Session(driver, arguments.screenshots)
    try:
        driver.get(root + "/")
        session.check("overview")
        link = session.find(f'tr[data-group="{group}"] a.errors-link')
        seeded = int(link.text)
        if seeded < 1:
            raise AssertionError(f"the overview shows {seeded} errors for {group}, expected the seeded entries")

        link.click()
        wait_until("the error queue page is shown", lambda: driver.find_elements(By.ID, "error-count"))
        session.check("error-queue")
        if error_count(session) != seeded:
            raise AssertionError(f"the error queue shows {error_count(session)} entries, the overview {seeded}")
        first = session.find("#errors tbody tr")
        job_id = first.get_attribute("data-id")

        first.find_element(By.CSS_SELECTOR, "a.entry-link").click()
        wait_until("the entry page is shown", lambda: driver.find_elements(By.ID, "envelope"))
        session.check("error-entry")
        if job_id not in session.find("#envelope").text:
            raise AssertionError("the entry page does not show the entry's envelope")

        driver.back()
        wait_until("the error queue page is back", lambda: driver.find_elements(By.ID, "error-count"))
        session.find(f'tr[data-id="{job_id}"] button[value="requeue"]').click()
        wait_until("the requeue notice is shown", lambda: driver.find_elements(By.ID, "notice"))
        session.check("requeued")
        if "moved back to the queue" not in session.find("#notice").text:
            raise AssertionError(f"unexpected notice: {session.find('#notice').text}")
        if driver.find_elements(By.CSS_SELECTOR, f'tr[data-id="{job_id}"]'):
            raise AssertionError("the requeued entry is still listed in the error queue")
        if error_count(session) != seeded - 1:
            raise AssertionError(f"the error queue shows {error_count(session)} entries after requeue")

        def ran():
            with open(arguments.ran_file) as ran_file:
                return job_id in ran_file.read().split()
        wait_until(f"the worker ran the requeued job {job_id}", ran)

        tasks_url = f"{root}/groups/{group}/tasks"

        def succeeded_shown():
            driver.get(tasks_url)
            cells = driver.find_elements(By.CSS_SELECTOR, 'tr[data-task="fault-job"] td.succeeded')
            if not cells:
                return driver.find_elements(By.CSS_SELECTOR, "p.unavailable")
            return int(cells[0].text) >= 1
        wait_until("the tasks page counts the run (or says statistics are not available)", succeeded_shown)
        session.check("tasks")

        driver.get(root + "/")
        wait_until("the overview shows the error queue without the entry",
                   lambda: session.find(f'tr[data-group="{group}"] a.errors-link').text == str(seeded - 1)
                   or driver.refresh())
        session.check("overview-after")

        def worker_listed():
            driver.get(root + "/workers")
            return driver.find_elements(By.CSS_SELECTOR, "#workers tbody tr")
        wait_until("the workers page lists the worker process", worker_listed)
        session.check("workers")

        for name, path in (("queue", f"/groups/{group}/queue"), ("metrics", "/metrics")):
            driver.get(root + path)
            session.check(name)
        print("browser test passed")
        return 0
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as error:
        print(f"browser test failed: {error}", file=sys.stderr)
        sys.exit(1)

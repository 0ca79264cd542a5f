"""The admin console in a real browser (scripts/console-test runs this with Selenium and Debian's chromium).

Starts the Feishu sandbox, a stand-in HR callback receiver and `hirebind serve`, all on 127.0.0.1, then drives
the console as an operator would. Every check that fails is named; the last line is `N passed, M failed`.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

WIDTHS = (1280, 390)

# WCAG 2 contrast of every element that shows text, against the first opaque background behind it.
CONTRAST_SCRIPT = """
const rgb = c => (c.match(/rgba?\\(([^)]+)\\)/) || [null, '0,0,0,0'])[1].split(',').map(Number);
const lum = p => { const [r, g, b] = p.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
                   return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const background = e => { for (; e; e = e.parentElement) { const p = rgb(getComputedStyle(e).backgroundColor); if (p.length < 4 || p[3] > 0) return p; }
                          return [255, 255, 255]; };
const low = [];
let least = 21;
for (const e of document.querySelectorAll('body *')) {
  if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const style = getComputedStyle(e), box = e.getBoundingClientRect();
  if (style.visibility === 'hidden' || box.width === 0 || box.right < 0 || e.closest('meter')) continue;
  const a = lum(rgb(style.color)), b = lum(background(e));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  least = Math.min(least, ratio);
  if (ratio < 4.5) low.push(e.tagName + ' ' + ratio.toFixed(2) + ' ' + e.textContent.trim().slice(0, 30));
}
return [least, low];
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def whsec():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def sign(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret[len("whsec_"):])
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise SystemExit(f"console-test: {what} did not happen within {seconds} s")


class Receiver(http.server.BaseHTTPRequestHandler):
    """The HR system's callback endpoint: takes every result."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class ConsoleTest:
    def __init__(self, args):
        self.args = args
        self.passed = 0
        self.failures = []
        self.work = tempfile.mkdtemp(prefix="hirebind-console-")
        self.ports = {name: free_port() for name in ("service", "admin", "sandbox", "receiver")}
        self.webhook_secret, self.callback_secret = whsec(), whsec()
        self.admin_token = os.urandom(24).hex()
        self.processes = []
        self.shots = args.screenshots
        os.makedirs(self.shots, exist_ok=True)
        self.driver = None

    # --- checks -------------------------------------------------------------------------------------------

    def check(self, condition, what):
        if condition:
            self.passed += 1
            print(f"  ok    {what}", flush=True)
        else:
            self.failures.append(what)
            print(f"  FAIL  {what}", flush=True)
        return condition

    # --- the stack ----------------------------------------------------------------------------------------

    def start(self):
        p = self.ports
        config = os.path.join(self.work, "hirebind.yaml")
        with open(config, "w") as f:
            f.write(f"""
server: {{host: 127.0.0.1, port: {p['service']}}}
database: {{path: {self.work}/hirebind.sqlite}}
sources:
  hr: {{secrets: [{{env: CT_WEBHOOK_SECRET}}]}}
naming: {{domain: example.com}}
feishu:
  base_url: http://127.0.0.1:{p['sandbox']}
  accounts_url: http://127.0.0.1:{p['sandbox']}
  admin_account: exchange-admin@example.com
  app_id: {{env: CT_APP_ID}}
  app_secret: {{env: CT_APP_SECRET}}
  max_attempts: 2
  retry: {{base_seconds: 0.2, max_seconds: 1}}
  sync: {{first_poll_seconds: 1, max_poll_seconds: 2, deadline_hours: 1}}
worker: {{concurrency: 1, poll_seconds: 0.5}}
callbacks:
  default_url: http://127.0.0.1:{p['receiver']}/hr/callback
  secret: {{env: CT_CALLBACK_SECRET}}
  allow_private_addresses: true
  retry: {{base_seconds: 0.2, max_seconds: 1}}
admin: {{host: 127.0.0.1, port: {p['admin']}, token: {{env: CT_ADMIN}}}}
""")
        env = dict(os.environ, CT_WEBHOOK_SECRET=self.webhook_secret, CT_CALLBACK_SECRET=self.callback_secret,
                   CT_ADMIN=self.admin_token, CT_APP_ID="cli_console_app", CT_APP_SECRET="console-app-secret")
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", p["receiver"]), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        for name, argv in (
            ("sandbox", [self.args.binary, "sandbox", "--port", str(p["sandbox"]), "--app-id", "cli_console_app",
                         "--app-secret", "console-app-secret", "--sync-seconds", "1"]),
            ("hirebind", [self.args.binary, "serve", "--config", config]),
        ):
            log = open(os.path.join(self.work, f"{name}.log"), "ab")
            self.processes.append(subprocess.Popen(argv, env=env, stdout=log, stderr=log))
            port = p["sandbox"] if name == "sandbox" else p["admin"]
            wait_for(lambda: self.reachable(port), 30, f"{name} listening on {port}")
        print(f"console-test: the stack runs in {self.work}", flush=True)

    def reachable(self, port):
        try:
            request(port, "GET", "/healthz")
            return True
        except OSError:
            return False

    def stop(self):
        if self.driver:
            self.driver.quit()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    def hire(self, employee_id, employee):
        event = {"event_id": f"console-{employee_id}-{os.urandom(4).hex()}", "event_type": "employee.hired",
                 "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "employee": dict(employee, employee_id=employee_id)}
        body = json.dumps(event, ensure_ascii=False).encode()
        headers = self.signed_headers(body)
        status, _, reply = request(self.ports["service"], "POST", "/v1/webhooks/hr", body, headers)
        if status not in (200, 202):
            raise SystemExit(f"console-test: the webhook for {employee_id} was answered {status}: {reply[:300]!r}")
        return json.loads(reply)

    def signed_headers(self, body):
        msg_id, timestamp = "msg_" + os.urandom(8).hex(), str(int(time.time()))
        return {"Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": timestamp,
                "webhook-signature": sign(self.webhook_secret, msg_id, timestamp, body)}

    def job(self, job_id):
        status, _, body = request(self.ports["admin"], "GET", f"/v1/jobs/{job_id}",
                                  headers={"Authorization": f"Bearer {self.admin_token}"})
        return json.loads(body)["job"] if status == 200 else None

    # --- the browser --------------------------------------------------------------------------------------

    def open_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US",
                         "--hide-scrollbars", "--force-device-scale-factor=1"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=ChromeService(executable_path="/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(1280, 900)
        # A click that navigates returns before the next page is there: finding an element waits for it.
        self.driver.implicitly_wait(10)

    def url(self, path):
        return f"http://127.0.0.1:{self.ports['admin']}{path}"

    def go(self, path):
        self.driver.get(self.url(path))

    def console_errors(self, page):
        entries = [entry for entry in self.driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
        self.check(not entries, f"{page}: no browser console error" + (f" ({entries[0]['message'][:200]})" if entries else ""))

    def shoot(self, page):
        """Screenshots at both widths (the whole page), and no horizontal scrolling at either."""
        driver = self.driver
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            time.sleep(0.2)
            scroll = driver.execute_script("return document.documentElement.scrollWidth")
            inner = driver.execute_script("return window.innerWidth")
            self.check(scroll <= inner, f"{page} at {width} px: no horizontal scrolling (content {scroll} px, window {inner} px)")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 120, 600), 12000))
            time.sleep(0.2)
            driver.save_screenshot(os.path.join(self.shots, f"{page}-{width}.png"))
        driver.set_window_size(1280, 900)
        self.console_errors(page)

    def follow(self, element):
        """Clicks something that loads a page and waits until the old page is gone."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()

        def gone(_):
            # A node of a page that has gone is stale; chromium sometimes answers "does not belong to the document"
            # instead, an unknown error, for the same thing.
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return True
                raise

        WebDriverWait(self.driver, 20).until(gone)

    def count(self, selector):
        return self.driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)

    def page_shows(self, text, seconds):
        """Reloads the page until it shows `text` (a worker or the deliverer is still at it)."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if text in self.text():
                return True
            time.sleep(0.5)
            self.driver.refresh()
        return False

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def structure(self, page):
        """One h1, every form control labelled, and the language declared."""
        driver = self.driver
        self.check(self.count("h1") == 1, f"{page}: one h1")
        unlabelled = driver.execute_script("""
            return [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name);
        """)
        self.check(not unlabelled, f"{page}: every form control has a label {unlabelled or ''}")
        self.check(driver.execute_script("return document.documentElement.lang") == "en", f"{page}: the language is declared")
        least, low = driver.execute_script(CONTRAST_SCRIPT)
        self.check(not low, f"{page}: every text has a contrast of at least 4.5:1 (WCAG AA; the lowest is {least:.1f}:1) {low[:3] if low else ''}")

    # --- the run ------------------------------------------------------------------------------------------

    def run(self):
        self.start()
        self.security_without_a_browser()

        # 张伟 first, alone (one worker): the sandbox's next two create calls fail, so with max_attempts 2 the job dies.
        zhang = self.hire("E1001", {"given_name": "伟", "family_name": "张", "feishu_user_id": "ou_console_1"})
        request(self.ports["sandbox"], "POST", "/sandbox/faults",
                json.dumps([{"error": {"http_status": 500, "code": 190003, "msg": "internal error"}}] * 2).encode(),
                {"Content-Type": "application/json"})

        self.open_browser()
        self.sign_in()
        self.feishu_login()
        wait_for(lambda: (self.job(zhang["job_id"]) or {}).get("status") == "dead", 60, "张伟's job going dead")
        hostile = {
            "markup": self.hire("E1002", {"given_name": "<script>alert(1)</script>Eve", "family_name": "O'Brien<img src=x onerror=alert(2)>",
                                          "romanized_given_name": "eve", "romanized_family_name": "obrien",
                                          "feishu_user_id": "ou_console_2"}),
            "rtl": self.hire("E1003", {"given_name": "\u202eevoli", "family_name": "Smith", "romanized_given_name": "iloveyou",
                                       "feishu_user_id": "ou_console_3"}),
            "long": self.hire("E1004", {"given_name": "Wolfeschlegelsteinhausenbergerdorff" * 7, "family_name": "Hubert",
                                        "feishu_user_id": "ou_console_4"}),
        }
        for name, receipt in hostile.items():
            wait_for(lambda: (self.job(receipt["job_id"]) or {}).get("status") == "succeeded", 60, f"the {name} person binding")

        self.overview()
        self.dead_and_retry(zhang)
        self.people_and_trace(zhang)
        self.escaping(hostile)
        self.try_it()
        self.sign_out()

    def security_without_a_browser(self):
        admin = self.ports["admin"]
        status, headers, _ = request(admin, "GET", "/console")
        self.check(status == 303 and headers.get("Location", "").startswith("/console/sign-in"),
                   f"a page without a session cookie is sent to the sign-in ({status} {headers.get('Location')})")
        status, _, _ = request(admin, "POST", "/console/dead/retry", b"csrf=x", {"Content-Type": "application/x-www-form-urlencoded"})
        self.check(status == 401, f"a POST without a session cookie is refused ({status})")
        status, _, _ = request(admin, "POST", "/console/sign-in", b"token=wrong", {"Content-Type": "application/x-www-form-urlencoded"})
        self.check(status == 401, f"a wrong admin token does not sign in ({status})")
        form = urllib.parse.urlencode({"token": self.admin_token, "next": "/console"}).encode()
        status, headers, _ = request(admin, "POST", "/console/sign-in", form, {"Content-Type": "application/x-www-form-urlencoded"})
        cookie = headers.get("Set-Cookie", "")
        self.check(status == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=" in cookie,
                   f"the admin token signs in with an HttpOnly, SameSite=Strict cookie that expires ({cookie[:40]}…)")
        session = cookie.split(";")[0]
        status, headers, page = request(admin, "GET", "/console", headers={"Cookie": session})
        policy = headers.get("Content-Security-Policy", "")
        self.check(status == 200 and "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy,
                   "pages carry a strict Content-Security-Policy (no script source at all)")
        for body in (b"", b"csrf=forged"):
            status, _, _ = request(admin, "POST", "/console/dead/retry", body,
                                   {"Cookie": session, "Content-Type": "application/x-www-form-urlencoded"})
            self.check(status == 403, f"a POST with the session cookie but {'no' if not body else 'a forged'} CSRF token is refused ({status})")
        status, _, _ = request(admin, "GET", "/console/dead/retry", headers={"Cookie": session})
        self.check(status in (404, 405), f"a retry cannot be made with a GET ({status})")

    def sign_in(self):
        self.go("/console/people")
        self.check("/console/sign-in" in self.driver.current_url, "the browser is sent to the sign-in")
        self.structure("sign-in")
        self.shoot("sign-in")
        self.driver.find_element(By.ID, "token").send_keys(self.admin_token)
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        self.check(self.driver.current_url.endswith("/console/people"), "signing in goes on to the page asked for")

    def feishu_login(self):
        self.go("/console")
        self.check("not logged in" in self.text(), "the overview says no Feishu login is stored")
        self.follow(self.driver.find_element(By.LINK_TEXT, "Log in to Feishu"))
        self.check("Logged in to Feishu" in self.text(), "the Feishu login lands back on the console and is stored")
        self.shoot("feishu-login")
        self.follow(self.driver.find_element(By.LINK_TEXT, "Back to the overview"))
        self.check("alive" in self.text() and "Access token valid until" in self.text(), "the overview shows the login alive, with its expiry")

    def overview(self):
        self.go("/console")
        text = self.text()
        self.check("Job calls in the last minute" in text, "the overview shows the calls of the last minute against 1000")
        self.check("190003" in text, "the overview lists the recent errors (the injected 190003)")
        self.structure("overview")
        self.shoot("overview")

    def dead_and_retry(self, zhang):
        self.go("/console/dead")
        text = self.text()
        self.check("190003" in text, "the dead job is listed with its last error")
        self.structure("dead")
        self.shoot("dead")
        short = zhang["job_id"][:8]
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"button[aria-label='Retry job {short}']"))
        self.check("queued again" in self.text(), "the retry is confirmed")
        job = wait_for(lambda: (lambda j: j if j and j["status"] == "succeeded" else None)(self.job(zhang["job_id"])), 30,
                       "the retried job binding")
        self.go(f"/console/jobs/{zhang['job_id']}")
        text = self.text()
        self.check("succeeded" in text and job.get("exchange_binding_id", "") in text, "the retried job's page shows it bound, with its binding id")

    def people_and_trace(self, zhang):
        self.go("/console/people")
        box = self.driver.find_element(By.ID, "q")
        box.send_keys("张伟")
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "form[role=search] button"))
        self.check("1 person" in self.text(), "searching by name finds 张伟")
        self.structure("people")
        self.shoot("people")
        for query in ("E1001", "wei.zhang@example.com", "ou_console_1"):
            self.go("/console/people?" + urllib.parse.urlencode({"q": query}))
            self.check("1 person" in self.text(), f"searching by {query} finds 张伟")
        self.follow(self.driver.find_element(By.LINK_TEXT, "张伟"))
        text = self.text()
        self.check("wei.zhang@example.com" in text and "{given}.{family}" in text and "chosen" in text,
                   "the person's page shows the naming trace (candidate, template, outcome)")
        self.check("zhang" in text and "default" in text, "the trace shows the rule set and the romanised names")
        self.check("Feishu calls" in text and "retry" in text and "succeeded" in text, "every Feishu call is listed with its outcome")
        self.check(self.page_shows("HTTP 204", 30), "every callback delivery is listed with the receiver's answer")
        self.check("Calendar sync over time" in self.text(), "the sync status over time is shown")
        self.structure("person")
        self.shoot("person")

    def escaping(self, hostile):
        driver = self.driver
        self.go("/console/people?" + urllib.parse.urlencode({"q": "E1002"}))
        self.check(not self.count("main script, main img"), "a name with markup adds no element to the page")
        self.check("<script>alert(1)</script>Eve" in self.text(), "a name with markup is shown as text")
        self.follow(driver.find_element(By.PARTIAL_LINK_TEXT, "Eve"))
        self.check(not self.count("main script, main img"), "the person's page of that name adds no element either")
        self.shoot("person-markup")
        self.go("/console/people?" + urllib.parse.urlencode({"q": "E1003"}))
        isolated = driver.execute_script("""
            return [...document.querySelectorAll('bdi')].some(e => e.textContent.includes('\\u202e'));
        """)
        self.check(isolated, "a name with a right-to-left override is isolated in a <bdi>")
        self.shoot("people-rtl")
        self.go("/console/people?" + urllib.parse.urlencode({"q": "E1004"}))
        self.follow(driver.find_element(By.PARTIAL_LINK_TEXT, "Hubert"))
        self.shoot("person-long-name")

    def try_it(self):
        driver = self.driver
        self.go("/console/try")
        driver.find_element(By.ID, "family_name").send_keys("李")
        driver.find_element(By.ID, "given_name").send_keys("娜")
        self.follow(driver.find_element(By.CSS_SELECTOR, "form[action='/console/try/naming'] button"))
        address = driver.find_element(By.ID, "preview-address").text
        self.check(address == "na.li@example.com", f"the naming preview names 李娜 na.li@example.com ({address})")
        self.structure("try")
        self.shoot("try-naming")
        event = {"event_id": "console-payload-1", "event_type": "employee.hired", "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                 "employee": {"employee_id": "E2001", "given_name": "Anna", "family_name": "Smith", "feishu_user_id": "ou_console_9"}}
        body = json.dumps(event)
        headers = self.signed_headers(body.encode())
        Select(driver.find_element(By.ID, "source")).select_by_value("hr")
        driver.find_element(By.ID, "headers").send_keys("\n".join(f"{k}: {v}" for k, v in headers.items()))
        driver.find_element(By.ID, "body").send_keys(body)
        self.follow(driver.find_element(By.CSS_SELECTOR, "form[action='/console/try/payload'] button"))
        self.check(driver.find_element(By.ID, "payload-signature").text.startswith("verified"), "the payload tester verifies a signed body")
        self.check("anna.smith@example.com" in self.text(), "the payload tester names the mapped employee's address")
        self.shoot("try-payload")
        driver.find_element(By.ID, "body").clear()
        driver.find_element(By.ID, "body").send_keys(body.replace("Anna", "Anne"))
        self.follow(driver.find_element(By.CSS_SELECTOR, "form[action='/console/try/payload'] button"))
        self.check(driver.find_element(By.ID, "payload-signature").text.startswith("refused"), "the payload tester refuses a changed body's signature")
        status, _, _ = request(self.ports["service"], "GET", "/console")
        self.check(status == 404, f"the console is not on the public webhook port ({status})")

    def sign_out(self):
        self.go("/console")
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "header form button"))
        self.check("Signed out" in self.text(), "signing out closes the session")
        self.go("/console")
        self.check("/console/sign-in" in self.driver.current_url, "after signing out, pages ask for the sign-in again")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--screenshots", required=True)
    test = ConsoleTest(parser.parse_args())
    try:
        test.run()
    except (SystemExit, Exception) as error:
        test.failures.append(str(error))
        print(f"console-test: stopped: {error}", flush=True)
        if test.driver:
            print(f"console-test: the browser was at {test.driver.current_url}:\n{test.driver.page_source[:1500]}", flush=True)
    finally:
        test.stop()
    print(f"console-test: screenshots in {test.shots}")
    print(f"{test.passed} passed, {len(test.failures)} failed")
    sys.exit(1 if test.failures else 0)


if __name__ == "__main__":
    main()

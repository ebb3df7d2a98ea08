#!/usr/bin/env python3
"""The HTML report of every sample (a short simulation) and a comparison page,
rendered in headless Chromium and measured in the page, as a reader would see them.

Usage: report-browser.py SWITCHBOARD_BINARY OUT_DIR
       report-browser.py SWITCHBOARD_BINARY --readme DOCS_DIR   (the README's pictures)

For each page, at 400 px and 1,400 px wide (and once with the dark colour scheme):
- no console error, no uncaught exception, no Content-Security-Policy violation;
- no request other than the page's own file;
- the page is no wider than the viewport; at 1,400 px no table scrolls (hides columns);
  a table that scrolls keeps its first column in view;
- every chart text lies inside its picture, and every legend inside its chart;
- hovering a chart (a time chart, the latency distribution) shows its values and
  clicking a legend key hides its series.
Screenshots go to OUT_DIR. The checker first proves on a bad page that it
catches an outside request and a console error.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe),
with the standard library only.
"""

import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

WIDTHS = (400, 1400)
HEIGHT = 900
# Screenshots of long pages stop here: enough to see the layout.
MAX_SHOT_HEIGHT = 6000

MEASURE = r"""(() => {
  const de = document.documentElement;
  const out = {vw: de.clientWidth, page: Math.max(de.scrollWidth, document.body.scrollWidth),
               scrolling: [], clipped: [], legends: [], charts: document.querySelectorAll('figure.chart').length,
               js: de.classList.contains('js'), csp: !!document.querySelector('meta[http-equiv="Content-Security-Policy"]')};
  out.loose = [];
  document.querySelectorAll('.wide').forEach((w) => {
    if (w.scrollWidth > w.clientWidth + 1) {
      const h = w.previousElementSibling;
      const name = ((h && h.textContent) || '?').slice(0, 40);
      out.scrolling.push(name + ': ' + w.scrollWidth + ' > ' + w.clientWidth);
      // The first column stays in view while the table scrolls under it.
      const cell = w.querySelector('tr:last-child > :first-child');
      const before = cell.getBoundingClientRect().left;
      w.scrollLeft = 80;
      const after = cell.getBoundingClientRect().left;
      w.scrollLeft = 0;
      if (Math.abs(after - before) > 1) out.loose.push(name);
    }
  });
  document.querySelectorAll('figure.chart svg').forEach((svg) => {
    const vb = svg.viewBox.baseVal;
    svg.querySelectorAll('text').forEach((t) => {
      const b = t.getBBox();
      if (b.width > 0 && (b.x < -1 || b.x + b.width > vb.width + 1 || b.y < -1 || b.y + b.height > vb.height + 1)) {
        out.clipped.push(t.textContent.slice(0, 40));
      }
    });
  });
  document.querySelectorAll('figure.chart').forEach((f) => {
    const fr = f.getBoundingClientRect();
    f.querySelectorAll('.legend > *').forEach((k) => {
      const r = k.getBoundingClientRect();
      if (r.left < fr.left - 1 || r.right > fr.right + 1) out.legends.push(k.textContent.slice(0, 40));
    });
  });
  return JSON.stringify(out);
})()"""

INTERACT = r"""((selector) => {
  const fig = document.querySelector(selector);
  if (!fig) return JSON.stringify({skipped: true});
  const svg = fig.querySelector('svg');
  fig.scrollIntoView();
  const r = svg.getBoundingClientRect();
  const vb = svg.viewBox.baseVal;
  const l = +svg.getAttribute('data-l'), rr = +svg.getAttribute('data-r');
  const x = r.left + (l + (rr - l) * 0.6) / vb.width * r.width, y = r.top + r.height / 2;
  svg.dispatchEvent(new PointerEvent('pointermove', {clientX: x, clientY: y, bubbles: true}));
  const tip = fig.querySelector('.tip');
  const shown = !!tip && !tip.hidden && tip.textContent.length > 0;
  const key = fig.querySelector('.key[data-i]');
  key.click();
  const hidden = fig.querySelectorAll('g.s.off').length;
  key.click();
  const back = fig.querySelectorAll('g.s.off').length;
  return JSON.stringify({tip: shown, tipText: tip ? tip.textContent.slice(0, 80) : '', hidden, back});
})"""
# The time charts, and the latency distribution (hover: each line's share).
INTERACTIVE = ("figure.chart[data-dt]", "figure.chart[data-cdf]")


class Browser:
    """Chromium over the DevTools protocol on file descriptors 3 and 4."""

    def __init__(self, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            sys.exit("chromium is not installed (apt-get install chromium)")
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--hide-scrollbars", "--remote-debugging-pipe", f"--user-data-dir={profile}",
             "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=False):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_for(self, method, timeout_s=20.0):
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    del self.events[i]
                    return e
            self.events.append(self._read())
        raise RuntimeError(f"timed out waiting for {method}")

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"script failed: {r['exceptionDetails']}")
        return json.loads(r["result"]["value"])

    def open(self, path, width, dark=False):
        """Load `path` at `width`; returns the problems seen while loading."""
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=True)
        self.call("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]}, session=True)
        self.events.clear()
        url = pathlib.Path(path).resolve().as_uri()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        # Let late console messages and requests arrive.
        self.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 50))", "awaitPromise": True},
                  session=True)
        problems = []
        for e in self.events:
            p, m = e.get("params", {}), e["method"]
            if m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                problems.append(f"request left the file: {p['request']['url'][:120]}")
            elif m == "Runtime.exceptionThrown":
                problems.append(f"uncaught exception: {p['exceptionDetails'].get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                problems.append(f"console error: {[a.get('value') for a in p.get('args', [])]}")
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                problems.append(f"console error: {p['entry']['text'][:160]}")
        return problems

    def screenshot(self, out, full):
        metrics = self.call("Page.getLayoutMetrics", session=True)
        size = metrics["cssContentSize"]
        height = min(size["height"], MAX_SHOT_HEIGHT) if full else HEIGHT
        shot = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": full,
            "clip": {"x": 0, "y": 0, "width": metrics["cssLayoutViewport"]["clientWidth"], "height": height,
                     "scale": 1}}, session=True)
        pathlib.Path(out).write_bytes(base64.b64decode(shot["data"]))

    def shot_from(self, heading, out, height):
        """A screenshot `height` px tall from the `<h2>` whose text is `heading`."""
        top = self.evaluate("JSON.stringify([...document.querySelectorAll('h2')].find(h => h.textContent === %s)"
                            ".getBoundingClientRect().top + scrollY - 8)" % json.dumps(heading))
        width = self.call("Page.getLayoutMetrics", session=True)["cssLayoutViewport"]["clientWidth"]
        shot = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": top, "width": width, "height": height, "scale": 1}}, session=True)
        pathlib.Path(out).write_bytes(base64.b64decode(shot["data"]))

    def close(self):
        try:
            self.call("Browser.close")
        except RuntimeError:
            pass
        self.proc.wait(timeout=10)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    # 3 (an SLO failed) and 4 (unstable) are verdicts on the design, not failures to render.
    if r.returncode not in (0, 3, 4):
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr}")


def readme(binary, root, docs):
    """The report of the retry storm (its whole run) at desktop and phone width."""
    work = pathlib.Path(tempfile.mkdtemp(prefix="report-readme-"))
    html = work / "retry-storm.html"
    run([binary, "simulate", str(root / "samples" / "retry-storm.json"), "--quiet", "--html", str(html)])
    browser = Browser(work / "profile")
    try:
        for p in browser.open(html, 1400):
            sys.exit(f"the report has a problem: {p}")
        browser.shot_from("Over time", docs / "report-desktop.png", 760)
        browser.open(html, 400)
        browser.shot_from("Over time", docs / "report-phone.png", 900)
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    if len(sys.argv) == 4 and sys.argv[2] == "--readme":
        readme(sys.argv[1], root, pathlib.Path(sys.argv[3]))
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, out = sys.argv[1], pathlib.Path(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="report-browser-"))
    pages = []
    for sample in sorted((root / "samples").glob("*.json")):
        html = work / f"{sample.stem}.html"
        run([binary, "simulate", str(sample), "--duration", "20s", "--warmup", "4s", "--quiet",
             "--html", str(html), "--json", str(work / f"{sample.stem}.json")])
        pages.append(html)
    storm, fixed = work / "retry-storm.json", work / "retry-storm-fixed.json"
    compare = work / "compare.html"
    run([binary, "compare", str(storm), str(fixed), "--quiet", "--html", str(compare)])
    pages.append(compare)
    # The negative control: a page that breaks both rules must be caught.
    bad = work / "bad.html"
    bad.write_text("<!doctype html><html><body><img src=\"http://192.0.2.1/x.png\">"
                   "<script>console.error('boom')</script></body></html>")

    failures = []
    browser = Browser(work / "profile")
    try:
        problems = browser.open(bad, 400)
        if not any("request left" in p for p in problems) or not any("boom" in p for p in problems):
            failures.append(f"the checker misses a bad page: {problems}")
        for page in pages:
            for width in WIDTHS:
                name = f"{page.stem}-{width}"
                for p in browser.open(page, width):
                    failures.append(f"{name}: {p}")
                m = browser.evaluate(MEASURE)
                if m["page"] > m["vw"]:
                    failures.append(f"{name}: the page is {m['page']} px wide in a {m['vw']} px viewport")
                if width >= 1400 and m["scrolling"]:
                    failures.append(f"{name}: tables hide columns: {m['scrolling']}")
                if m["loose"]:
                    failures.append(f"{name}: the first column scrolls away: {m['loose']}")
                if m["clipped"]:
                    failures.append(f"{name}: chart text outside its picture: {m['clipped'][:5]}")
                if m["legends"]:
                    failures.append(f"{name}: legend outside its chart: {m['legends'][:5]}")
                if not m["csp"] or not m["js"]:
                    failures.append(f"{name}: no Content-Security-Policy or the script did not run: {m}")
                browser.screenshot(out / f"{name}.png", full=True)
                if width == 1400:
                    for selector in INTERACTIVE:
                        i = browser.evaluate(f"{INTERACT}({json.dumps(selector)})")
                        if not i.get("skipped") and not (i["tip"] and i["hidden"] > 0 and i["back"] == 0):
                            failures.append(f"{name}: hover or legend toggle does not work on {selector}: {i}")
                        print(f"{name}: hover on {selector} shows {i.get('tipText', '')[:60]!r}")
                print(f"{name}: {m['page']} px in {m['vw']} px, {m['charts']} charts, "
                      f"{len(m['scrolling'])} scrolling tables")
            for p in browser.open(page, 1400, dark=True):
                failures.append(f"{page.stem}-dark: {p}")
            browser.screenshot(out / f"{page.stem}-1400-dark.png", full=False)
    finally:
        browser.close()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print(f"{len(pages)} pages checked; screenshots in {out}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

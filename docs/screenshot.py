"""Take docs/img/war-room.png: the war room on JLR-2025 after a 60 s solve, in headless Chromium.

    python docs/screenshot.py

Needs the web and test extras (Playwright) and Debian's Chromium.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from planner.web.app import create_app
from planner.web.store import Store

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        app = create_app(Store.open(f"sqlite:///{folder}/war-room.db"))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1250, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/")
                page.set_input_files("#file", str(ROOT / "instances" / "jlr-2025.json"))
                page.click("#upload-button")
                page.wait_for_function("document.querySelector('#instance').options.length === 1")
                page.fill("#time-limit", "60")
                page.click("#solve-button")
                done = "document.getElementById('status').textContent === 'done'"
                page.wait_for_function(done, timeout=120_000)
                page.frame_locator("#report").locator("#restarts svg.marks").wait_for(timeout=60_000)
                path = ROOT / "docs" / "img" / "war-room.png"
                page.screenshot(path=str(path), full_page=False)
                browser.close()
                print(f"wrote {path}")
        finally:
            server.should_exit = True
            thread.join(timeout=30)


if __name__ == "__main__":
    main()

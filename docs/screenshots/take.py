#!/usr/bin/env python3
"""Screenshots of the bundled yearbook for the README, desktop and phone widths.

    python docs/screenshots/take.py          # builds public/ first unless --no-build

Serves public/ on a free local port, opens each page in Debian's chromium
(Playwright) at 1280×800 and 390×844, and writes docs/screenshots/NAME-desktop.png
and NAME-phone.png (the top of each page, as a reader first sees it).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# name → (address, element scrolled to the top of the window, or None for the page's top)
PAGES = {
    "home": ("/zh/", None),
    "section": ("/zh/2022/gov/meetings/", None),
    "department": ("/zh/departments/data-bureau/", None),
    "tasks": ("/zh/2022/documents/tasks-2021/?dept=data-bureau", ".task-filter"),  # filtered, as a department page links it
    "section-en": ("/en/2022/gov/meetings/", None),
}
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="use public/ as it is")
    args = parser.parse_args(argv)
    if not args.no_build:
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--quiet"], cwd=ROOT, check=True)
    handler = functools.partial(QuietHandler, directory=str(ROOT / "public"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                          service_workers="block")
            page = context.new_page()
            for name, (path, scroll_to) in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if scroll_to:  # below the sticky header
                    page.locator(scroll_to).evaluate(
                        "e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY"
                        " - document.querySelector('.masthead').offsetHeight - 16)")
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(ROOT))
            context.close()
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

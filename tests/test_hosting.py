"""deploy/nginx/yearbook.conf against Debian's nginx on 127.0.0.1: headers of every kind of
file, precompressed answers, the 404 page in each language, and a search in Chromium with
the Content-Security-Policy on (no violation reported)."""
from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import ROOT, launch_chromium, playwright_api, require
from yearbook.cli import main

CONF = ROOT / "deploy/nginx/yearbook.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require(Path(NGINX).exists(), "nginx", "apt-get install nginx libnginx-mod-http-brotli-static")
    folder = tmp_path_factory.mktemp("hosting")
    public = folder / "public"
    assert main(["build", "--quiet", "--precompress", "--config", str(ROOT / "config.yaml"), "--output", str(public)]) == 0
    port = free_port()
    server = CONF.read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("root /srv/yearbook/public;", f"root {public};")
    brotli_module = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")   # Debian's path
    brotli = brotli_module.is_file()
    if brotli:
        server = server.replace("# With Debian's libnginx-mod-http-brotli-static, also: brotli_static on;", "brotli_static on;")
    temp = folder / "nginx-temp"
    temp.mkdir()
    (folder / "nginx.conf").write_text(
        (f"load_module {brotli_module};\n" if brotli else "")
        + ("user root;\n" if os.geteuid() == 0 else "")   # workers must read pytest's private tmp folders
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
        f"{server}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "public": public, "brotli": brotli}
    process.terminate()
    process.wait(10)


def get(url: str, encoding: str | None = None):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_pages_and_files_have_their_type_and_caching(site):
    public, url = site["public"], site["url"]
    bundle = public / "pagefind/zh-cn/0"   # the first Chinese bundle (search_index.py)
    fragment = next((bundle / "fragment").iterdir()).name
    index = next((bundle / "index").iterdir()).name
    meta = next(p.name for p in bundle.iterdir() if p.suffix == ".pf_meta")
    wasm = next(p.name for p in bundle.iterdir() if p.suffix == ".pagefind")
    expected = {
        "/zh/": ("text/html; charset=utf-8", "no-cache"),
        "/en/2022/gov/fire/": ("text/html; charset=utf-8", "no-cache"),
        "/sw.js": ("application/javascript; charset=utf-8", "no-cache"),
        "/offline.json": ("application/json; charset=utf-8", "no-cache"),
        "/static/site.css": ("text/css; charset=utf-8", "no-cache"),
        "/pagefind/zh-cn/0/pagefind.js": ("application/javascript; charset=utf-8", "no-cache"),
        "/pagefind/zh-cn/0/pagefind-entry.json": ("application/json; charset=utf-8", "no-cache"),
        f"/pagefind/zh-cn/0/fragment/{fragment}": ("application/octet-stream", "public, max-age=31536000, immutable"),
        f"/pagefind/zh-cn/0/index/{index}": ("application/octet-stream", "public, max-age=31536000, immutable"),
        f"/pagefind/zh-cn/0/{meta}": ("application/octet-stream", "public, max-age=31536000, immutable"),
        f"/pagefind/zh-cn/0/{wasm}": ("application/octet-stream", "no-cache"),
        "/pagefind/facets.zh-cn.yb": ("application/octet-stream", "no-cache"),
        "/zh/manifest.webmanifest": ("application/manifest+json; charset=utf-8", "no-cache"),
    }
    for path, (kind, cache) in expected.items():
        status, headers, _ = get(url + path)
        assert status == 200, path
        assert headers["Content-Type"] == kind, path
        assert headers["Cache-Control"] == cache, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "script-src 'self' 'wasm-unsafe-eval'" in headers["Content-Security-Policy"], path
    connection = http.client.HTTPConnection(url.split("//")[1])
    connection.request("GET", "/zh/2022/gov")
    answer = connection.getresponse()
    assert answer.status == 301 and answer.getheader("Location").endswith("/zh/2022/gov/")
    connection.close()
    assert get(url + "/.yearbook-output")[0] == 404


def test_precompressed_files_are_sent_to_browsers_that_accept_them(site):
    url, public = site["url"], site["public"]
    status, headers, body = get(url + "/static/site.css", "gzip")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (public / "static/site.css").read_bytes()
    if site["brotli"]:
        status, headers, body = get(url + "/zh/", "br")
        assert headers["Content-Encoding"] == "br"
        assert body == (public / "zh/index.html.br").read_bytes()
    elif os.environ.get("CI"):
        pytest.fail("CI installs libnginx-mod-http-brotli-static; brotli_static was not available")


@pytest.mark.parametrize("lang,title", [("zh", "找不到这一页"), ("en", "Page not found")])
def test_a_missing_page_is_a_404_in_the_language_of_the_url(site, lang, title):
    status, headers, body = get(f"{site['url']}/{lang}/no/such/page/")
    assert status == 404
    assert headers["Content-Security-Policy"]
    assert title.encode() in body
    with playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        page.goto(f"{site['url']}/{lang}/no/such/page/")
        assert page.locator("h1:visible").inner_text() == title
        browser.close()


def test_search_works_through_nginx_with_the_csp_on(site):
    with playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        violations = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        page.add_init_script("document.addEventListener('securitypolicyviolation', "
                             "e => console.error('Refused to (CSP) ' + e.violatedDirective + ' ' + e.blockedURI))")
        page.goto(f"{site['url']}/zh/search/?q={quote('消防')}")
        page.locator("#search-results > li").first.wait_for(timeout=20_000)   # (no eval: the CSP forbids it)
        assert "消防" in page.locator("#search-status").inner_text()
        page.goto(f"{site['url']}/zh/2022/gov/fire/")
        page.wait_for_timeout(300)
        browser.close()
    assert not violations, violations

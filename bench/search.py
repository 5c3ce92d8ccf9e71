"""Search on an archive of N volumes: our exact search page against vanilla Pagefind.

    python bench/search.py [--volumes 30] [--out /dev/shm/yearbook-search]
                           [--queries bench/search-queries.yaml] [--repeat 1]
    python bench/search.py --index-only 10000 --out /dev/shm/yearbook-search-10k
    python bench/search.py --reuse        # the browser part again, with the current static/search.js

1. Makes the archive (bench/archive.py: the bundled 2022 volume cloned into N
   volumes) and builds it with search in a fresh process, under /usr/bin/time -v
   (peak resident memory of the largest process of the build's tree) while
   /proc is polled every 20 ms for the VmHWM of the Pagefind process and of the
   build's own Python processes. Reports the build's step timings and the size
   of public/pagefind.
2. Vanilla Pagefind: a copy of the built site (hard links), indexed by the
   extended Pagefind binary alone (timed and measured the same way). The
   published pages carry nothing for our search (Pagefind reads shadow pages
   made from the search records: yearbook/search.py), so this is Pagefind over
   exactly the pages a reader sees.
3. Serves both sites and drives Debian's Chromium (headless) over the query
   list. Ours: /LANG/search/ opens (search.js loads Pagefind and the facet table
   while the reader would type), the query is set into #search-input, Enter;
   first results = Enter → the first #search-results > li (or the "none"
   status), measured in the page (performance.now); bytes = bodies of the
   requests made after the Enter until then. Then #search-more is clicked until
   it is hidden (every page listed: "all"). Vanilla: a blank page with the same
   <html lang> imports /pagefind/pagefind.js and runs init() first, then is
   timed for pf.search(query) and data() of the first 10 results. Cold = a
   fresh browser context per query; warm = the same query again in that
   context (a new navigation; the HTTP cache is warm). Service workers are
   blocked: the site's own (sw.js) keeps the shell and records, which is not
   what a first search costs.
   Bytes are response bodies as transferred (gzip-compressed Pagefind files as
   stored; 0 for a response served from the browser cache). Both sites' files
   are dated a day back, as on a host serving files published earlier, so the
   warm run uses the cache (heuristic freshness) instead of revalidating.
4. Exactness: pages and entries listed against those whose indexed text
   contains the query, computed from the built HTML (parser copied from
   tests/test_search.py); precision and recall micro-averaged over query × page
   (and query × entry) pairs. The same page-level figures for vanilla, from all
   of its results.

Prints plain-text tables (for bench/RESULTS.md) and writes OUT/search-report.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from archive import make_archive  # noqa: E402
from conftest import launch_chromium, playwright_api, static_server  # noqa: E402
from search_truth import contains, indexed_pages, query_parts  # noqa: E402
from yearbook.search_index import pagefind_binary  # noqa: E402

TIME = "/usr/bin/time"


# --- The truth: what a page's indexed text contains (tests/search_truth.py) -----------

def truth(pages: dict, lang: str, query: str) -> tuple[set, set]:
    """(pages, (page, entry id) pairs) of language `lang` whose indexed text contains the query."""
    parts = query_parts(query)
    urls = {url for url, page in pages.items() if url.startswith(f"/{lang}/") and contains(page.text, parts)}
    entries = {(url, entry_id) for url in urls for entry_id, text in pages[url].entries.items() if contains(text, parts)}
    return urls, entries


# --- Running a process and measuring its memory --------------------------------------

def _children_map() -> dict:
    children = defaultdict(list)
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children[ppid].append(int(name))
    return children


def _status(pid: int) -> tuple[str, int] | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return None
    hwm = fields.get("VmHWM", "0 kB").split()[0]
    return fields.get("Name", "?").strip(), int(hwm)


def measured(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run `command` under /usr/bin/time -v (when present) while polling /proc every 20 ms for the
    peak resident memory (VmHWM) of each process of its tree; wall time, output, peaks."""
    report_file = cwd / ".time-v.txt"
    wrapped = [TIME, "-v", "-o", str(report_file), *command] if os.path.exists(TIME) else command
    peaks: dict = {}                 # pid → [name, kB, depth]
    stop = threading.Event()
    start = time.perf_counter()
    process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def poll():
        while not stop.is_set():
            children = _children_map()
            frontier, depth = [process.pid], 0
            while frontier:
                following = []
                for pid in frontier:
                    status = _status(pid)
                    if status:
                        name, kb = status
                        seen = peaks.setdefault(pid, [name, 0, depth])
                        seen[0], seen[1] = name, max(seen[1], kb)
                    following += children.get(pid, [])
                frontier, depth = following, depth + 1
            stop.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    poller.join()
    result = {"command": command, "wall_s": round(wall, 2), "exit": process.returncode, "output": output}
    if report_file.exists():
        text = report_file.read_text(encoding="utf-8", errors="replace")
        report_file.unlink()
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        result["time_v_max_rss_mb"] = round(int(found.group(1)) / 1024, 1) if found else None
    top = 1 if os.path.exists(TIME) else 0           # depth of the command itself (under time)
    pagefind = [kb for name, kb, _ in peaks.values() if name.startswith("pagefind")]
    main = [kb for name, kb, depth in peaks.values() if depth == top]
    others = [kb for name, kb, depth in peaks.values() if depth > top and not name.startswith("pagefind")]
    result["polled_peak_mb"] = {
        "pagefind": round(max(pagefind) / 1024, 1) if pagefind else None,
        "main process": round(max(main) / 1024, 1) if main else None,
        "other children (largest)": round(max(others) / 1024, 1) if others else None,
    }
    result["processes"] = sorted({(name, depth) for name, _, depth in peaks.values()})
    return result


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def parse_steps(output: str) -> tuple[float | None, dict]:
    """The build's summary line: `built …; … in 12.34s (config 0.00s · read 0.04s · … search 3.15s · …)`."""
    for line in reversed(re.split(r"[\r\n]+", output)):
        found = re.search(r"in (\d+(?:\.\d+)?)s \((.*)\)\s*$", line)
        if found and "built" in line:
            steps = {name: float(sec) for name, sec in re.findall(r"([\w-]+) (\d+(?:\.\d+)?)s", found.group(2))}
            return float(found.group(1)), steps
    return None, {}


# --- The vanilla site -----------------------------------------------------------------

def vanilla_copy(public: Path, target: Path) -> None:
    """`public` hard-linked into `target`, without our index and the downloads: the pages a
    reader sees, for Pagefind alone to index."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(public, target, copy_function=os.link, ignore=lambda folder, names: [
        n for n in names if Path(folder) == public and n in ("pagefind", "downloads")])


def vanilla_page(lang_code: str) -> str:
    return (f'<!doctype html>\n<html lang="{lang_code}"><head><meta charset="utf-8"><title>vanilla Pagefind</title>'
            f'<link rel="icon" href="data:,"></head><body></body></html>\n')


# --- The browser ------------------------------------------------------------------------

class Requests:
    """Every request of a page, in order, with its body size as transferred."""

    def __init__(self, page):
        self.seen: list = []
        page.on("request", lambda request: self.seen.append(request))

    def mark(self) -> int:
        return len(self.seen)

    def bytes_between(self, start: int, end: int | None = None) -> tuple[int, int]:
        total = count = 0
        for request in self.seen[start:end]:
            if "favicon" in request.url:
                continue
            count += 1
            total += transferred(request)
        return total, count


def transferred(request) -> int:
    """Response body bytes that came over the network. Playwright's sizes() gives the body as
    encodedDataLength minus headers: negative for a response from the browser cache (nothing
    came), 0 for a revalidated one (304), and 0 for a worker's own script, which Chromium does
    not measure: for Pagefind's worker script, its Content-Length (the files are aged, see
    age_files, so a warm run has no revalidations)."""
    try:
        body = request.sizes()["responseBodySize"]
        response = request.response()
    except Exception:   # a failed or aborted request
        return 0
    if body < 0:
        return 0
    if body == 0 and response is not None and response.status == 200 and request.url.endswith("-worker.js"):
        return int(response.headers.get("content-length") or 0)
    return body


def age_files(*folders: Path, days: float = 1) -> None:
    """Modification times a day back, as on a host serving files published earlier: the servers
    send Last-Modified and no Cache-Control, so Chromium's heuristic freshness (a tenth of the
    age) keeps them fresh for the whole run instead of revalidating the files just built."""
    then = time.time() - days * 86400
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                os.utime(path, (then, then))


INSTALL = """([query, loading]) => {
  const input = document.getElementById('search-input');
  const list = document.getElementById('search-results');
  const status = document.getElementById('search-status');
  const bench = window.__bench = { enter: null, first: null };
  input.value = query;   // no input event: the page's search-as-you-type timer must not start a search
  input.focus();
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && bench.enter === null) bench.enter = performance.now();
  }, { capture: true });
  const seen = () => {
    if (bench.first !== null || bench.enter === null) return;
    const text = status.textContent;
    if (list.querySelector(':scope > li') || (text !== '' && text !== loading)) bench.first = performance.now();
  };
  new MutationObserver(seen).observe(document.getElementById('search-results').parentNode,
                                     { childList: true, subtree: true, characterData: true });
}"""

FIRST_SEEN = "() => window.__bench.first !== null"

LIST_ALL = """(loading) => new Promise((resolve) => {
  const more = document.getElementById('search-more');
  const status = document.getElementById('search-status');
  let clicks = 0;
  const check = () => {
    const text = status.textContent;
    if (text === '' || text === loading) return false;
    if (more.hidden) { resolve({ done: performance.now(), clicks }); return true; }
    if (!more.disabled) { clicks += 1; more.click(); }
    return false;
  };
  if (check()) return;
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(more, { attributes: true });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
})"""

COLLECT = """() => ({
  status: document.getElementById('search-status').textContent,
  pages: [...document.querySelectorAll('#search-results > li > a.result-title')].map(a => a.getAttribute('href')),
  entries: [...document.querySelectorAll('#search-results .sub-results a')].map(a => a.getAttribute('href')),
})"""

# Pagefind loaded and initialised before the query, as our search page does while the reader
# types (search.js: preload): both sides are timed from the query to the first results.
VANILLA_PRELOAD = """async () => { const pf = await import('/pagefind/pagefind.js'); await pf.init(); return true; }"""

VANILLA_TIMED = """async (query) => {
  const pf = await import('/pagefind/pagefind.js');
  const start = performance.now();
  const s = await pf.search(query);
  await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  return { ms: performance.now() - start, results: s.results.length };
}"""

VANILLA_ALL = """async (query) => {
  const pf = await import('/pagefind/pagefind.js');
  const s = await pf.search(query);
  const urls = [];
  for (let i = 0; i < s.results.length; i += 50) {
    const data = await Promise.all(s.results.slice(i, i + 50).map((r) => r.data()));
    urls.push(...data.map((d) => d.url));
  }
  return urls;
}"""


def ours_once(page, requests: Requests, server: str, lang: str, query: str, timeout_ms: int) -> dict:
    """One search on our search page, in the page's context as it is (cold or warm)."""
    page.goto(f"{server}/{lang}/search/")
    page.wait_for_load_state("networkidle")
    strings = page.evaluate("JSON.parse(document.getElementById('search-strings').textContent)")
    page.evaluate(INSTALL, [query, strings["loading"]])
    before = requests.mark()
    page.keyboard.press("Enter")
    page.wait_for_function(FIRST_SEEN, timeout=timeout_ms)
    at_first = requests.mark()
    bench = page.evaluate("window.__bench")
    listing = page.evaluate(LIST_ALL, strings["loading"])
    got = page.evaluate(COLLECT)
    first_bytes, first_requests = requests.bytes_between(before, at_first)
    all_bytes, all_requests = requests.bytes_between(before)
    return {
        "first_ms": bench["first"] - bench["enter"], "first_bytes": first_bytes, "first_requests": first_requests,
        "all_ms": listing["done"] - bench["enter"], "all_bytes": all_bytes, "all_requests": all_requests,
        "clicks": listing["clicks"], "status": got["status"], "strings": strings,
        "pages": [urlsplit(href).path for href in got["pages"]],
        "entries": [(urlsplit(href).path, unquote(urlsplit(href).fragment)) for href in got["entries"]],
    }


def vanilla_once(page, requests: Requests, server: str, lang: str, query: str) -> dict:
    page.goto(f"{server}/bench-vanilla-{lang}.html")
    page.evaluate(VANILLA_PRELOAD)
    page.wait_for_load_state("networkidle")
    before = requests.mark()
    answer = page.evaluate(VANILLA_TIMED, query)
    body, count = requests.bytes_between(before)
    return {"ms": answer["ms"], "bytes": body, "requests": count, "results": answer["results"]}


def expected_status(strings: dict, query: str, pages: int, entries: int) -> str:
    template = strings["none"] if not pages else strings["results"]
    shown = re.sub(r'["“”「」]', "", query).strip()   # search.js quotes the query once, in the template
    return template.replace("{pages}", str(pages)).replace("{entries}", str(entries)).replace("{query}", shown)


def run_browser(ours_url: str, vanilla_url: str, queries: dict, repeat: int, timeout_ms: int) -> dict:
    results: dict = {}
    with playwright_api().sync_playwright() as p:
        browser = launch_chromium(p)
        for lang, items in queries.items():
            for item in items:
                query = item["query"]
                runs = {"ours": {"cold": [], "warm": []}, "vanilla": {"cold": [], "warm": []}}
                vanilla_urls = None
                for _ in range(repeat):
                    context = browser.new_context(service_workers="block")
                    page = context.new_page()
                    requests = Requests(page)
                    for phase in ("cold", "warm"):
                        try:
                            runs["ours"][phase].append(ours_once(page, requests, ours_url, lang, query, timeout_ms))
                        except Exception as exc:   # the search page failed: say so, go on
                            runs["ours"][phase].append({"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"})
                    context.close()
                    context = browser.new_context(service_workers="block")
                    page = context.new_page()
                    requests = Requests(page)
                    for phase in ("cold", "warm"):
                        runs["vanilla"][phase].append(vanilla_once(page, requests, vanilla_url, lang, query))
                    if vanilla_urls is None:
                        vanilla_urls = page.evaluate(VANILLA_ALL, query)
                    context.close()
                results[(lang, query)] = {"runs": runs, "vanilla_urls": vanilla_urls}
                first = runs["ours"]["cold"][0]
                print(f"  {lang} {query!r}: ours {len(first.get('pages', []))} pages "
                      f"{first.get('first_ms', float('nan')):.0f} ms; vanilla {runs['vanilla']['cold'][0]['results']} results "
                      f"{runs['vanilla']['cold'][0]['ms']:.0f} ms{'  ERROR ' + first['error'] if 'error' in first else ''}",
                      file=sys.stderr, flush=True)
        browser.close()
    return results


# --- Figures and the report ---------------------------------------------------------------

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def fmt(value, digits=0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def kb(value) -> str:
    return "—" if value is None else f"{value:.1f}" if value < 10 else f"{value:.0f}"


def ratio(a, b) -> str:
    return "—" if a is None or not b else f"{a / b:.2f}"


def prf(true_positives: int, listed: int, relevant: int) -> dict:
    return {"precision": true_positives / listed if listed else 1.0, "recall": true_positives / relevant if relevant else 1.0,
            "true_positives": true_positives, "listed": listed, "relevant": relevant}


def summarize(pages: dict, queries: dict, browser_results: dict) -> dict:
    per_lang = {}
    for lang, items in queries.items():
        rows, faults, vanilla_faults, page_faults = [], [], [], []
        counts = {"ours_pages": [0, 0, 0], "ours_entries": [0, 0, 0], "vanilla_pages": [0, 0, 0]}
        for item in items:
            query, category = item["query"], item.get("category", "")
            expected, expected_entries = truth(pages, lang, query)
            found = browser_results[(lang, query)]
            ours, vanilla = found["runs"]["ours"], found["runs"]["vanilla"]
            good = [r for r in ours["cold"] + ours["warm"] if "error" not in r]
            errors = [r["error"] for r in ours["cold"] + ours["warm"] if "error" in r]
            row = {"query": query, "category": category, "truth_pages": len(expected),
                   "truth_entries": len(expected_entries), "errors": errors}
            for phase in ("cold", "warm"):
                ok = [r for r in ours[phase] if "error" not in r]
                row[f"ours_first_ms_{phase}"] = median([r["first_ms"] for r in ok])
                row[f"ours_first_kb_{phase}"] = median([r["first_bytes"] / 1000 for r in ok])
                row[f"ours_first_requests_{phase}"] = median([r["first_requests"] for r in ok])
                row[f"ours_all_ms_{phase}"] = median([r["all_ms"] for r in ok])
                row[f"ours_all_kb_{phase}"] = median([r["all_bytes"] / 1000 for r in ok])
                row[f"vanilla_ms_{phase}"] = median([r["ms"] for r in vanilla[phase]])
                row[f"vanilla_kb_{phase}"] = median([r["bytes"] / 1000 for r in vanilla[phase]])
            if good:
                answer = good[0]
                listed, listed_entries = answer["pages"], answer["entries"]
                row.update(ours_pages=len(listed), ours_entries=len(listed_entries), ours_status=answer["status"],
                           ours_clicks=answer["clicks"])
                if len(listed) != len(set(listed)):
                    page_faults.append(f"{lang} {query!r}: a page is listed twice")
                for other in good[1:]:
                    if set(other["pages"]) != set(listed) or set(other["entries"]) != set(listed_entries):
                        page_faults.append(f"{lang} {query!r}: another run listed other pages or entries "
                                           f"({len(other['pages'])} pages, {len(other['entries'])} entries)")
                want = expected_status(answer["strings"], query, len(set(listed)), len(listed_entries))
                if answer["status"] != want:
                    page_faults.append(f"{lang} {query!r}: final status {answer['status']!r}, expected {want!r}")
                hits, entry_hits = expected & set(listed), expected_entries & set(listed_entries)
                for key, tp, n, rel in (("ours_pages", len(hits), len(set(listed)), len(expected)),
                                        ("ours_entries", len(entry_hits), len(set(listed_entries)), len(expected_entries))):
                    counts[key][0] += tp
                    counts[key][1] += n
                    counts[key][2] += rel
                missed, wrong = sorted(expected - hits), sorted(set(listed) - expected)
                missed_entries = sorted(expected_entries - entry_hits)
                wrong_entries = sorted(set(listed_entries) - expected_entries)
                if missed or wrong or missed_entries or wrong_entries:
                    faults.append({"query": query, "missed_pages": missed, "wrong_pages": wrong,
                                   "missed_entries": [f"{u}#{i}" for u, i in missed_entries],
                                   "wrong_entries": [f"{u}#{i}" for u, i in wrong_entries]})
            for r in errors:
                page_faults.append(f"{lang} {query!r}: {r}")
            urls = [urlsplit(u).path for u in found["vanilla_urls"] or []]
            vset = set(urls)
            row.update(vanilla_results=len(urls))
            counts["vanilla_pages"][0] += len(expected & vset)
            counts["vanilla_pages"][1] += len(vset)
            counts["vanilla_pages"][2] += len(expected)
            if expected - vset or vset - expected:
                vanilla_faults.append({"query": query, "found": len(expected & vset), "truth": len(expected),
                                       "missed": len(expected - vset), "wrong": len(vset - expected)})
            if not expected:
                page_faults.append(f"{lang} {query!r}: no page of the built site contains it (choose another query)")
            rows.append(row)
        medians = {key: median([row[key] for row in rows]) for key in rows[0] if key.startswith(("ours_", "vanilla_"))
                   and isinstance(rows[0][key], (int, float)) and key not in ("ours_pages", "ours_entries", "ours_clicks")}
        ratios = {}
        for phase in ("cold", "warm"):
            for what in ("ms", "kb"):
                per_query = [row[f"ours_first_{what}_{phase}"] / row[f"vanilla_{what}_{phase}"] for row in rows
                             if row.get(f"ours_first_{what}_{phase}") is not None and row.get(f"vanilla_{what}_{phase}")]
                ratios[f"{what}_{phase}"] = {
                    "of_medians": (medians[f"ours_first_{what}_{phase}"] / medians[f"vanilla_{what}_{phase}"]
                                   if medians.get(f"vanilla_{what}_{phase}") and medians.get(f"ours_first_{what}_{phase}") is not None else None),
                    "median_per_query": median(per_query)}
        per_lang[lang] = {"rows": rows, "medians": medians, "ratios": ratios,
                          "exactness": {key: prf(*value) for key, value in counts.items()},
                          "faults": faults, "vanilla_faults": vanilla_faults, "page_problems": page_faults}
    return per_lang


def report_text(summary: dict, build: dict, vanilla: dict, args, site_info: dict) -> str:
    out = []
    w = out.append
    w(f"Search on a {args.volumes}-volume archive ({site_info['pages_zh']} zh + {site_info['pages_en']} en indexed pages; "
      f"{os.cpu_count()} cores; output in {args.out}; repeat {args.repeat}; {time.strftime('%Y-%m-%d')})")
    w("first = Enter → first result shown (ours, Pagefind and the facet table loaded while the page opened) / search + data() of the first 10 (vanilla, Pagefind loaded and initialised first); "
      "all = until every page is listed (ours); cold = fresh context, warm = same query again in that context; "
      "KB = response bodies as transferred (0 from the browser cache); service workers blocked; files dated a day back.")
    for lang, data in summary.items():
        w("")
        w(f"{lang}: {len(data['rows'])} queries")
        head = (pad("query", 26) + pad("category", 14) + pad("truth", 6, True) + pad("entr", 6, True) + " │"
                + pad("pages", 6, True) + pad("entr", 6, True) + pad("first ms c/w", 14, True) + pad("KB c/w", 13, True)
                + pad("all ms c/w", 15, True) + pad("all KB c/w", 15, True) + " │"
                + pad("results", 8, True) + pad("ms c/w", 12, True) + pad("KB c/w", 12, True))
        w(pad("", 52) + " │" + pad(" ours", 80) + " │ vanilla")
        w(head)
        for row in data["rows"]:
            w(pad(row["query"], 26) + pad(row["category"], 14) + pad(str(row["truth_pages"]), 6, True)
              + pad(str(row["truth_entries"]), 6, True) + " │"
              + pad(str(row.get("ours_pages", "ERR")), 6, True) + pad(str(row.get("ours_entries", "")), 6, True)
              + pad(f"{fmt(row['ours_first_ms_cold'])}/{fmt(row['ours_first_ms_warm'])}", 14, True)
              + pad(f"{kb(row['ours_first_kb_cold'])}/{kb(row['ours_first_kb_warm'])}", 13, True)
              + pad(f"{fmt(row['ours_all_ms_cold'])}/{fmt(row['ours_all_ms_warm'])}", 15, True)
              + pad(f"{kb(row['ours_all_kb_cold'])}/{kb(row['ours_all_kb_warm'])}", 15, True) + " │"
              + pad(str(row["vanilla_results"]), 8, True)
              + pad(f"{fmt(row['vanilla_ms_cold'])}/{fmt(row['vanilla_ms_warm'])}", 12, True)
              + pad(f"{kb(row['vanilla_kb_cold'])}/{kb(row['vanilla_kb_warm'])}", 12, True))
        m = data["medians"]
        w(pad("median", 52) + " │" + pad("", 12)
          + pad(f"{fmt(m['ours_first_ms_cold'])}/{fmt(m['ours_first_ms_warm'])}", 14, True)
          + pad(f"{kb(m['ours_first_kb_cold'])}/{kb(m['ours_first_kb_warm'])}", 13, True)
          + pad(f"{fmt(m['ours_all_ms_cold'])}/{fmt(m['ours_all_ms_warm'])}", 15, True)
          + pad(f"{kb(m['ours_all_kb_cold'])}/{kb(m['ours_all_kb_warm'])}", 15, True) + " │" + pad("", 8)
          + pad(f"{fmt(m['vanilla_ms_cold'])}/{fmt(m['vanilla_ms_warm'])}", 12, True)
          + pad(f"{kb(m['vanilla_kb_cold'])}/{kb(m['vanilla_kb_warm'])}", 12, True))
        r = data["ratios"]
        w(f"ours/vanilla, first results: time cold {fmt(r['ms_cold']['of_medians'], 2)} warm {fmt(r['ms_warm']['of_medians'], 2)}, "
          f"bytes cold {fmt(r['kb_cold']['of_medians'], 2)} warm {fmt(r['kb_warm']['of_medians'], 2)} (ratio of medians); "
          f"median of per-query ratios: time {fmt(r['ms_cold']['median_per_query'], 2)}/{fmt(r['ms_warm']['median_per_query'], 2)}, "
          f"bytes {fmt(r['kb_cold']['median_per_query'], 2)}/{fmt(r['kb_warm']['median_per_query'], 2)}")
        e = data["exactness"]
        w(f"exactness (micro-averaged): ours pages precision {e['ours_pages']['precision']:.4f} recall {e['ours_pages']['recall']:.4f} "
          f"({e['ours_pages']['true_positives']}/{e['ours_pages']['listed']} listed, {e['ours_pages']['relevant']} true); "
          f"entries precision {e['ours_entries']['precision']:.4f} recall {e['ours_entries']['recall']:.4f} "
          f"({e['ours_entries']['true_positives']}/{e['ours_entries']['listed']}, {e['ours_entries']['relevant']}); "
          f"vanilla pages precision {e['vanilla_pages']['precision']:.4f} recall {e['vanilla_pages']['recall']:.4f} "
          f"({e['vanilla_pages']['true_positives']}/{e['vanilla_pages']['listed']}, {e['vanilla_pages']['relevant']})")
    w("")
    w("build (with search, fresh process, `build.py build --config OUT/config.yaml`, English messages):")
    w(f"  wall {build['wall_s']:.1f} s (exit {build['exit']}); the build's own figures: total {fmt(build.get('total_s'), 2)} s; "
      + " · ".join(f"{k} {v:.2f}s" for k, v in build.get("steps", {}).items()))
    w(f"  peak RSS: whole tree's largest process {fmt(build.get('time_v_max_rss_mb'))} MB (/usr/bin/time -v); "
      f"polled /proc VmHWM every 20 ms: Pagefind {fmt(build['polled_peak_mb']['pagefind'])} MB, "
      f"build's main Python process {fmt(build['polled_peak_mb']['main process'])} MB, "
      f"largest other child {fmt(build['polled_peak_mb']['other children (largest)'])} MB")
    w(f"  public/pagefind: {build['index_bytes'] / 1e6:.1f} MB in {build['index_files']} files "
      f"(fragments {build['fragment_bytes'] / 1e6:.1f} MB, index chunks {build['chunk_bytes'] / 1e6:.1f} MB)")
    if build.get("records_files"):
        w(f"  public/search (the pages' search records the search page checks): {build['records_bytes'] / 1e6:.1f} MB "
          f"in {build['records_files']} files")
    w("vanilla Pagefind alone over the same published pages:")
    w(f"  wall {vanilla['wall_s']:.1f} s (exit {vanilla['exit']}); peak RSS {fmt(vanilla.get('time_v_max_rss_mb'))} MB "
      f"(/usr/bin/time -v), polled VmHWM {fmt(vanilla['polled_peak_mb']['pagefind'])} MB")
    w(f"  pagefind/: {vanilla['index_bytes'] / 1e6:.1f} MB in {vanilla['index_files']} files "
      f"(fragments {vanilla['fragment_bytes'] / 1e6:.1f} MB, index chunks {vanilla['chunk_bytes'] / 1e6:.1f} MB)")
    w("")
    w("faults of ours (pages or entries listed that do not contain the query, or missed):")
    any_fault = False
    for lang, data in summary.items():
        for fault in data["faults"]:
            any_fault = True
            w(f"  {lang} {fault['query']!r}: missed pages {fault['missed_pages']}; wrong pages {fault['wrong_pages']}; "
              f"missed entries {fault['missed_entries']}; wrong entries {fault['wrong_entries']}")
    if not any_fault:
        w("  none")
    w("search page problems (errors, status text, duplicates, queries without truth):")
    problems = [p for data in summary.values() for p in data["page_problems"]]
    w("\n".join(f"  {p}" for p in problems) if problems else "  none")
    w("vanilla Pagefind, queries not answered exactly (found/truth, missed, not containing it):")
    for lang, data in summary.items():
        for fault in data["vanilla_faults"]:
            w(f"  {lang} {fault['query']!r}: {fault['found']}/{fault['truth']}, missed {fault['missed']}, wrong {fault['wrong']}")
    return "\n".join(out)


def index_figures(folder: Path) -> dict:
    """Sizes of a pagefind/ folder: one bundle (vanilla) or ours, a bundle per language and volume group."""
    total, files = folder_size(folder)
    return {"index_bytes": total, "index_files": files,
            "fragment_bytes": sum(folder_size(d)[0] for d in folder.rglob("fragment") if d.is_dir()),
            "chunk_bytes": sum(folder_size(d)[0] for d in folder.rglob("index") if d.is_dir())}


def index_only(pages: int, out: Path) -> int:
    """The search step at the bench's scale: our build's search step and Pagefind's peak memory,
    against Pagefind alone over the same published pages."""
    from bench import generate   # bench/bench.py: the synthetic archive (volumes of 1,000 pages)

    shutil.rmtree(out, ignore_errors=True)
    count = generate(out, pages)
    config = out / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    env = {**os.environ, "YEARBOOK_LANG": "en"}
    build = measured([sys.executable, str(ROOT / "build.py"), "build", "--config", str(config)], out, env)
    build["total_s"], build["steps"] = parse_steps(build["output"])
    if build["exit"] != 0:
        print(build["output"][-3000:])
        return 1
    vanilla_site = out / "vanilla"
    vanilla_copy(out / "public", vanilla_site)
    vanilla = measured([pagefind_binary(), "--site", str(vanilla_site), "--quiet"], out)
    # One entry of the oldest volume changed: the build with the cache indexes its bundle again.
    edited = sorted((out / "content").glob("*/ch00/s000.zh.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新增的一句话。\n", encoding="utf-8")
    again = measured([sys.executable, str(ROOT / "build.py"), "build", "--config", str(config)], out, env)
    again["total_s"], again["steps"] = parse_steps(again["output"])
    bundles = re.search(r"\((\d+) of (\d+) bundles indexed again\)", again["output"])
    ours_size, vanilla_size = folder_size(out / "public" / "pagefind"), folder_size(vanilla_site / "pagefind")
    records = folder_size(out / "public" / "search")
    search_s = build["steps"].get("search")
    print(f"Search index at the bench's scale: {count} pages (bench/bench.py's archive, search: true), "
          f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, output in {out}\n"
          f"  ours: build {build['total_s']} s, of which search {search_s} s; peak RSS {build.get('time_v_max_rss_mb')} MB "
          f"(Pagefind {build['polled_peak_mb']['pagefind']} MB); pagefind/ {ours_size[0] / 1e6:.1f} MB in {ours_size[1]} "
          f"files, records {records[0] / 1e6:.1f} MB in {records[1]} files\n"
          f"  vanilla Pagefind over the same published pages: {vanilla['wall_s']} s, peak RSS "
          f"{vanilla.get('time_v_max_rss_mb')} MB; pagefind/ {vanilla_size[0] / 1e6:.1f} MB in {vanilla_size[1]} files\n"
          f"  search step / Pagefind alone: {search_s / vanilla['wall_s']:.2f}×; peak memory ratio "
          f"{(build['polled_peak_mb']['pagefind'] or 0) / max(vanilla.get('time_v_max_rss_mb') or 1, 1):.2f}×\n"
          f"  after one entry of the oldest volume changed ({edited.relative_to(out)}), `build` with the cache: "
          f"{again['total_s']} s, search {again['steps'].get('search')} s, "
          f"{bundles.group(1) + ' of ' + bundles.group(2) if bundles else '?'} bundles indexed again; "
          f"peak RSS {again.get('time_v_max_rss_mb')} MB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/yearbook-search"))
    parser.add_argument("--queries", type=Path, default=ROOT / "bench" / "search-queries.yaml")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for a query's first results")
    parser.add_argument("--reuse", action="store_true",
                        help="the archive and both indexes of an earlier run in --out: only the browser part, "
                             "with the project's static/ files (search.js) copied in")
    parser.add_argument("--index-only", type=int, metavar="PAGES",
                        help="no browser: the bench's synthetic archive of about PAGES pages (bench/bench.py), "
                             "built with search, against vanilla Pagefind over the same pages (time, memory, size)")
    args = parser.parse_args()
    if args.index_only:
        return index_only(args.index_only, args.out)
    queries = yaml.safe_load(args.queries.read_text(encoding="utf-8"))
    queries = {lang: [item if isinstance(item, dict) else {"query": item} for item in items] for lang, items in queries.items()}

    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    if args.reuse:
        earlier = json.loads((args.out / "search-report.json").read_text(encoding="utf-8"))
        return browser_part(args, queries, log, earlier["build"], earlier["vanilla_build"])
    site = make_archive(args.out, args.volumes)
    log(f"archive: {args.volumes} volumes in {site}")
    env = {**os.environ, "YEARBOOK_LANG": "en"}   # the summary line in English, whatever the shell says
    build = measured([sys.executable, str(ROOT / "build.py"), "build", "--config", str(site / "config.yaml")], site, env)
    build["total_s"], build["steps"] = parse_steps(build["output"])
    if build["exit"] != 0:
        print(build["output"][-3000:])
        return 1
    public = site / "public"
    build.update(index_figures(public / "pagefind"))
    if (public / "search").is_dir():   # the search records (search/PATH.yb), when the build writes them
        build["records_bytes"], build["records_files"] = folder_size(public / "search")
    log(f"build: {build['wall_s']} s; steps {build['steps']}")

    vanilla_site = site / "vanilla"
    vanilla_copy(public, vanilla_site)
    binary = pagefind_binary()
    vanilla = measured([binary, "--site", str(vanilla_site), "--quiet"], site)
    if vanilla["exit"] != 0:
        print(vanilla["output"][-3000:])
        return 1
    vanilla.update(index_figures(vanilla_site / "pagefind"))
    log(f"vanilla Pagefind: {vanilla['wall_s']} s")
    return browser_part(args, queries, log, build, vanilla)


def browser_part(args, queries: dict, log, build: dict, vanilla_build: dict) -> int:
    """The queries in Chromium against both sites in args.out, exactness, and the report."""
    site, vanilla = args.out, vanilla_build
    public, vanilla_site = site / "public", site / "vanilla"
    if args.reuse:   # search.js and the other static files as they are now in the project
        shutil.copytree(ROOT / "static", public / "static", dirs_exist_ok=True)
    codes = {}
    for lang in queries:
        found = re.search(r'<html lang="([^"]+)"', (public / lang / "search" / "index.html").read_text(encoding="utf-8"))
        codes[lang] = found.group(1)
        (vanilla_site / f"bench-vanilla-{lang}.html").write_text(vanilla_page(codes[lang]), encoding="utf-8")

    age_files(public, vanilla_site)
    start = time.perf_counter()
    pages = indexed_pages(public)
    site_info = {"pages_zh": sum(u.startswith("/zh/") for u in pages), "pages_en": sum(u.startswith("/en/") for u in pages)}
    log(f"truth: {len(pages)} indexed pages read in {time.perf_counter() - start:.1f} s")

    with static_server(public) as ours_url, static_server(vanilla_site) as vanilla_url:
        browser_results = run_browser(ours_url, vanilla_url, queries, args.repeat, int(args.timeout * 1000))

    summary = summarize(pages, queries, browser_results)
    text = report_text(summary, build, vanilla, args, site_info)
    print(text)
    build_json = {k: v for k, v in build.items() if k != "output"}
    vanilla_json = {k: v for k, v in vanilla.items() if k != "output"}
    raw = {f"{lang}\t{query}": {"runs": found["runs"], "vanilla_result_count": len(found["vanilla_urls"] or [])}
           for (lang, query), found in browser_results.items()}
    for entry in raw.values():
        for engine in entry["runs"].values():
            for phase_runs in engine.values():
                for r in phase_runs:
                    r.pop("strings", None)
    report = {"args": {"volumes": args.volumes, "out": str(args.out), "queries": str(args.queries), "repeat": args.repeat},
              "date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(), "site": site_info,
              "build": build_json, "vanilla_build": vanilla_json, "languages": summary, "raw": raw, "text": text}
    (args.out / "search-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=list), encoding="utf-8")
    log(f"report: {args.out / 'search-report.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Offline reading: a service worker that precaches the whole site, search included.

On a reader's first visit the worker downloads every page and the Pagefind
bundle listed in offline.json, then answers from that cache first, so pages
and search keep working with the network off. The cache is named after a hash
of every file, so each build that changes anything replaces it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

SKIP = {".yearbook-output", "sw.js", "offline.json"}

WORKER = """// Service worker: precache the site on the first visit, then serve it cache-first (offline too).
"use strict";
const VERSION = "%(version)s";
const ROOT = "%(root)s";
const CACHE = "yearbook-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const manifest = await (await fetch(ROOT + "offline.json", { cache: "no-store" })).json();
    const cache = await caches.open(CACHE);
    for (let i = 0; i < manifest.files.length; i += 40) {
      await cache.addAll(manifest.files.slice(i, i + 40).map((file) => ROOT + file));
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("yearbook-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // ignoreSearch: Pagefind asks for pagefind-entry.json?ts=…, search hits carry ?hl=…
    const cached = await cache.match(event.request, { ignoreSearch: true });
    if (cached) return cached;
    try {
      return await fetch(event.request);
    } catch (error) {
      return (await cache.match(ROOT + "404.html")) || Response.error();
    }
  })());
});
"""


def write_offline_bundle(staging: Path, root: str, known: dict | None = None, seen: dict | None = None) -> int:
    """offline.json (every file, pages as their directory URLs) and sw.js; returns the file count.

    `known` maps output paths to the SHA-1 of what was written, so pages are not read back;
    `seen` (serve keeps one) remembers digests by (path, mtime, size) across rebuilds."""
    known = known or {}
    files, digest, current = [], hashlib.sha1(), set()
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        rel = path.relative_to(staging).as_posix()
        if rel in SKIP or rel.startswith("downloads/"):   # the offline zips: read from disk, not cached
            continue
        url = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        files.append(url)
        digest.update(rel.encode() + b"\0" + (known.get(rel) or _file_digest(path, seen, current)))
    if seen is not None:  # forget files that are gone or changed
        for key in [k for k in seen if k not in current]:
            del seen[key]
    version = digest.hexdigest()[:16]
    (staging / "offline.json").write_text(json.dumps({"version": version, "files": files}, ensure_ascii=False, indent=0),
                                          encoding="utf-8")
    (staging / "sw.js").write_text(WORKER % {"version": version, "root": root}, encoding="utf-8")
    return len(files)


def _file_digest(path: Path, seen: dict | None, current: set) -> bytes:
    if seen is None:
        return hashlib.sha1(path.read_bytes()).digest()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    current.add(key)
    if key not in seen:
        seen[key] = hashlib.sha1(path.read_bytes()).digest()
    return seen[key]

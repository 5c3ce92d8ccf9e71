"""Offline reading at archive scale: a service worker that keeps what a reader needs.

An archive of 30 volumes is hundreds of megabytes, so nothing like the whole site is
precached. offline.json splits the files into groups, each with a version (a hash of
its files), and the worker (sw.js) keeps:

- "shell", on the first visit: the home, search and department pages, static files,
  and the search index itself (pagefind.js, its WebAssembly, index chunks, facet tables;
  not Pagefind's fragments, which search.js never reads);
- "VOLUME:search", the records the search page checks (search/LANG/VOLUME/…), for
  each volume the reader opens: search works offline over the volumes they read;
- "VOLUME", the volume's pages and photos, when the reader asks for it with the
  button on the volume's page ("keep this volume offline");
- pages the reader opened, as they are opened.

A group is downloaded again only when its version changes, so a new build that
touched one volume does not make readers download the others again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .search_index import fetched_by_search_page

SKIP = {".yearbook-output", "sw.js", "offline.json"}
# The offline zips are downloads, not pages; of pagefind/, only what search.js fetches.
NOT_CACHED = ("downloads/",)

WORKER = """// Service worker (yearbook/offline.py): the shell on the first visit, the search records of
// each volume opened, a whole volume on request; cache first, so pages and search work offline.
"use strict";
const VERSION = "%(version)s";
const ROOT = "%(root)s";
const PREFIX = "yearbook-";
const KEPT = PREFIX + "kept";            // which groups this reader keeps (a JSON list)
const RUNTIME = PREFIX + "runtime-" + VERSION;   // pages opened, for this build

let manifestPromise = null;
const manifest = () => (manifestPromise = manifestPromise ||
  fetch(ROOT + "offline.json", { cache: "no-store" }).then((r) => r.json()));
const cacheName = (group, version) => PREFIX + group.replace(":", "-") + "-" + version;

async function kept() {
  const entry = await (await caches.open(KEPT)).match(ROOT + "__kept__");
  return entry ? entry.json() : [];
}

async function setKept(groups) {
  await (await caches.open(KEPT)).put(ROOT + "__kept__", new Response(JSON.stringify([...new Set(groups)])));
}

/** Download a group into its versioned cache (nothing when that version is there already). */
async function fill(group, report) {
  const entry = (await manifest()).groups[group];
  if (!entry) return;
  const name = cacheName(group, entry.version);
  if ((await caches.keys()).includes(name) && !(await caches.open(name).then((c) => c.match(ROOT + "__partial__")))) return;
  const cache = await caches.open(name);
  await cache.put(ROOT + "__partial__", new Response(""));
  for (let i = 0; i < entry.files.length; i += 40) {
    await cache.addAll(entry.files.slice(i, i + 40).map((file) => ROOT + file));
    if (report) report(Math.min(i + 40, entry.files.length), entry.files.length);
  }
  await cache.delete(ROOT + "__partial__");
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await fill("shell");
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const groups = (await manifest()).groups;
    const wanted = new Set([KEPT, RUNTIME]);
    for (const group of ["shell", ...await kept()]) {
      if (groups[group]) wanted.add(cacheName(group, groups[group].version));
    }
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !wanted.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
    for (const group of await kept()) await fill(group);   // a new build: only changed groups download
  })());
});

// The page asks: {keep: [groups]} (the volume it shows: its search records; or a whole
// volume, from the button), {drop: [groups]}, {status: true}. Answers go to that page.
self.addEventListener("message", (event) => {
  const client = event.source;
  const say = (data) => client && client.postMessage(data);
  event.waitUntil((async () => {
    const groups = (await manifest()).groups;
    if (event.data.keep) {
      const wanted = event.data.keep.filter((group) => groups[group]);
      await setKept([...await kept(), ...wanted]);
      for (const group of wanted) {
        await fill(group, (done, total) => say({ group, done, total }));
        say({ group, kept: true });
      }
    }
    if (event.data.drop) {
      await setKept((await kept()).filter((group) => !event.data.drop.includes(group)));
      for (const group of event.data.drop) {
        if (groups[group]) await caches.delete(cacheName(group, groups[group].version));
        say({ group, kept: false });
      }
    }
    if (event.data.status) say({ kept: await kept() });
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(self.location.origin)) return;
  event.respondWith((async () => {
    // ignoreSearch: Pagefind asks for pagefind-entry.json?ts=…, search hits carry ?hl=…
    const cached = await caches.match(request, { ignoreSearch: true });
    if (cached) return cached;
    try {
      const response = await fetch(request);
      if (response.ok && request.mode === "navigate") {
        (await caches.open(RUNTIME)).put(request.url.split(/[?#]/)[0], response.clone());
      }
      return response;
    } catch (error) {
      return (await caches.match(ROOT + "404.html")) || Response.error();
    }
  })());
});
"""


def group_of(rel: str, volumes: set) -> str:
    """The offline group of an output file: VOLUME (its pages, photos), VOLUME:search (its
    search records) or shell. Pages are LANG/VOLUME/…, photos media/VOLUME/…, records
    search/LANG/VOLUME/…."""
    parts = rel.split("/")
    if parts[0] == "media" and len(parts) > 2 and parts[1] in volumes:
        return parts[1]
    if parts[0] == "search" and len(parts) > 3 and parts[2] in volumes:
        return parts[2] + ":search"
    if len(parts) > 2 and parts[1] in volumes:
        return parts[1]
    return "shell"


def write_offline_bundle(staging: Path, root: str, known: dict | None = None, seen: dict | None = None,
                         volumes=None, files: dict | None = None) -> int:
    """offline.json (the groups, pages as their directory URLs) and sw.js; returns the file count.

    `volumes` are the volume folder names (default: those of the offline.json already in
    `staging`, for serve's re-index). `files` (rel → SHA-1 of every file, as `output_digests`
    gives) spares walking the folder; else it is walked, with `known` and `seen` as there."""
    if volumes is None:
        previous = staging / "offline.json"
        volumes = [g for g in json.loads(previous.read_text(encoding="utf-8")).get("groups", {})
                   if g != "shell" and ":" not in g] if previous.exists() else []
    volumes = set(volumes)
    if files is None:
        files = output_digests(staging, known, seen)
    groups: dict = {"shell": ([], hashlib.sha1())}
    for volume in sorted(volumes):
        groups[volume] = ([], hashlib.sha1())
        groups[volume + ":search"] = ([], hashlib.sha1())
    overall = hashlib.sha1()
    for rel in sorted(files, key=lambda rel: rel.split("/")):   # pathlib's order
        url = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        listed, digest = groups[group_of(rel, volumes)]
        listed.append(url)
        line = rel.encode() + b"\0" + files[rel]
        digest.update(line)
        overall.update(line)
    version = overall.hexdigest()[:16]
    manifest = {"version": version,
                "groups": {name: {"version": digest.hexdigest()[:16], "files": listed}
                           for name, (listed, digest) in groups.items() if listed}}
    (staging / "offline.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    (staging / "sw.js").write_text(WORKER % {"version": version, "root": root}, encoding="utf-8")
    return len(files)


def output_digests(folder: Path, known: dict | None = None, seen: dict | None = None) -> dict:
    """rel → SHA-1 of every file of `folder` the offline list names. `known` maps output paths
    to the SHA-1 of what was written, so pages are not read back; `seen` (serve keeps one)
    remembers digests by (path, mtime, size) across rebuilds."""
    known = known or {}
    files, current = {}, set()
    for rel, entry in _files(str(folder)):
        if not is_listed(rel):
            continue
        files[rel] = known.get(rel) or _file_digest(entry, seen, current)
    if seen is not None:  # forget files that are gone or changed
        for key in [k for k in seen if k not in current]:
            del seen[key]
    return files


def is_listed(rel: str) -> bool:
    """Whether the offline list names an output file."""
    if rel.startswith("pagefind/"):
        return fetched_by_search_page(rel)
    return rel not in SKIP and not rel.startswith(NOT_CACHED)


def _files(top: str, prefix: str = ""):
    """(relative path, os.DirEntry) of every file below `top` (scandir: a rebuild in serve
    walks the whole output, and pathlib's rglob costs ten times as much)."""
    with os.scandir(top) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path, prefix + entry.name + "/")
            elif entry.is_file():
                yield prefix + entry.name, entry


def _file_digest(entry: os.DirEntry, seen: dict | None, current: set) -> bytes:
    if seen is None:
        with open(entry.path, "rb") as file:
            return hashlib.sha1(file.read()).digest()
    stat = entry.stat()
    key = (entry.path, stat.st_mtime_ns, stat.st_size)
    current.add(key)
    if key not in seen:
        with open(entry.path, "rb") as file:
            seen[key] = hashlib.sha1(file.read()).digest()
    return seen[key]

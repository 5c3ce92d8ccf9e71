"""`build.py serve`: build once, serve the output folder with live reload, rebuild on every save.

What python-livereload gives us and what we do instead:

- Its watcher looks at every watched file several times a second and runs the
  callback of *every* watched path that changed, so one save of three files can
  build three times (mkdocs#2061). `SourceWatcher` is told of saves by the
  operating system (watchdog), waits until a burst of saves is over, and calls
  the one registered callback once with every file that changed.
- It would reload the browser as soon as it sees a change, before our build
  ends, and not at all for a change within 3 s of its last reload; we send
  the reload ourselves once each build is done (good or bad).
- Its static handler cannot add our error overlay, so the output folder is
  served by a small WSGI app (`DevSite.app`). Served HTML gets the livereload
  snippet and, only while the last build failed, the overlay listing its errors;
  /sw.js is a worker that caches nothing. Nothing is written into built files.

Rebuilds run in a thread of their own (`Rebuilder`), so the preview keeps
answering while one runs, and render only the pages that show what changed
(incremental.py). The pages open in a browser (livereload.js tells us their
addresses) are rendered first and reloaded as soon as they are written; the
rest follows. Pagefind is skipped; the index is rebuilt afterwards in another
thread, over hard links to the new search records, and swapped into
`pagefind/` on the server's thread, between two requests. Until then the
previous index keeps answering (a rebuild that writes a whole new output
folder carries it over as hard links).

Python's cyclic garbage collector would pause a rebuild of an archive for
about half a second, walking every object the memo keeps; it runs instead when
the preview has been idle for a moment after a rebuild.
"""
from __future__ import annotations

import gc
import html
import json
import logging
import mimetypes
import os
import shutil
import signal
import sys
import threading
import time
import traceback
import webbrowser
from pathlib import Path
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver
from tornado.ioloop import IOLoop
from tornado.web import HTTPError

from .. import cache, output, pipeline, search_index
from . import incremental
from .sessions import PREVIEW_URL, new_session_folder
from ..guide import guide_path
from ..config import Config, load_config
from ..diagnostics import BuildFailed, Diagnostics, Location, relpath
from ..messages import t
from ..offline import write_offline_bundle
from ..search import RECORDS_DIR

IDLE_SECONDS = 1.0    # after a rebuild, this long without a save before collecting garbage
SETTLE_SECONDS = 0.05 # a burst of saves (editor, git checkout) is over after this long without another

# Served instead of the site's sw.js: the offline worker answers cache-first,
# which would hide every rebuild. This one has no fetch handler (the browser
# goes to the network) and deletes what the real one cached on this origin. If
# the real one was there (the site was served on this port before), the open
# pages came from its cache, without live reload: load them again.
DEV_WORKER = b"""// build.py serve: no offline cache while previewing.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  let replaced = false;
  for (const name of await caches.keys()) {
    if (name.startsWith("yearbook-")) { await caches.delete(name); replaced = true; }
  }
  await self.clients.claim();
  if (replaced) for (const client of await self.clients.matchAll({ type: "window" })) client.navigate(client.url);
})()));
"""

OVERLAY = """<script>/* build.py serve: the last build failed; this box lists its errors. Never in built files. */
(() => {
  const report = __REPORT__;
  const show = () => {
    const host = document.createElement("div");
    host.id = "yearbook-build-errors";
    const root = host.attachShadow({ mode: "open" });
    root.innerHTML = `<style>
      section { position: fixed; inset: 1rem; z-index: 2147483647; overflow: auto; box-sizing: border-box;
        max-width: 60rem; margin: 0 auto; height: fit-content; max-height: calc(100vh - 2rem);
        padding: 1rem 1.25rem; background: #fff; color: #222; border-top: .4rem solid #b3261e;
        box-shadow: 0 .5rem 2rem rgba(0,0,0,.35); font: 15px/1.5 system-ui, sans-serif; }
      h2 { margin: 0 2rem .5rem 0; font-size: 1.1rem; color: #b3261e; }
      pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: 13px/1.5 ui-monospace, monospace; }
      p { margin: .75rem 0 0; color: #555; }
      button { position: absolute; top: .5rem; right: .75rem; border: 0; background: none; font-size: 1.5rem; cursor: pointer; }
    </style><section role="alert" aria-labelledby="t"><h2 id="t"></h2><pre></pre><p></p>
    <button type="button">×</button></section>`;
    root.querySelector("h2").textContent = report.title;
    root.querySelector("pre").textContent = report.text;
    root.querySelector("p").textContent = report.note;
    root.querySelector("button").setAttribute("aria-label", report.hide);
    root.querySelector("button").addEventListener("click", () => host.remove());
    document.body.append(host);
  };
  if (document.body) show(); else document.addEventListener("DOMContentLoaded", show);
})();
</script>
"""

NOT_FOUND = "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><p>{text}</p></body></html>"


def not_found_page() -> bytes:
    """The answer for a missing page when the site has no 404.html (not built yet)."""
    return NOT_FOUND.format(title=html.escape(t("commands.serve-not-found-title").render()),
                            text=html.escape(t("commands.serve-not-found").render())).encode("utf-8")


def serve(config_path: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          with_search: bool = True) -> int:
    """Build, then serve until Ctrl+C; every save rebuilds and reloads the browser."""
    diags = Diagnostics()
    config = load_config(config_path, diags)
    if config is None:
        print(diags.format_text(), file=sys.stderr)
        print(t("commands.serve-needs-config"), file=sys.stderr)
        return 1
    site = DevSite(config_path, config, with_search)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        site.first_build()
        gc.disable()   # collected when idle instead (Rebuilder): see above
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}{config.base_path}"
        watched = [relpath(p, config.root) + ("/" if p.is_dir() else "") for p in site.watched]
        site.allowed_hosts = allowed_hosts(host)
        site.reloader = guard_livereload(site.allowed_hosts)
        server = Server(app=site.app, watcher=SourceWatcher())
        for path in site.watched:
            server.watch(str(path), site.rebuild)  # the same callback for every path: one build per burst
        logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)

        def listening():  # first thing the loop runs, so only once listen() has worked
            say(t("commands.serve-serving", out=config.output_dir.name, url=url, watched=watched))
            local = url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")
            (site.scratch / PREVIEW_URL).write_text(local, encoding="utf-8")   # `new` prints this session's address
            if open_browser:
                local = url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")
                threading.Thread(target=webbrowser.open, args=(local,), daemon=True).start()

        IOLoop.current().add_callback(listening)
        try:
            server.serve(port=port, host=host, debug=False)  # returns on Ctrl+C
        except OSError as exc:  # from listen(): nothing has been served yet
            text = t("commands.serve-cannot-listen", host=host, port=port, reason=exc.strerror or exc, next=port + 1)
            print(text.render() + "\n  " + t("diag.hint", hint=text.hint()).render(), file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        site.close()
    say(t("commands.serve-stopped"))
    return 0


LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str) -> frozenset | None:
    """Host names a request may name: this computer's, and the --host given. None (any) when
    the preview is shared on the network (--host 0.0.0.0), where readers use the machine's address.
    Other names are refused so that a web page cannot reach the preview by DNS rebinding."""
    if host in ("0.0.0.0", "::", ""):
        return None
    return frozenset((*LOCAL_NAMES, host.strip("[]").lower()))


def host_name(value: str) -> str:
    """'127.0.0.1:8000' → '127.0.0.1'; '[::1]:8000' → '::1'; 'http://localhost:8000' → 'localhost'."""
    value = value.split("://", 1)[-1].split("/", 1)[0].lower()
    if value.startswith("["):
        return value[1:value.find("]")]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def guard_livereload(allowed) -> type:
    """livereload's own routes (/livereload, /livereload.js, /forcereload) answer any Host and
    any Origin, and log a traceback for a frame that is not JSON: give them the preview's rules."""
    import livereload.server as server_module   # its application() looks the handlers up here

    class Guard:
        def prepare(self):
            if allowed is not None and host_name(self.request.host or "") not in allowed:
                raise HTTPError(400, "unknown host")
            return super().prepare()

    class GuardedLiveReload(Guard, LiveReloadHandler):
        def check_origin(self, origin):
            return allowed is None or host_name(origin) in allowed

        page_path = None   # the address of the page this socket belongs to (from livereload.js's "info")

        def on_message(self, message):
            try:
                data = json.loads(message)
                if isinstance(data, dict) and data.get("command") == "info" and isinstance(data.get("url"), str):
                    self.page_path = urlsplit(data["url"]).path
                return super().on_message(message)
            except (ValueError, TypeError, AttributeError):   # not livereload's JSON: ignore it
                return None

    server_module.LiveReloadHandler = GuardedLiveReload
    server_module.ForceReloadHandler = type("GuardedForceReload", (Guard, server_module.ForceReloadHandler), {})
    server_module.LiveReloadJSHandler = type("GuardedLiveReloadJS", (Guard, server_module.LiveReloadJSHandler), {})
    return GuardedLiveReload


def _stop(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops like Ctrl+C: the scratch folder is removed


def say(line, stream=None) -> None:
    """Print a line (a str or a Text) at once: the terminal of a running preview is a log."""
    print(line, file=stream or sys.stdout, flush=True)


def ignored(path: str) -> bool:
    """Hidden files and folders, and editors' swap and backup files: not sources."""
    name = os.path.basename(path)
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
            or any(part.startswith(".") for part in Path(path).parts[:-1]))


class SourceWatcher(Watcher):
    """livereload's Watcher, told of saves by the operating system (inotify, through watchdog,
    as MkDocs does) instead of looking at every file ten times a second, which on an archive of
    thirty volumes took 40% of a core while idle and slowed every rebuild; one call per burst.

    python-livereload's own watcher runs the callback of *every* watched path that changed, and
    stops walking a folder at its first changed file (mkdocs#2061); this one waits until a burst
    of saves is over and calls the one registered callback once with every file that changed."""

    def __init__(self):
        super().__init__()
        self._pending: set = set()
        self._born: set = set()   # paths of the burst whose first event made them
        self._lock = threading.Lock()
        self._observer = None
        self._loop: IOLoop | None = None
        self._timer = None

    def start(self, callback) -> bool:
        """Watch ourselves (livereload's `callback` would reload before our build ends)."""
        self._loop = IOLoop.current()
        handler = _Events(self)
        folders: dict = {}   # folder → (recursive, files wanted: None for all)
        for path in map(Path, self._tasks):
            if path.is_dir():
                folders[path] = (True, None)
            else:
                recursive, files = folders.get(path.parent, (False, set()))
                if files is not None:
                    folders[path.parent] = (recursive, files | {str(path)})
        self._wanted = {str(folder): files for folder, (_, files) in folders.items()}
        for kind in (Observer, PollingObserver):   # polling where the system runs out of inotify watches
            try:
                self._observer = kind()
                for folder, (recursive, _) in folders.items():
                    if folder.is_dir():
                        self._observer.schedule(handler, str(folder), recursive=recursive)
                self._observer.daemon = True
                self._observer.start()
                return True
            except OSError as exc:
                say(t("commands.serve-watching-by-polling", reason=exc.strerror or exc), sys.stderr)
        return True

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()

    def saw(self, path: str, created: bool = False) -> None:
        """From watchdog's thread: a watched file or folder changed (`created`: it was made)."""
        if ignored(path) or not self._watched(path):
            return
        with self._lock:
            if created and path not in self._pending:
                self._born.add(path)
            self._pending.add(path)
        self._loop.add_callback(self._settle)

    def _watched(self, path: str) -> bool:
        for folder, files in self._wanted.items():
            if path == folder or path.startswith(folder + os.sep):
                if files is None or path in files:
                    return True
        return False

    def _settle(self) -> None:
        """On the server's thread: wait until no save came for SETTLE_SECONDS, then call back once."""
        if self._timer is not None:
            self._loop.remove_timeout(self._timer)
        self._timer = self._loop.call_later(SETTLE_SECONDS, self._fire)

    def _fire(self) -> None:
        self._timer = None
        with self._lock:
            pending, born, self._pending, self._born = self._pending, self._born, set(), set()
        # A file made and removed within the burst changed nothing: the file vim makes to test the
        # folder (4913), the temporary file sed -i or an editor writes and renames over the page.
        # Taken for a change, it would render every page (it is not a page source).
        pending = sorted(path for path in pending if path not in born or os.path.lexists(path))
        if not pending:
            return
        callbacks = []  # bound methods are equal, not identical: compare with ==
        for task in self._tasks.values():
            if task["func"] and task["func"] not in callbacks:
                callbacks.append(task["func"])
        for func in callbacks:
            func(pending)


class _Events(FileSystemEventHandler):
    """watchdog's events → SourceWatcher.saw: files written, created, removed or renamed
    (both names), and folders created, removed or renamed (a folder's "modified" says nothing)."""

    def __init__(self, watcher: SourceWatcher):
        self.watcher = watcher

    def on_any_event(self, event) -> None:
        if event.event_type in ("opened", "closed_no_write") or (event.is_directory and event.event_type == "modified"):
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self.watcher.saw(os.fsdecode(path), created=event.event_type == "created" and path == event.src_path)


class DevSite:
    """The state of a serve session: the last good output, the last errors, and the search indexer."""

    def __init__(self, config_path: Path, config: Config, with_search: bool):
        self.config_path = config_path
        self.config = config
        self.with_search = with_search
        self.errors: dict | None = None  # what the overlay shows while the last build failed
        self.warnings = ""
        self.scratch = new_session_folder(config.output_dir)
        self.indexer = SearchIndexer(self.scratch, self)
        self.rebuilder = Rebuilder(self)
        # What a rebuild compares with to render only what changed; the first build starts from
        # the build cache, so a preview of an archive built before starts in seconds.
        self.state = cache.load(config_path)
        # Fixed for the session: a config.yaml that moves these folders needs a restart.
        self.watched = [config.content_dir, config.templates_dir, config.static_dir, config.root / config.file,
                        *(guide_path(config, lang) for lang in config.language_keys if guide_path(config, lang).is_file())]

    def search_wanted(self) -> bool:
        return self.with_search and self.config.search

    def first_build(self) -> None:
        report, seconds = self._build(with_search=None if self.with_search else False)
        if self._record(report):
            pages = sum(report.pages_per_language.values())
            say(t("commands.serve-built-indexed" if report.indexed_pages else "commands.serve-built",
                  out=self.config.output_dir.name, pages=pages, indexed=report.indexed_pages, seconds=f"{seconds:.2f}"))

    def rebuild(self, changed: list) -> None:
        """The one watch callback (on the server's thread): hand the saved files to the rebuild thread.
        A stylesheet alone is swapped by livereload.js without reloading: no page goes first."""
        css_only = all(name.endswith(".css") for name in changed)
        self.rebuilder.request(changed, set() if css_only else self.open_pages())

    def open_pages(self) -> set:
        """Addresses of the pages open in a browser with live reload."""
        return {waiter.page_path for waiter in list(self.reloader.waiters) if getattr(waiter, "page_path", None)}

    def rebuild_now(self, changed: list, open_pages: set, loop: IOLoop) -> None:
        """On the rebuild thread: build without search; the open pages reload as soon as they are
        written, the others when the build is done; then the index is rebuilt in the background."""
        first: dict = {}

        def shown_first(paths: set, seconds: float) -> None:   # the open pages are written: show them now
            first.update(paths=paths)
            loop.add_callback(self.reload, paths)
            loop.add_callback(say, t("commands.serve-open-pages-first", time=time.strftime("%H:%M:%S"),
                                     seconds=f"{seconds:.2f}"))

        report, seconds = self._build(with_search=False, changed=changed, open_pages=open_pages, shown_first=shown_first)
        if seconds is None:   # newer saves came while every page was being written: they rebuild it all
            loop.add_callback(say, t("commands.serve-rebuild-superseded", time=time.strftime("%H:%M:%S")))
            return
        loop.add_callback(self._rebuilt, report, seconds, changed, first.get("paths", set()))

    def _rebuilt(self, report, seconds: float, changed: list, reloaded: set) -> None:
        """On the server's thread, after a rebuild: report it, reload the pages not reloaded yet, index."""
        stamp = time.strftime("%H:%M:%S")
        if not self._record(report):
            self.reload()
            return
        names = [relpath(Path(p), self.config.root) for p in changed]
        what = names[0] if len(names) == 1 else t("commands.serve-files-changed", count=len(names))
        warnings = len(report.diagnostics.warnings)
        rendered = self.state.rendered
        scope = (t("commands.serve-all-pages") if rendered is None else
                 t("commands.serve-one-page" if len(rendered) == 1 else "commands.serve-pages", count=len(rendered)))
        say(t("commands.serve-rebuilt-warnings" if warnings else "commands.serve-rebuilt", time=stamp, scope=scope,
              seconds=f"{seconds:.2f}", what=what, warnings=warnings))
        css_only = names and all(n.endswith(".css") for n in names)
        if css_only:   # CSS alone: no page reload, livereload.js swaps the style sheet
            self.reloader.reload_waiters(Path(names[0]).name)
        else:
            self.reload(skip=reloaded)
        if self.search_wanted():
            self.indexer.request(self.config)

    def reload(self, paths: set | None = None, skip: set = frozenset()) -> None:
        """Tell the open pages to reload: those at `paths` (None: all), except those at `skip`."""
        message = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}
        for waiter in list(self.reloader.waiters):
            page = getattr(waiter, "page_path", None)
            if (paths is None or page in paths) and page not in skip:
                try:
                    waiter.write_message(message)
                except Exception:   # noqa: BLE001 — a closed socket: livereload drops it on close
                    self.reloader.waiters.discard(waiter)

    def _build(self, with_search, changed: list | None = None, open_pages: set = frozenset(),
               shown_first=None) -> tuple:
        """The first build, or a rebuild after `changed` files were saved (see incremental.py)."""
        start = time.perf_counter()
        report = pipeline.BuildReport()
        try:
            if changed is None:
                pipeline.build(self.config_path, report, with_search=with_search, state=self.state)
            else:
                incremental.rebuild(self.config_path, report, self.state, changed, open_pages, shown_first,
                                    superseded=self.rebuilder.waiting)
        except incremental.Superseded:
            return report, None
        except BuildFailed:
            pass
        except Exception as exc:  # a bug must not stop the server: show it like any other error
            traceback.print_exc()
            report.diagnostics.error(Location(self.config.file), "commands.serve-internal-error", error=repr(exc))
        return report, time.perf_counter() - start

    def _record(self, report) -> bool:
        """Remember the outcome for the overlay and print it; True when the build succeeded."""
        diags = report.diagnostics
        if report.site is not None:
            self.config = report.site.config
        else:  # the new config may be broken; keep watching and serving what we had
            self.config = load_config(self.config_path, Diagnostics()) or self.config
        warnings = Diagnostics(diags.warnings).format_text()
        if warnings and warnings != self.warnings:  # when they change, not on every save
            print(warnings, file=sys.stderr, flush=True)
        self.warnings = warnings
        if not diags.errors:
            self.errors = None
            return True
        count = len(diags.errors)
        errors = t("commands.serve-errors" if count > 1 else "commands.serve-one-error", count=count)
        self.errors = {"title": t("commands.serve-overlay-title", errors=errors).render(),
                       "text": diags.format_text(),
                       "note": t("commands.serve-overlay-note").render(),
                       "hide": t("commands.serve-overlay-hide").render()}
        print(Diagnostics(diags.errors).format_text(), file=sys.stderr, flush=True)
        say(t("commands.serve-showing-errors" if count > 1 else "commands.serve-showing-error",
              time=time.strftime("%H:%M:%S"), errors=errors))
        return False

    def install_index(self, index: Path, config: Config, indexed, seconds: float) -> None:
        """On the server's thread (no request in between): replace pagefind/ and the offline list."""
        out = config.output_dir
        if not out.is_dir():
            shutil.rmtree(index, ignore_errors=True)
            return
        diags = Diagnostics()
        try:
            with output.locked(config, diags):   # a `build` in another terminal may be writing
                target, trash = out / "pagefind", self.scratch / "trash-pagefind"
                shutil.rmtree(trash, ignore_errors=True)
                if target.exists():
                    os.rename(target, trash)
                os.rename(index, target)
                write_offline_bundle(out, config.base_path)  # now lists the new index, as `build` would
                self.state.output_files = None   # the next rebuild looks at the folder again
                shutil.rmtree(trash, ignore_errors=True)
        except BuildFailed:
            say(t("commands.serve-index-not-updated", reason=diags.errors[0].message), sys.stderr)
            return
        say(t("commands.serve-index-updated", time=time.strftime("%H:%M:%S"), pages=indexed.pages,
              again=indexed.again, bundles=indexed.bundles, seconds=f"{seconds:.2f}"))

    def close(self) -> None:
        gc.enable()
        shutil.rmtree(self.scratch, ignore_errors=True)

    allowed_hosts: frozenset | None = None   # set by serve(): None answers any Host
    reloader: type = LiveReloadHandler       # the class whose waiters are the open pages (serve() sets it)

    def app(self, environ, start_response):
        """WSGI: the output folder as a static host would serve it, plus the overlay while a build fails."""
        if self.allowed_hosts is not None and host_name(environ.get("HTTP_HOST", "")) not in self.allowed_hosts:
            return _respond(start_response, "400 Bad Request", "text/plain; charset=utf-8",
                            t("commands.serve-unknown-host").render().encode("utf-8"))
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        if "\x00" in path or "\ufffd" in path:
            return _respond(start_response, "400 Bad Request", "text/plain; charset=utf-8",
                            t("commands.serve-bad-path").render().encode("utf-8"))
        base = self.config.base_path
        out = self.config.output_dir.resolve()
        if path == "/sw.js" or path == base + "sw.js":
            return _respond(start_response, "200 OK", "text/javascript; charset=utf-8", DEV_WORKER)
        file = None
        if path.startswith(base):
            candidate = (out / path[len(base):]).resolve()
            if candidate == out or out in candidate.parents:
                file = candidate
        elif path == "/":
            return _respond(start_response, "302 Found", "text/plain", b"", [("Location", base)])
        if file is not None and file.is_dir():
            if not path.endswith("/"):
                query = environ.get("QUERY_STRING")
                location = environ.get("PATH_INFO", "/") + "/" + (f"?{query}" if query else "")
                return _respond(start_response, "301 Moved Permanently", "text/plain", b"", [("Location", location)])
            file = file / "index.html"
        if file is not None and file.is_file():
            status, body, kind = "200 OK", file.read_bytes(), _content_type(file.name)
        else:
            page = out / "404.html"
            status, kind = "404 Not Found", "text/html; charset=utf-8"
            body = page.read_bytes() if page.is_file() else not_found_page()
        if kind.startswith("text/html") and self.errors:
            report = json.dumps(self.errors, ensure_ascii=False).replace("<", "\\u003c")
            snippet = OVERLAY.replace("__REPORT__", report).encode("utf-8")
            body = body.replace(b"</head>", snippet + b"</head>", 1) if b"</head>" in body else body + snippet
        return _respond(start_response, status, kind, body)


def _respond(start_response, status: str, kind: str, body: bytes, extra=()):
    start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store"), *extra])
    return [body]


def _content_type(name: str) -> str:
    if name.endswith(".wasm"):
        return "application/wasm"
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    text = kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml")
    return f"{kind}; charset=utf-8" if text else kind


class Rebuilder:
    """Rebuilds in a thread of their own, so the preview answers while one runs; the files
    saved meanwhile are gathered into the next rebuild. Garbage is collected when idle."""

    def __init__(self, site: DevSite):
        self.site = site
        self._changed: set = set()
        self._open: set = set()
        self._loop: IOLoop | None = None
        self._ready = threading.Condition()
        threading.Thread(target=self._run, name="rebuild", daemon=True).start()

    def request(self, changed: list, open_pages: set) -> None:
        """On the server's thread: rebuild for `changed` files; `open_pages` are shown first."""
        with self._ready:
            self._loop = IOLoop.current()
            self._changed |= set(changed)
            self._open = open_pages
            self._ready.notify()

    def waiting(self) -> bool:
        """Whether saves are waiting for the next rebuild (the running one may stop for them)."""
        return bool(self._changed)

    def _run(self) -> None:
        collect = False
        while True:
            with self._ready:
                if not self._changed:
                    self._ready.wait(IDLE_SECONDS if collect else None)
                if not self._changed:   # idle since the last rebuild: now the pause harms no one
                    if collect:
                        gc.collect()
                        collect = False
                    continue
                changed, self._changed = sorted(self._changed), set()
                open_pages, loop = self._open, self._loop
            self.site.rebuild_now(changed, open_pages, loop)
            collect = True


class SearchIndexer:
    """Pagefind in a thread, over hard links to the search records of the latest good build; newest request wins."""

    def __init__(self, scratch: Path, site: DevSite):
        self.scratch, self.site = scratch, site
        self.loop: IOLoop | None = None
        self._wanted = None  # (copy, config) not yet taken by the thread
        self._count = 0
        self._ready = threading.Condition()
        threading.Thread(target=self._run, name="search-index", daemon=True).start()

    def request(self, config: Config) -> None:
        """On the server's thread, right after a build: link its search records (the next build replaces the folder)."""
        self.loop = IOLoop.current()
        self._count += 1
        copy = self.scratch / f"index-{self._count}"
        out = config.output_dir
        for record in (out / RECORDS_DIR).rglob("*"):   # what the index is made from (search_index.py)
            if record.is_file():
                rel = record.relative_to(out)
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                output.link_or_copy(record, copy / rel)
        with self._ready:
            older, self._wanted = self._wanted, (copy, config)
            self._ready.notify()
        if older:  # never started: the new build supersedes it
            shutil.rmtree(older[0], ignore_errors=True)

    def _run(self) -> None:
        while True:
            with self._ready:
                while self._wanted is None:
                    self._ready.wait()
                (copy, config), self._wanted = self._wanted, None
            start = time.perf_counter()
            diags = Diagnostics()
            indexed = search_index.build_index(copy, diags, config.file, previous=config.output_dir,
                                               memory_mb=config.search_memory,
                                               languages=tuple(lang.code for lang in config.languages))
            seconds = time.perf_counter() - start
            if diags.errors:
                print(diags.format_text(), file=sys.stderr, flush=True)
                say(t("commands.serve-index-kept"), sys.stderr)
                shutil.rmtree(copy, ignore_errors=True)
                continue
            self.loop.add_callback(self._install, copy, config, indexed, seconds)

    def _install(self, copy: Path, config: Config, indexed, seconds: float) -> None:
        try:
            self.site.install_index(copy / "pagefind", config, indexed, seconds)
        except OSError as exc:
            say(t("commands.serve-index-not-updated", reason=exc), sys.stderr)
        finally:
            shutil.rmtree(copy, ignore_errors=True)

// Small progressive enhancements; every page works without this file.
"use strict";

// Language switch: land on the same entry in the other language. Entry ids are
// shared by all languages, so the current entry (from the URL, or the entry
// heading at the top of the screen) is appended to the counterpart's URL, and so
// are the search page's query and a task table's department (?q=, ?dept=).
const KEPT_ACROSS_LANGUAGES = ["q", "dept"];
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-lang-switch]");
  if (!link) return;
  const target = new URL(link.href, location.href);
  const here = new URLSearchParams(location.search);
  for (const key of KEPT_ACROSS_LANGUAGES) {
    if (here.get(key)) target.searchParams.set(key, here.get(key));
  }
  link.href = target.href;
  let anchor = location.hash;
  if (!anchor) {
    const headings = document.querySelectorAll("main [id].entry, main h3[id]");
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top > 120) break;
      anchor = "#" + heading.id;
    }
  }
  if (anchor) link.href = link.href.split("#")[0] + anchor;
});

// Copy link: a button in each entry heading copies the entry's full URL and says so in the
// page's live region (#copy-status). Without script, the heading's "#" link is the same link.
const copyStatus = document.getElementById("copy-status");
if (copyStatus) {
  const icon = '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="16" height="16"><path fill="none" stroke="currentColor" stroke-width="1.5" d="M6.5 9.5l3-3M7 4.5l1.2-1.2a2.5 2.5 0 013.5 3.5L10.5 8M9 11.5l-1.2 1.2a2.5 2.5 0 01-3.5-3.5L5.5 8"/></svg>';
  for (const heading of document.querySelectorAll("main h2.entry[id]")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.title = copyStatus.dataset.copy;
    button.setAttribute("aria-label", copyStatus.dataset.copy);
    button.innerHTML = icon;
    heading.append(button);
  }
  const say = (message) => {
    copyStatus.textContent = "";  // a new message each time, even when it repeats
    setTimeout(() => { copyStatus.textContent = message; }, 50);
  };
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button.copy-link");
    if (!button) return;
    const url = new URL(location.href);
    url.search = "";
    url.hash = button.closest("[id]").id;
    try {
      await navigator.clipboard.writeText(url.href);
      say(copyStatus.dataset.copied);
      button.classList.add("copied");
      setTimeout(() => button.classList.remove("copied"), 2000);
    } catch (error) {  // no clipboard (e.g. plain http): leave the link in the address bar
      history.replaceState(null, "", url.hash);
      say(copyStatus.dataset.failed);
    }
  });
}

// Year switch (a <details> in the header): a click elsewhere folds it.
document.addEventListener("click", (event) => {
  for (const open of document.querySelectorAll("details.year-switch[open]")) {
    if (!open.contains(event.target)) open.open = false;
  }
});

// The sticky header's height, so that anchors land below it (CSS: --masthead).
const masthead = document.querySelector(".masthead");
if (masthead && "ResizeObserver" in window) {
  let first = true;
  new ResizeObserver(() => {
    document.documentElement.style.setProperty("--masthead", masthead.offsetHeight + "px");
    if (first && location.hash && !location.search.includes("hl=")) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
    first = false;
  }).observe(masthead);
}

// On a phone the sticky header gives the text its room: it slides away while the reader
// scrolls down and comes back as soon as they scroll up (as phone browsers' own bars do).
if (masthead) {
  const phone = window.matchMedia("(max-width: 52rem)");
  let last = window.scrollY;
  let reading = false;   // the reader's own scrolling, not the jump to an #anchor on arrival
  for (const type of ["wheel", "touchmove", "keydown"]) addEventListener(type, () => { reading = true; }, { passive: true });
  window.addEventListener("scroll", () => {
    const y = window.scrollY;
    const down = y > last && y > masthead.offsetHeight;
    masthead.classList.toggle("tucked", reading && phone.matches && down && !masthead.contains(document.activeElement));
    last = y;
  }, { passive: true });
}

// Printing: editorial notes print open (on paper nothing unfolds).
window.addEventListener("beforeprint", () => {
  for (const notes of document.querySelectorAll("details.notes")) notes.open = true;
});

// On a phone the volume's navigation starts folded: the page's own text comes first.
if (window.matchMedia("(max-width: 52rem)").matches) {
  for (const fold of document.querySelectorAll("details.toc-fold")) fold.open = false;
}

// Offline (sw.js, yearbook/offline.py): the worker keeps the site's shell and search index
// on the first visit, and the search records of every volume the reader opens; the volume
// page's button keeps the whole volume (its pages and photos) on this device.
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register((document.documentElement.dataset.root || "/") + "sw.js").catch(() => {});
  const volume = document.documentElement.dataset.volume;
  const keep = document.querySelector(".keep-offline");
  navigator.serviceWorker.ready.then((registration) => {
    const worker = registration.active;
    if (volume) worker.postMessage({ keep: [`${volume}:search`] });
    if (!keep) return;
    const button = keep.querySelector("button");
    const status = keep.querySelector("[role=status]");
    const group = keep.dataset.volume;
    let isKept = false;
    const show = (kept) => {
      isKept = kept;
      button.textContent = kept ? keep.dataset.drop : keep.dataset.keep;
      status.textContent = kept ? keep.dataset.kept : "";
      button.disabled = false;
    };
    navigator.serviceWorker.addEventListener("message", (event) => {
      const data = event.data || {};
      if (data.kept && Array.isArray(data.kept)) show(data.kept.includes(group));
      else if (data.group === group && "kept" in data) show(data.kept);
      else if (data.group === group && data.total) {
        status.textContent = keep.dataset.saving.replace("{done}", data.done).replace("{total}", data.total);
      }
    });
    button.addEventListener("click", () => {
      button.disabled = true;
      worker.postMessage(isKept ? { drop: [group] } : { keep: [group, `${group}:search`] });
    });
    keep.hidden = false;
    worker.postMessage({ status: true });
  });
}

// Arriving from a search result (?hl=words): mark the words in the text, and
// bring the first one into view (within the entry of the link's #anchor).
const searched = new URLSearchParams(location.search).get("hl");
if (searched) {
  const parts = window.yearbookQuery.parts(searched);   // static/query.js, as the search page reads it
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = escaped.length ? new RegExp(escaped.join("|"), "gi") : null;
  const article = document.querySelector("main article");
  if (pattern && article) {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => node.parentElement.closest("script, .anchor") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const text = node.nodeValue;
      pattern.lastIndex = 0;
      if (!pattern.test(text)) continue;
      pattern.lastIndex = 0;
      const fragment = document.createDocumentFragment();
      let last = 0;
      for (const match of text.matchAll(pattern)) {
        fragment.append(text.slice(last, match.index));
        const mark = document.createElement("mark");
        mark.className = "hit";
        mark.textContent = match[0];
        fragment.append(mark);
        last = match.index + match[0].length;
      }
      fragment.append(text.slice(last));
      node.replaceWith(fragment);
    }
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    const marks = [...article.querySelectorAll("mark.hit")];
    const first = target ? marks.find((m) => target.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING) : marks[0];
    if (first) first.scrollIntoView({ block: "center" });
  }
}

// The header's search box shows the first results under itself as the reader types:
// search.js (the search page's engine) is loaded the first time the box is used.
const searchBox = document.querySelector("form.search-box input[name=q]");
if (searchBox && !document.getElementById("search-form") && location.protocol !== "file:") {
  searchBox.addEventListener("focus", () => {
    const script = document.createElement("script");
    script.src = `${document.documentElement.dataset.root || "/"}static/search.js`;
    document.head.append(script);
  }, { once: true });
}

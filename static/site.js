// Small progressive enhancements; every page works without this file.
"use strict";

// Language switch: land on the same entry in the other language. Entry ids are
// shared by all languages, so the current entry (from the URL, or the entry
// heading at the top of the screen) is appended to the counterpart's URL.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-lang-switch]");
  if (!link) return;
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

// Offline: the service worker precaches the site and its search on the first visit.
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register((document.documentElement.dataset.root || "/") + "sw.js").catch(() => {});
}

// Arriving from a search result (?hl=words): mark the words in the text, and
// bring the first one into view (within the entry of the link's #anchor).
const searched = new URLSearchParams(location.search).get("hl");
if (searched) {
  const parts = [];
  const rest = searched.replace(/["“”「」]([^"“”「」]+)["“”「」]/g, (_, phrase) => { parts.push(phrase.trim()); return " "; });
  parts.push(...rest.split(/\s+/).filter(Boolean));
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = escaped.length ? new RegExp(escaped.join("|"), "gi") : null;
  const article = document.querySelector("main article");
  if (pattern && article) {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => node.parentElement.closest(".char-index, script, .anchor") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
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

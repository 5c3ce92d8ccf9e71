// Exact full-text search over the Pagefind index (see yearbook/search.py), or, in the
// offline edition opened from disk (yearbook/export.py), over the same records loaded
// by a plain script as window.YEARBOOK_OFFLINE[lang] (file:// allows no fetch or import).
//
// Pagefind is asked for the query's Chinese characters as separate words: each
// entry carries a hidden list of its characters, so every page and entry that
// contains the query is a candidate. Candidates are then kept only when their
// text contains every part of the query: a quoted phrase exactly, otherwise
// each space-separated word (case and character width folded).
"use strict";
(() => {

const root = document.documentElement.dataset.root || "/";
const strings = JSON.parse(document.getElementById("search-strings").textContent);
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const filterBox = document.getElementById("search-filters");

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g;
const CHAR_INDEX = /\u2045[^\u2046]*\u2046/g;
const FILTER_KEYS = ["volume", "part", "department", "kind"];

let pagefind = null;
const chosen = {}; // filter key → Set of values

const { fold } = window.yearbookQuery;   // static/query.js, loaded by every page

/** The parts a result must contain: quoted phrases, then the other words, folded. */
function queryParts(query) {
  return window.yearbookQuery.parts(query).map((part) => fold(part).trim()).filter(Boolean);
}

/** What Pagefind is asked: every Chinese character as a word of its own; other words only when the
 * query has no Chinese character. Pagefind splits digits and Latin letters inside Chinese text its own
 * way (增长8.1% is not found as 8.1), so they would drop pages that contain the query; the characters
 * alone already find every candidate, and the exact check below keeps only the pages that contain it. */
function pagefindQuery(parts) {
  const text = parts.join(" ");
  const han = text.match(HAN);
  if (han) return [...new Set(han)].join(" ");
  return text.replace(/\s+/g, " ").trim();
}

/** Offline edition: every record is a candidate (the exact check below decides), in the shape
 * Pagefind gives, with addresses made relative to this page. */
const offline = (window.YEARBOOK_OFFLINE || {})[document.documentElement.lang];
const offlineSearch = {
  search: async () => ({
    results: offline.map((record) => ({ data: async () => ({ ...record, url: root + record.url }) })),
  }),
};

async function load() {
  if (offline) return offlineSearch;
  if (!pagefind) {
    pagefind = await import(`${root}pagefind/pagefind.js`);
    await pagefind.options({ excerptLength: 40 });
  }
  return pagefind;
}

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** Text around the first match, with every part marked. */
function excerpt(text, parts) {
  const folded = fold(text);
  const at = Math.max(0, folded.indexOf(parts[0]));
  const start = Math.max(0, at - 40);
  let snippet = escapeHtml((start > 0 ? "…" : "") + text.slice(start, at + 80) + (at + 80 < text.length ? "…" : ""));
  for (const part of parts) {
    const pattern = new RegExp(escapeHtml(part).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
    snippet = snippet.replace(pattern, (m) => `<mark>${m}</mark>`);
  }
  return snippet;
}

/** The page's text split at its headings: [{id, title, text}] (id null before the first). */
function sections(data) {
  const content = data.content.replace(CHAR_INDEX, " ");
  const anchors = (data.anchors || []).filter((a) => a.id && /^h[1-6]$/i.test(a.element));
  const cuts = [];
  let cursor = 0;
  for (const anchor of anchors) {
    const at = content.indexOf(anchor.text, cursor);
    if (at < 0) continue;
    cuts.push({ id: anchor.id, title: anchor.text, at });
    cursor = at + anchor.text.length;
  }
  const result = [{ id: null, title: data.meta.title, text: content.slice(0, cuts.length ? cuts[0].at : content.length) }];
  cuts.forEach((cut, i) => result.push({ id: cut.id, title: cut.title, text: content.slice(cut.at, i + 1 < cuts.length ? cuts[i + 1].at : content.length) }));
  return result;
}

const contains = (text, parts) => {
  const folded = fold(text);
  return parts.every((part) => folded.includes(part));
};

function withHighlight(url, query) {
  const [path, hash] = url.split("#");
  return `${path}?hl=${encodeURIComponent(query)}${hash ? "#" + hash : ""}`;
}

async function run(query) {
  const parts = queryParts(query);
  list.replaceChildren();
  if (!parts.length) {
    status.textContent = "";
    return;
  }
  status.textContent = strings.loading;
  let pf;
  try {
    pf = await load();
  } catch (error) {
    status.textContent = strings.needs_js;
    return;
  }
  const search = await pf.search(pagefindQuery(parts));
  let pages = 0, entries = 0;
  const items = [];
  for (let i = 0; i < search.results.length; i += 25) {
    const batch = await Promise.all(search.results.slice(i, i + 25).map((r) => r.data()));
    for (const data of batch) {
      if (!passesFilters(data.meta)) continue;
      const pieces = sections(data);
      // The page must contain every part, not necessarily within one entry (大运河 亚运).
      if (!contains(pieces.map((s) => s.text).join(""), parts)) continue;  // a candidate without the query
      pages += 1;
      const found = pieces.filter((s) => contains(s.text, parts));
      const entryHits = found.filter((s) => s.id);
      entries += entryHits.length;
      items.push(renderResult(data, found, entryHits, parts, query, pieces));
    }
  }
  list.replaceChildren(...items);
  status.textContent = (pages ? strings.results : strings.none)
    .replace("{pages}", pages).replace("{entries}", entries).replace("{query}", query);
}

/** Any of the chosen values within a filter, every filter with a choice. */
function passesFilters(meta) {
  return Object.entries(chosen).every(([key, values]) => {
    if (!values.size) return true;
    const have = key === "department" ? (meta.departments || "").split(" | ") : [meta[key]];
    return have.some((value) => values.has(value));
  });
}

function renderResult(data, found, entryHits, parts, query, all) {
  const item = document.createElement("li");
  // The text before the first entry when it contains the query; the whole page when no single part does.
  const lead = found.length ? (found[0].id ? null : found[0].text) : all.map((s) => s.text).join("");
  item.innerHTML = `<a class="result-title" href="${escapeHtml(withHighlight(data.url, query))}">${escapeHtml(data.meta.title)}</a>`
    + (data.meta.part ? ` <span class="result-part">${escapeHtml(data.meta.part)}</span>` : "")
    + (lead === null ? "" : `<p class="result-excerpt">${excerpt(lead, parts)}</p>`);
  if (entryHits.length) {
    const sub = document.createElement("ul");
    sub.className = "sub-results";
    for (const hit of entryHits) {
      const li = document.createElement("li");
      const title = hit.title.replace(/[#]$/, "");
      li.innerHTML = `<a href="${escapeHtml(withHighlight(`${data.url}#${hit.id}`, query))}">${escapeHtml(title)}</a>`
        + `<p class="result-excerpt">${excerpt(hit.text.slice(hit.title.length), parts)}</p>`;
      sub.append(li);
    }
    item.append(sub);
  }
  return item;
}

function showFilters() {
  const available = JSON.parse(document.getElementById("search-filter-options").textContent);
  filterBox.replaceChildren();
  for (const key of FILTER_KEYS) {
    const values = available[key];
    if (!values || !Object.keys(values).length) continue;
    const group = document.createElement("fieldset");
    group.innerHTML = `<legend>${escapeHtml(strings[key])}</legend>`;
    for (const [value, count] of Object.entries(values)) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = key;
      box.value = value;
      box.addEventListener("change", () => {
        chosen[key] = chosen[key] || new Set();
        box.checked ? chosen[key].add(value) : chosen[key].delete(value);
        run(input.value);
      });
      label.append(box, ` ${value} (${count})`);
      group.append(label);
    }
    filterBox.append(group);
  }
  filterBox.hidden = false;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});

const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
showFilters();
if (initial) run(initial);
})();

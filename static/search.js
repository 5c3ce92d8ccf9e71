// Exact full-text search over the Pagefind index (see yearbook/search.py), or, in the
// offline edition opened from disk (yearbook/export.py), over the same records loaded
// by a plain script as window.YEARBOOK_OFFLINE[lang] (file:// allows no fetch or import).
//
// Pagefind segments Chinese its own way, so on Chinese pages it is not asked for the
// query's words: it indexes the overlapping character pairs (bigrams) of each page's
// text, each pair written as one 6-letter word, and is asked for the pairs of the query.
// A page that contains the query contains all of them, so nothing is missed, and few
// pages contain them all without the query. Candidates are then checked lazily, ten at
// a time in Pagefind's order, against the page's record (search/PATH.yb: its text by
// entry): a quoted phrase exactly, otherwise each space-separated word (case and width
// folded). yearbook/search.py describes the other side of these contracts.
//
// Two faces share this engine: the search page (filters, "more results") and, on
// every other page, the header's search box, which shows the first results under
// itself as the reader types (site.js loads this file when the box is first used).
"use strict";
(() => {

const root = document.documentElement.dataset.root || "/";
const lang = document.documentElement.lang;

const FILTER_KEYS = ["volume", "part", "department", "kind"];
const PAGE_SIZE = 10;       // results checked and shown at a time on the search page
const POPUP_SIZE = 5;       // under the header's box
const TYPING_DELAY = 250;   // ms of quiet before a search while typing

const { fold } = window.yearbookQuery;   // static/query.js, loaded by every page
const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// --- What Pagefind is asked ------------------------------------------------------
// The same scheme as yearbook/search.py (search_tokens): runs of letters, digits and
// . % + - / in the folded text; each character is 3 base-36 digits of its code point
// (mod 36³); a pair is two characters, the last of a run is paired with "000".
// A one-character run is asked as its 3 digits: Pagefind matches word prefixes.
const RUN_SPLIT = /[^\p{L}\p{N}.%+\-\/]+|_+/u;
const TOKEN_SPACE = 36 ** 3;
const letters = (ch) => (ch.codePointAt(0) % TOKEN_SPACE).toString(36).padStart(3, "0");
const tokenized = document.querySelector("form[data-tokens]")?.dataset.tokens === "bigram";

function pagefindQuery(parts) {
  // English: the words as typed, but a run with a digit (8.1%, 5G) as its pairs, which the
  // English pages carry for such runs (search.py: pagefind_words): Pagefind's words split it.
  if (!tokenized) {
    return parts.join(" ").replace(/[\p{L}\p{N}.%+\-\/]*[0-9][\p{L}\p{N}.%+\-\/]*/gu, (run) => [...runPairs(run)].join(" "))
      .replace(/\s+/g, " ").trim();
  }
  const tokens = new Set();
  for (const part of parts) {
    for (const run of part.split(RUN_SPLIT)) runPairs(run).forEach((token) => tokens.add(token));
  }
  return [...tokens].join(" ");
}

function runPairs(run) {
  const tokens = new Set();
  const chars = [...run];
  if (chars.length === 1) tokens.add(letters(chars[0]));
  // Pairs that cover the run, not every pair: 数字化改革 asks 数字 化改 改革. Any page that
  // contains the run contains them, and each pair asked costs Pagefind an index chunk.
  for (let i = 0; i + 1 < chars.length; i += 2) tokens.add(letters(chars[i]) + letters(chars[i + 1]));
  if (chars.length > 2 && chars.length % 2) tokens.add(letters(chars.at(-2)) + letters(chars.at(-1)));
  return tokens;
}

/** The parts a result must contain: quoted phrases, then the other words, folded. */
function queryParts(query) {
  return window.yearbookQuery.parts(query).map((part) => fold(part).trim()).filter(Boolean);
}

// --- Backends: Pagefind online, the records of the offline edition from disk -------

/** A .yb file (yearbook/search.py): gzip-compressed JSON, unless a server already undid the gzip. */
async function readYb(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return JSON.parse(utf8.decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes) : bytes));
}
const utf8 = new TextDecoder();

// --- gzip, synchronously (RFC 1952 around RFC 1951's inflate, after zlib's puff.c) ----
// A record is a few KB: decoding it here takes a fraction of a millisecond, where
// DecompressionStream hands each record through several tasks (10–20 ms before the
// first result) and is missing from browsers before 2023.

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
  131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
  2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code from its code lengths: how many codes of each length, symbols in code order. */
function huffman(lengths) {
  const counts = new Uint16Array(16);
  const offsets = new Uint16Array(16);
  const symbols = new Uint16Array(lengths.length);
  for (const length of lengths) counts[length] += 1;
  counts[0] = 0;
  for (let n = 1; n < 16; n++) offsets[n] = offsets[n - 1] + counts[n - 1];
  lengths.forEach((length, symbol) => { if (length) symbols[offsets[length]++] = symbol; });
  return { counts, symbols };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(new Array(30).fill(5));

function gunzip(data) {
  if (data[2] !== 8) throw new Error("gzip: not deflate");
  const flags = data[3];
  let pos = 10;
  if (flags & 4) pos += 2 + (data[pos] | (data[pos + 1] << 8));   // extra field
  if (flags & 8) while (data[pos++]);                            // file name
  if (flags & 16) while (data[pos++]);                           // comment
  if (flags & 2) pos += 2;                                       // header CRC
  const n = data.length;
  const out = new Uint8Array((data[n - 4] | (data[n - 3] << 8) | (data[n - 2] << 16) | (data[n - 1] << 24)) >>> 0);
  let buffer = 0;
  let held = 0;
  let at = 0;
  const take = (count) => {
    while (held < count) {
      if (pos >= n) throw new Error("gzip: truncated");
      buffer |= data[pos++] << held;
      held += 8;
    }
    const value = buffer & ((1 << count) - 1);
    buffer >>>= count;
    held -= count;
    return value;
  };
  const decode = ({ counts, symbols }) => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length < 16; length++) {
      code |= take(1);
      const count = counts[length];
      if (code - count < first) return symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error("gzip: bad code");
  };
  let last = 0;
  while (!last) {
    last = take(1);
    const type = take(2);
    if (type === 0) {   // stored: the rest of this byte is padding
      buffer = 0;
      held = 0;
      const length = data[pos] | (data[pos + 1] << 8);
      out.set(data.subarray(pos + 4, pos + 4 + length), at);
      pos += 4 + length;
      at += length;
      continue;
    }
    let literals = FIXED_LITERALS;
    let distances = FIXED_DISTANCES;
    if (type === 2) {
      const literalCount = take(5) + 257;
      const distanceCount = take(5) + 1;
      const codeLengths = new Array(19).fill(0);
      for (let i = 0, count = take(4) + 4; i < count; i++) codeLengths[CODE_LENGTH_ORDER[i]] = take(3);
      const lengthCode = huffman(codeLengths);
      const lengths = [];
      while (lengths.length < literalCount + distanceCount) {
        const symbol = decode(lengthCode);
        if (symbol < 16) lengths.push(symbol);
        else if (symbol === 16) lengths.push(...new Array(3 + take(2)).fill(lengths[lengths.length - 1]));
        else lengths.push(...new Array(symbol === 17 ? 3 + take(3) : 11 + take(7)).fill(0));
      }
      literals = huffman(lengths.slice(0, literalCount));
      distances = huffman(lengths.slice(literalCount));
    } else if (type !== 1) {
      throw new Error("gzip: bad block");
    }
    for (let symbol = decode(literals); symbol !== 256; symbol = decode(literals)) {
      if (symbol < 256) {
        out[at++] = symbol;
        continue;
      }
      const length = LENGTH_BASE[symbol - 257] + take(LENGTH_EXTRA[symbol - 257]);
      const code = decode(distances);
      const from = at - DIST_BASE[code] - take(DIST_EXTRA[code]);
      for (let i = 0; i < length; i++) out[at++] = out[from + i];
    }
  }
  return out.subarray(0, at);
}
window.yearbookGunzip = gunzip;   // tests/test_search.py checks it against Python's gzip

/** Pagefind fragment id → [page address, volume, part, [departments], kind] (search_index.py),
 * so that candidates are filtered and counted, and their records found, before any is read. */
let facetTable = null;
const facets = () => (facetTable = facetTable || readYb(`${root}pagefind/facets.${lang.toLowerCase()}.yb`)
  .catch((error) => { facetTable = null; throw error; }));

function facetsOf(values, row) {
  const out = {};
  FILTER_KEYS.forEach((key, i) => {
    const at = row[i + 1];
    out[key] = (Array.isArray(at) ? at : at === null ? [] : [at]).map((n) => values[key][n]);
  });
  return out;
}

const recordUrl = (path) => `${root}search/${path.replace(/\/$/, "")}.yb`;
const offline = (window.YEARBOOK_OFFLINE || {})[lang];
/** A page's address: from disk, links name files (…/fire/index.html). */
const pageUrl = (path) => root + path + (offline && path.endsWith("/") ? "index.html" : "");

/** Candidates in Pagefind's order: [{facets, record: async () => record}]. */
async function candidates(parts) {
  if (offline) {
    return offline.map((record) => ({
      facets: {
        volume: [record.meta.volume].filter(Boolean), part: [record.meta.part].filter(Boolean),
        department: record.meta.departments || [], kind: [record.meta.kind].filter(Boolean),
      },
      record: async () => record,
    }));
  }
  const loading = loadPagefind();   // with the facet table, not after it
  const table = await facets();
  if (!table.bundles.length) {   // nothing of this language is indexed (not translated yet)
    loading.catch(() => {});
    return [];
  }
  const search = await (await loading).search(pagefindQuery(parts));
  const found = [];
  for (const result of search.results) {
    const row = table.pages[result.id.slice(result.id.indexOf("_") + 1)];
    if (row) found.push({ facets: facetsOf(table.values, row), record: () => readYb(recordUrl(row[0])) });
  }
  return found;
}

/** A language's index is one or more Pagefind bundles (search_index.py: an archive too
 * large for one Pagefind run); the first is loaded, the others merged into it. */
const bundleUrl = (n) => `${root}pagefind/${lang.toLowerCase()}/${n}/`;
let pagefind = null;
const loadPagefind = () => (pagefind = pagefind || Promise.all([import(`${bundleUrl(0)}pagefind.js`), facets()])
  .then(async ([module, table]) => {
    await module.init();
    await Promise.all(table.bundles.slice(1).map((_, i) => module.mergeIndex(bundleUrl(i + 1))));
    return module;
  })
  .catch((error) => { pagefind = null; throw error; }));

/** Load the index and the facet table while the reader is still typing, and with `query`, the
 * index chunks its words need (as Pagefind's own UI does), so the search that follows is quick. */
function preload(query = "") {
  if (offline) return;
  const parts = query ? queryParts(query) : [];
  loadPagefind().then((module) => parts.length && module.preload(pagefindQuery(parts))).catch(() => {});
  facets().catch(() => {});
}

// --- Checking and showing results ------------------------------------------------

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

/** A record's text by entry: [{id, title, text, body}] (id null before the first entry). */
const sections = (record) => record.sections.map(([id, title, body]) =>
  ({ id, title, body, text: id ? `${title} ${body}` : body }));

const contains = (text, parts) => {
  const folded = fold(text);
  return parts.every((part) => folded.includes(part));
};

function withHighlight(url, query) {
  const [path, hash] = url.split("#");
  return `${path}?hl=${encodeURIComponent(query)}${hash ? "#" + hash : ""}`;
}

function renderResult(record, found, entryHits, parts, query, all) {
  const item = document.createElement("li");
  const url = pageUrl(record.path);
  // The text before the first entry when it contains the query; the whole page when no single part does.
  const lead = found.length ? (found[0].id ? null : found[0].text) : all.map((s) => s.text).join(" ");
  item.innerHTML = `<a class="result-title" href="${escapeHtml(withHighlight(url, query))}">${escapeHtml(record.title)}</a>`
    + (record.meta.part ? ` <span class="result-part">${escapeHtml(record.meta.part)}</span>` : "")
    + (lead === null ? "" : `<p class="result-excerpt">${excerpt(lead, parts)}</p>`);
  if (entryHits.length) {
    const sub = document.createElement("ul");
    sub.className = "sub-results";
    for (const hit of entryHits) {
      const li = document.createElement("li");
      const title = hit.title.replace(/[#]$/, "");
      li.innerHTML = `<a href="${escapeHtml(withHighlight(`${url}#${hit.id}`, query))}">${escapeHtml(title)}</a>`
        + `<p class="result-excerpt">${excerpt(hit.body, parts)}</p>`;
      sub.append(li);
    }
    item.append(sub);
  }
  return item;
}

// --- One search: candidates, then checked results on demand ------------------------

/** Any of the chosen values within a filter, every filter with a choice. */
const passes = (chosen, facetValues) => Object.entries(chosen).every(
  ([key, values]) => !values.size || (facetValues?.[key] || []).some((value) => values.has(value)));

class Search {
  constructor(query, chosen = {}) {
    Object.assign(this, { query, parts: queryParts(query), chosen, all: null, list: [], next: 0, pages: 0, entries: 0 });
  }

  /** Ask the index; false when the query is empty. */
  async begin() {
    if (!this.parts.length) return false;
    this.all = await candidates(this.parts);
    this.list = this.all.filter((candidate) => passes(this.chosen, candidate.facets));
    return true;
  }

  get done() { return this.next >= this.list.length; }

  /** About how many pages contain the query: exact once every candidate is checked. */
  get estimate() { return this.pages + this.list.length - this.next; }

  /** Check the next candidates, in Pagefind's order, until `count` more contain the query;
   * `show(record, hits, entryHits, pieces)` for each. False when a newer search replaced this one. */
  async more(count, show, stillCurrent) {
    const target = this.pages + count;
    while (this.pages < target && !this.done) {
      const batch = this.list.slice(this.next, this.next + Math.max(target - this.pages, 4));
      this.next += batch.length;
      const arriving = batch.map((candidate) => [candidate, candidate.record()]);   // fetched together, shown in order
      for (const [candidate, next] of arriving) {
        const record = await next.catch(() => null);   // unreadable (the network went away): not listed
        if (!stillCurrent()) return false;
        if (!record) continue;
        const pieces = sections(record);
        // The page must contain every part, not necessarily within one entry (大运河 亚运).
        candidate.contains = contains(pieces.map((s) => s.text).join(" "), this.parts);
        if (!candidate.contains) continue;  // all pairs, but not the query
        const hits = pieces.filter((s) => contains(s.text, this.parts));
        const entryHits = hits.filter((s) => s.id);
        this.pages += 1;
        this.entries += entryHits.length;
        show(record, hits, entryHits, pieces);
      }
    }
    return true;
  }

  /** The status line: about N until every candidate is checked, then exact. */
  status(strings) {
    const template = !this.pages && this.done ? strings.none : this.done ? strings.results : strings.results_about;
    return template.replace("{pages}", this.estimate).replace("{entries}", this.entries)
      .replace("{shown}", this.pages).replace("{query}", this.query.replace(/["“”「」]/g, "").trim());   // the template quotes it
  }
}

// --- The search page ----------------------------------------------------------------

function searchPage(form) {
  const strings = JSON.parse(document.getElementById("search-strings").textContent);
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const moreButton = document.getElementById("search-more");
  const filterBox = document.getElementById("search-filters");
  const allOptions = JSON.parse(document.getElementById("search-filter-options").textContent);
  const chosen = {};       // filter key → Set of values
  let current = null;      // the search on screen; an older one stops when it sees it is not
  let typingTimer = 0;

  async function run(query) {
    const search = new Search(query, chosen);
    current = search;
    list.replaceChildren();
    moreButton.hidden = true;
    status.textContent = search.parts.length ? strings.loading : "";
    try {
      if (!await search.begin()) return showFilters(null);
    } catch (error) {
      if (current === search) status.textContent = strings.needs_js;
      return;
    }
    if (current !== search) return;
    await more(search);        // the first results first; the filters (DOM for every value) after them
    if (current === search && !search.exactFilters) showFilters(search.all);
  }

  async function more(search) {
    moreButton.disabled = true;
    const show = (record, hits, entryHits, pieces) =>
      list.append(renderResult(record, hits, entryHits, search.parts, search.query, pieces));
    const hadFocus = document.activeElement === moreButton;
    const before = list.children.length;
    try {
      if (!await search.more(PAGE_SIZE, show, () => current === search)) return;
      status.textContent = search.status(strings);
      moreButton.hidden = search.done;
      // Every candidate checked and none filtered out: the counts become exact.
      if (search.done && !Object.values(chosen).some((values) => values.size)) {
        showFilters(search.all.filter((candidate) => candidate.contains));
        search.exactFilters = true;
      }
    } finally {
      if (current === search) moreButton.disabled = false;
    }
    if (hadFocus) {   // a keyboard reader stays where they were: on the button, or on the first new result
      (moreButton.hidden ? list.children[before]?.querySelector("a") : moreButton)?.focus();
    }
  }

  /** Filters with the number of results for each value (of every indexed page before a search). */
  function showFilters(found) {
    const counts = {};
    for (const key of FILTER_KEYS) counts[key] = found ? {} : { ...(allOptions[key] || {}) };
    for (const candidate of found || []) {
      for (const key of FILTER_KEYS) {
        for (const value of candidate.facets?.[key] || []) counts[key][value] = (counts[key][value] || 0) + 1;
      }
    }
    filterBox.replaceChildren();
    for (const key of FILTER_KEYS) {
      const values = Object.keys(allOptions[key] || {}).filter((value) => counts[key][value] || chosen[key]?.has(value));
      if (!values.length) continue;
      const group = document.createElement("fieldset");
      group.innerHTML = `<legend>${escapeHtml(strings[key])}</legend>`;
      for (const value of values) {
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = key;
        box.value = value;
        box.checked = Boolean(chosen[key]?.has(value));
        box.addEventListener("change", () => {
          chosen[key] = chosen[key] || new Set();
          box.checked ? chosen[key].add(value) : chosen[key].delete(value);
          refilter();
        });
        label.append(box, ` ${value} (${counts[key][value] || 0})`);
        group.append(label);
      }
      filterBox.append(group);
    }
    filterBox.hidden = false;
  }

  /** A filter changed: the same candidates, another selection; no new search. */
  function refilter() {
    if (!current || !current.all) return run(input.value);
    const again = new Search(current.query, chosen);
    again.all = current.all;
    again.list = again.all.filter((candidate) => passes(chosen, candidate.facets));
    current = again;
    list.replaceChildren();
    status.textContent = strings.loading;
    return more(again);
  }

  function remember(query) {
    const url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typingTimer);
    remember(input.value);
    run(input.value);
  });
  input.addEventListener("input", () => {   // results as the reader types, as Pagefind's own UI does
    clearTimeout(typingTimer);
    preload(input.value);
    typingTimer = setTimeout(() => {
      remember(input.value);
      run(input.value);
    }, TYPING_DELAY);
  });
  moreButton.addEventListener("click", () => current && more(current));

  const initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  showFilters(null);
  if (initial) run(initial); else preload();
}

// --- The header's search box: the first results under it, as the reader types ---------

function searchBox(form) {
  const input = form.querySelector("input[name=q]");
  const strings = form.dataset;   // data-loading, data-results, data-results_about, data-none, data-all
  const popup = document.createElement("div");
  popup.className = "search-popup";
  popup.id = "search-popup";
  popup.hidden = true;
  popup.innerHTML = '<p class="search-popup-status" role="status" aria-live="polite"></p><ol></ol><a class="search-popup-all"></a>';
  form.append(popup);
  input.setAttribute("aria-controls", popup.id);
  const [status, list, all] = [popup.querySelector("p"), popup.querySelector("ol"), popup.querySelector("a")];
  let current = null;
  let typingTimer = 0;

  async function run(query) {
    const search = new Search(query);
    current = search;
    list.replaceChildren();
    popup.hidden = !search.parts.length;
    if (popup.hidden) return;
    status.textContent = strings.loading;
    all.href = `${form.action}?q=${encodeURIComponent(query)}`;
    all.textContent = strings.all;
    all.hidden = false;
    try {
      await search.begin();
    } catch (error) {
      popup.hidden = true;   // no index here (e.g. opened from disk): the form still goes to the search page
      return;
    }
    if (current !== search) return;
    const show = (record) => {
      const item = document.createElement("li");
      item.innerHTML = `<a href="${escapeHtml(withHighlight(pageUrl(record.path), query))}">${escapeHtml(record.title)}</a>`
        + (record.meta.part ? ` <span class="result-part">${escapeHtml(record.meta.part)}</span>` : "");
      list.append(item);
    };
    if (!await search.more(POPUP_SIZE, show, () => current === search)) return;
    status.textContent = search.status(strings);
    all.hidden = !search.pages;
  }

  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    preload(input.value);
    typingTimer = setTimeout(() => run(input.value), TYPING_DELAY);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") popup.hidden = true;
  });
  document.addEventListener("click", (event) => {
    if (!form.contains(event.target)) popup.hidden = true;
  });
  if (input.value) run(input.value); else preload();   // this file is loaded when the box is first used
}

const page = document.getElementById("search-form");
if (page) searchPage(page);
const box = document.querySelector("form.search-box");
if (box && !page) searchBox(box);
})();

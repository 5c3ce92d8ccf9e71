// How a query is read, in one place for the search page (search.js) and the highlight
// on arrival from a result (site.js): quoted phrases ("…", “…”, 「…」), then the other
// space-separated words. A classic script (not a module), so the offline edition can
// load it from disk.
"use strict";
window.yearbookQuery = {
  /** Case and character width folded, every run of white space one space. */
  fold: (text) => text.normalize("NFKC").toLowerCase().replace(/\s+/g, " "),
  /** The parts of a query as typed: phrases first, then words. */
  parts(query) {
    const parts = [];
    const rest = query.replace(/["“”「」]([^"“”「」]+)["“”「」]/g, (_, phrase) => {
      parts.push(phrase.trim());
      return " ";
    });
    parts.push(...rest.split(/\s+/).filter(Boolean));
    return parts.filter(Boolean);
  },
};

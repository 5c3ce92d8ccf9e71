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
    const headings = document.querySelectorAll("main [id].entry, main figure[id], main tr[id]");
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top > 120) break;
      anchor = "#" + heading.id;
    }
  }
  if (anchor) link.href = link.href.split("#")[0] + anchor;
});

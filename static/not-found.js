// The 404 page holds every language; show the one of the URL's prefix (/en/…), as a
// static host sends this one page for any missing URL. A file, not inline: the
// hosting configuration's Content-Security-Policy allows only the site's own scripts.
"use strict";
(function () {
  var root = document.documentElement.dataset.root || "/";
  var prefix = location.pathname.slice(root.length).split("/")[0];
  var sections = document.querySelectorAll("[data-prefix]");
  var match = Array.prototype.some.call(sections, function (s) { return s.dataset.prefix === prefix; });
  if (!match) return;
  sections.forEach(function (s) { s.hidden = s.dataset.prefix !== prefix; });
  document.documentElement.lang = document.querySelector('[data-prefix="' + prefix + '"]').lang;
})();

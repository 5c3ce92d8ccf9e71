// Light or dark, as the reader chose with the header's button (remembered in this browser);
// without a choice, the system's setting (CSS prefers-color-scheme). Loaded in <head>, not
// deferred, so the page never flashes in the other colours.
"use strict";
(function () {
  var KEY = "yearbook-theme";
  var root = document.documentElement;
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { /* storage off: follow the system */ }
  if (saved === "dark" || saved === "light") root.dataset.theme = saved;
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var dark = function () {
      return root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    };
    var label = function () {
      button.textContent = dark() ? button.dataset.light : button.dataset.dark;   // what a click switches to
      button.setAttribute("aria-pressed", String(dark()));
    };
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      root.dataset.theme = dark() ? "light" : "dark";
      try { localStorage.setItem(KEY, root.dataset.theme); } catch (e) { /* not remembered */ }
      label();
    });
  });
})();

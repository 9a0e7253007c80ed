// 益创 portal behaviour, loaded from our own origin (the CSP allows no inline script).
(function () {
  "use strict";
  // Buttons with data-confirm ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Repeatable rows: <div data-repeat="name"> holds rows of class .repeat-row and a <template>;
  // [data-repeat-add="name"] appends a copy of the template with __INDEX__ replaced,
  // [data-repeat-remove] deletes its row.
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-repeat-add]");
    if (add) {
      event.preventDefault();
      var box = document.querySelector('[data-repeat="' + add.getAttribute("data-repeat-add") + '"]');
      var template = box.querySelector("template");
      var index = parseInt(box.getAttribute("data-next-index") || box.querySelectorAll(".repeat-row").length, 10);
      var html = template.innerHTML.replace(/__INDEX__/g, String(index));
      box.setAttribute("data-next-index", String(index + 1));
      template.insertAdjacentHTML("beforebegin", html);
      return;
    }
    var remove = event.target.closest("[data-repeat-remove]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest(".repeat-row");
      if (row) { row.remove(); }
      document.dispatchEvent(new Event("input"));
    }
  });
  // Countdown: <span data-deadline="ISO">…</span>
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = new Date(el.getAttribute("data-deadline")) - new Date();
      if (left <= 0) { el.textContent = "已截止"; return; }
      var d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24, m = Math.floor(left / 60000) % 60;
      el.textContent = "剩余 " + (d ? d + " 天 " : "") + h + " 小时 " + m + " 分";
    });
  }
  // Wide tables and the sticky score sheet scroll inside the page. A region that scrolls must be
  // reachable by keyboard (axe: scrollable-region-focusable): one that overflows gets tabindex=0 and,
  // when unnamed, the name of its caption or first heading; it loses them again when it fits.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive, .score-sheet").forEach(function (el) {
      var overflows = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (overflows && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
        if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
          var name = el.querySelector("caption, h2, h3, legend");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", (name ? name.textContent : document.title).trim());
          el.setAttribute("data-scroll-named", "");
        }
      } else if (!overflows && el.hasAttribute("data-scroll-focus")) {
        ["tabindex", "data-scroll-focus"].forEach(function (a) { el.removeAttribute(a); });
        if (el.hasAttribute("data-scroll-named")) {
          ["role", "aria-label", "data-scroll-named"].forEach(function (a) { el.removeAttribute(a); });
        }
      }
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusableScrollers, 200);
  });
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); focusableScrollers(); });
})();

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
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
})();

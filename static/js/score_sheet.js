// 评分表: the weighted total follows what the judge types (no inline script: the CSP forbids it).
(function () {
  "use strict";
  var FULL_WIDTH = /[\uFF10-\uFF19\uFF0E]/g;

  function number(text) {
    var value = (text || "").replace(FULL_WIDTH, function (ch) {
      return ch === "\uFF0E" ? "." : String.fromCharCode(ch.charCodeAt(0) - 0xFEE0);
    }).trim();
    if (!/^\d+(\.\d+)?$/.test(value)) { return null; }
    return parseFloat(value);
  }

  function update(form) {
    var total = 0;
    form.querySelectorAll("[data-weight]").forEach(function (input) {
      var value = number(input.value);
      var max = parseFloat(input.getAttribute("max"));
      var bad = input.value !== "" && (value === null || value < 0 || (!isNaN(max) && value > max));
      input.classList.toggle("score-out-of-range", bad);
      if (value !== null && !bad) { total += value * parseFloat(input.getAttribute("data-weight")); }
    });
    var output = form.querySelector("[data-sheet-total]");
    if (output) { output.textContent = (Math.round(total * 100) / 100).toFixed(2); }
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-score-sheet]");
    if (form) { update(form); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-score-sheet]").forEach(update);
  });
})();

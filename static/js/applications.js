// 益创 application editor: exact budget arithmetic in whole fen (cents), matching the server's
// half-up rounding (floating point would show 12.35 × 1.5 as 18.52, not 18.53).
(function () {
  "use strict";
  function hundredths(value) {
    var text = String(value || "").replace(/[,，\s]/g, "");
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(text)) { return null; }
    var parts = text.split(".");
    var frac = ((parts[1] || "") + "000").slice(0, 3);
    var n = parseInt(parts[0] || "0", 10) * 100 + parseInt(frac.slice(0, 2), 10);
    return parseInt(frac.charAt(2), 10) >= 5 ? n + 1 : n;
  }
  function yuan(fen) {
    var s = (fen / 100).toFixed(2);
    return s;
  }
  function money(fen) {
    return "¥" + (fen / 100).toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }
  // Only write text that changed: rewriting it on every `change` (fired on blur) can shift the
  // layout between a press and its click, and the click on 保存 would then be lost.
  function put(node, text) { if (node && node.textContent !== text) { node.textContent = text; } }
  function recalc() {
    var table = document.querySelector("[data-budget]");
    if (!table) { return; }
    var total = 0, self = 0;
    table.querySelectorAll(".repeat-row").forEach(function (row) {
      var price = hundredths((row.querySelector("[data-field=unit_price]") || {}).value);
      var qty = hundredths((row.querySelector("[data-field=quantity]") || {}).value);
      var own = hundredths((row.querySelector("[data-field=self_funded]") || {}).value);
      var out = row.querySelector("[data-field=amount]");
      var amount = (price === null || qty === null) ? 0 : Math.floor((price * qty + 50) / 100);
      put(out, (price === null || qty === null) ? "" : yuan(amount));
      total += amount; self += own || 0;
    });
    put(document.querySelector("[data-budget-total]"), money(total));
    put(document.querySelector("[data-budget-self]"), money(self));
    put(document.querySelector("[data-budget-requested]"), money(total - self));
  }
  document.addEventListener("input", recalc);
  document.addEventListener("change", recalc);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-repeat-remove]")) { setTimeout(recalc, 0); }
  });
  document.addEventListener("DOMContentLoaded", recalc);
})();

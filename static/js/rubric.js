// 益创 judging set-up: live totals of repeatable rows (rubric: Σ 满分 × 权重; award tiers: Σ 名额 × 金额).
// A container [data-product-sum] holds .repeat-row rows, each with two inputs [data-factor]
// (data-default when left blank) and an output [data-product]; [data-product-total] shows the sum.
// Exact arithmetic in hundredths (the server keeps two decimals), so 2.5 × 1.5 shows 3.75, not 3.7499….
(function () {
  "use strict";
  function hundredths(text) {
    text = String(text || "").replace(/[,，\s]/g, "");
    if (!/^\d+(\.\d{0,2})?$|^\.\d{1,2}$/.test(text)) { return null; }
    var parts = text.split(".");
    return parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  // n is in ten-thousandths (a product of two hundredths).
  function show(n, money) {
    var whole = Math.floor(n / 10000), frac = String(n % 10000 + 10000).slice(1);
    if (money) {
      return whole.toLocaleString("zh-CN") + "." + frac.slice(0, 2);
    }
    frac = frac.replace(/0+$/, "");
    return String(whole) + (frac ? "." + frac : "");
  }
  // Only touch text that changed: rewriting it all on every keystroke would disturb the page.
  function setText(el, text) {
    if (el && el.textContent !== text) { el.textContent = text; }
  }
  function recalc() {
    document.querySelectorAll("[data-product-sum]").forEach(function (box) {
      var money = box.hasAttribute("data-pool"), total = 0;
      box.querySelectorAll(".repeat-row").forEach(function (row) {
        if (row.closest("template")) { return; }
        var product = 1, ok = true;
        row.querySelectorAll("[data-factor]").forEach(function (input) {
          var value = input.value.trim() === "" ? input.getAttribute("data-default") : input.value;
          var h = hundredths(value);
          if (h === null || h <= 0 && !money) { ok = false; } else { product *= h; }
        });
        var out = row.querySelector("[data-product]");
        setText(out, ok ? show(product, money) : "");
        if (ok) { total += product; }
      });
      var form = box.closest("form") || document;
      var shown = form.querySelector("[data-product-total]");
      setText(shown, show(total, money));
      var warning = form.querySelector("[data-over-pool]");
      var pool = hundredths(box.getAttribute("data-pool"));
      if (warning && pool !== null) { warning.classList.toggle("d-none", total <= pool * 100); }
    });
  }
  document.addEventListener("input", recalc);
  document.addEventListener("change", recalc);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-repeat-remove], [data-repeat-add]")) { setTimeout(recalc, 0); }
  });
  document.addEventListener("DOMContentLoaded", recalc);
})();

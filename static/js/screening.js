// 资格审查 and 操作日志 pages (no inline script: the CSP forbids it).
(function () {
  "use strict";
  // Filter forms marked data-autosubmit reload when a select changes.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select");
    var form = select && select.closest("form[data-autosubmit]");
    if (form) { form.submit(); }
  });
  // A decision form's textarea is focused when its tab is opened.
  document.addEventListener("shown.bs.tab", function (event) {
    var target = document.querySelector(event.target.getAttribute("data-bs-target"));
    var area = target && target.querySelector("textarea");
    if (area) { area.focus(); }
  });
})();

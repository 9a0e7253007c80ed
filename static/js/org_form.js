// The organization form: the legal forms listed are those of the chosen kind, and the board fields
// (display name, anonymous) show for a sponsor only. Without this script every option is listed and
// the server refuses a legal form that does not fit the kind.
(function () {
  "use strict";
  function apply(form) {
    var kind = form.querySelector("select[name=kind]");
    if (!kind) { return; }
    var legal = form.querySelector("select[name=legal_form]");
    if (legal) {
      var keep = null;
      Array.prototype.forEach.call(legal.options, function (option) {
        var fits = !option.getAttribute("data-kind") || option.getAttribute("data-kind") === kind.value;
        option.hidden = !fits;
        option.disabled = !fits;
        if (fits && keep === null) { keep = option; }
      });
      var chosen = legal.options[legal.selectedIndex];
      if ((!chosen || chosen.disabled) && keep) { keep.selected = true; }
    }
    form.querySelectorAll("[data-org-kind-only]").forEach(function (box) {
      box.hidden = box.getAttribute("data-org-kind-only") !== kind.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-org-form]").forEach(function (form) {
      apply(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") { apply(form); }
      });
    });
  });
})();

// 决赛路演: the committee's stage screen and the judges' phone sheet. Both poll the JSON state once
// a second (polling, not websockets: any worker on any machine can answer) and redraw in place.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) { return; }
  var role = root.getAttribute("data-live");
  var stateUrl = root.getAttribute("data-state-url");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var state = null;
  var labels = JSON.parse(root.getAttribute("data-labels") || "{}"); // translated by the template
  function t(key, values) {
    return (labels[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  var deadline = null; // performance.now() at which the timer reaches 0
  var pollTimer = null;

  function $(selector, scope) { return (scope || root).querySelector(selector); }
  function bind(name, text) {
    root.querySelectorAll('[data-bind="' + name + '"]').forEach(function (el) { el.textContent = text; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function showError(message) {
    var box = $("[data-live-error]");
    box.textContent = message || "";
    box.classList.toggle("d-none", !message);
  }

  // --- timer -----------------------------------------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    var s = Math.abs(seconds);
    return (seconds < 0 ? "+" : "") + pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }
  function tick() {
    var timer = $("[data-live-timer]");
    var note = $("[data-live-timer-note]");
    if (!timer) { return; }
    if (deadline === null) { timer.textContent = "--:--"; note.textContent = ""; timer.classList.remove("is-overtime", "is-ending"); return; }
    var left = Math.ceil((deadline - performance.now()) / 1000);
    if (left < 0) { left = Math.floor((deadline - performance.now()) / 1000); }
    timer.textContent = clock(left);
    timer.classList.toggle("is-overtime", left < 0);
    timer.classList.toggle("is-ending", left >= 0 && left <= 60);
    note.textContent = left < 0 ? t("overtime") : t("time_left");
  }

  // --- shared rendering --------------------------------------------------------------------------
  function renderStage(s) {
    var c = s.current;
    bind("number", c ? t("number", { n: c.number, count: s.count }) : t("not_started"));
    bind("reference", c ? c.reference : "");
    bind("title", c ? c.title : t("waiting"));
    bind("organization", c && c.organization ? c.organization : "");
    deadline = (c && s.seconds_left !== null) ? performance.now() + s.seconds_left * 1000 : null;
    tick();
  }

  // --- committee ---------------------------------------------------------------------------------
  function renderCommittee(s) {
    bind("round-status", s.round.status_label);
    bind("progress", s.submitted + " / " + s.assigned);
    var list = $("[data-live-judges]");
    list.replaceChildren.apply(list, s.judges.map(function (j) {
      var li = el("li", "live-judge is-" + j.status);
      var tickMark = el("span", "live-tick", j.status === "submitted" ? "✓" : (j.status === "draft" ? "…" : ""));
      tickMark.setAttribute("aria-hidden", "true");
      li.append(tickMark, el("span", "live-judge-name", j.name), el("span", "live-judge-status", j.label));
      return li;
    }));
    var result = $("[data-live-result]");
    result.classList.toggle("d-none", !s.result);
    if (s.result) {
      bind("aggregate", s.result.aggregate);
      bind("method", s.result.method);
      var sheets = $("[data-live-sheets]");
      sheets.replaceChildren.apply(sheets, s.result.sheets.map(function (sheet) {
        var li = el("li", sheet.dropped ? "is-dropped" : "");
        li.append(el("span", "", sheet.name), " ", el("span", "money", sheet.total));
        if (sheet.dropped) { li.append(" ", el("span", "live-dropped-note", t("dropped"))); }
        return li;
      }));
    }
    s.order.forEach(function (item) {
      var li = root.querySelector('[data-entry="' + item.entry_id + '"]');
      if (!li) { return; }
      li.classList.toggle("is-current", item.current);
      li.querySelector("[data-order-status]").textContent = item.aggregate
        ? t("score", { score: item.aggregate }) : t("submitted_of", { submitted: item.submitted, assigned: item.assigned });
    });
    root.querySelectorAll("[data-live-action] button").forEach(function (b) { b.disabled = !s.round.open; });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-live-action]");
    if (!form) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    post(form.getAttribute("action"), new FormData(form)).then(function (answer) {
      showError(answer.body.message && !answer.body.ok ? answer.body.message : "");
      if (answer.body.state) { render(answer.body.state); }
    }).catch(function () { showError(t("action_failed")); })
      .finally(function () { button.disabled = !(state && state.round.open); });
  });

  // --- judge -------------------------------------------------------------------------------------
  var sheetForm = $("[data-live-sheet]");
  var editing = null;   // application id the form shows
  var follow = true;    // the form follows the stage (false while revising an earlier project)
  var dirty = false;    // typed since the form was filled

  function sheetItem(appId) {
    return state ? state.sheets.filter(function (i) { return i.application_id === appId; })[0] : null;
  }
  function weightedTotal() {
    var total = 0;
    sheetForm.querySelectorAll("input[data-weight]").forEach(function (input) {
      var v = parseFloat(input.value.replace(/[０-９．]/g, function (ch) {
        return String.fromCharCode(ch.charCodeAt(0) - 0xFEE0);
      }));
      if (!isNaN(v)) { total += v * parseFloat(input.getAttribute("data-weight")); }
    });
    $("[data-live-total]").textContent = (Math.round(total * 100) / 100).toFixed(2);
  }
  function clearErrors() {
    sheetForm.querySelectorAll(".is-invalid").forEach(function (i) { i.classList.remove("is-invalid"); });
    sheetForm.querySelectorAll("[data-error-for]").forEach(function (e) { e.textContent = ""; });
  }
  function fillSheet(item) {
    editing = item ? item.application_id : null;
    dirty = false;
    clearErrors();
    $("[data-live-message]").textContent = "";
    sheetForm.classList.toggle("d-none", !item);
    $("[data-live-idle]").classList.toggle("d-none", !!item);
    if (!item) { return; }
    sheetForm.querySelectorAll("input[data-weight]").forEach(function (input) {
      input.value = item.values[input.name.slice(1)] || "";
    });
    sheetForm.querySelector("textarea[name=comment]").value = item.comment;
    weightedTotal();
  }
  function renderJudge(s) {
    var onStage = s.assigned_here ? sheetItem(s.current.application_id) : null;
    var stageApp = onStage ? onStage.application_id : null;
    if (follow && editing !== stageApp) {
      if (!dirty || editing === null) { fillSheet(onStage); }
    }
    var moved = follow && dirty && editing !== null && editing !== stageApp;
    $("[data-live-moved]").classList.toggle("d-none", !moved);
    $("[data-live-back]").classList.toggle("d-none", follow);
    var shown = editing !== null ? sheetItem(editing) : null;
    bind("sheet-title", shown ? t("sheet_title", { n: shown.number, title: shown.title }) : "");
    bind("sheet-status", shown ? shown.label : "");
    $('[data-bind="sheet-status"]').className = "badge status-" + (shown ? shown.status : "none");
    var list = $("[data-live-my-sheets]");
    var reached = s.current ? s.current.number : 0; // projects not yet on stage cannot be scored ahead
    list.replaceChildren.apply(list, s.sheets.map(function (item) {
      var li = el("li", "list-group-item d-flex align-items-center gap-2" + (item.current ? " is-current" : ""));
      var badge = el("span", "badge status-" + item.status, item.label);
      var edit = el("button", "btn btn-sm btn-outline-primary", item.application_id === editing ? t("scoring") : t("edit"));
      edit.type = "button";
      edit.disabled = item.application_id === editing || !s.round.open;
      edit.setAttribute("data-live-edit", String(item.application_id));
      edit.setAttribute("aria-label", t("edit_label", { title: item.title }));
      li.append(el("span", "live-order-number", String(item.number)),
        el("span", "flex-grow-1 live-min0 text-truncate", item.title), badge);
      if (item.number <= reached || item.status !== "none") { li.append(edit); }
      return li;
    }));
  }

  if (sheetForm) {
    sheetForm.addEventListener("input", function () { dirty = true; weightedTotal(); });
    sheetForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (editing === null) { return; }
      var data = new FormData(sheetForm);
      data.set("action", event.submitter ? event.submitter.value : "submit");
      var url = root.getAttribute("data-sheet-url").replace(/\/0$/, "/" + editing);
      var buttons = sheetForm.querySelectorAll("button[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      post(url, data).then(function (answer) {
        clearErrors();
        var body = answer.body;
        $("[data-live-message]").textContent = body.message || "";
        $("[data-live-message]").className = "mt-2 " + (body.ok ? "text-success" : "text-danger");
        Object.keys(body.errors || {}).forEach(function (name) {
          var input = sheetForm.querySelector('[name="' + name + '"]');
          if (input) { input.classList.add("is-invalid"); }
          var slot = sheetForm.querySelector('[data-error-for="' + name + '"]');
          if (slot) { slot.textContent = body.errors[name].join(" "); }
        });
        if (body.ok) {
          dirty = false;
          bind("sheet-status", body.label);
          $('[data-bind="sheet-status"]').className = "badge status-" + body.status;
          poll();
        }
      }).catch(function () {
        $("[data-live-message]").textContent = t("submit_failed");
      }).finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
    });
    root.addEventListener("click", function (event) {
      var edit = event.target.closest("[data-live-edit]");
      if (edit) {
        follow = false;
        fillSheet(sheetItem(parseInt(edit.getAttribute("data-live-edit"), 10)));
        renderJudge(state);
        sheetForm.scrollIntoView({ behavior: "smooth", block: "start" });
      } else if (event.target.closest("[data-live-back]") || event.target.closest("[data-live-follow]")) {
        follow = true;
        dirty = false;
        editing = -1; // force a refill from the stage
        renderJudge(state);
      }
    });
  }

  // --- polling -----------------------------------------------------------------------------------
  function render(s) {
    state = s;
    renderStage(s);
    if (role === "committee") { renderCommittee(s); } else { renderJudge(s); }
  }
  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }
  function poll() {
    clearTimeout(pollTimer);
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          throw new Error("session_lost");
        }
        if (!response.ok) { throw new Error("reconnecting"); }
        return response.json();
      })
      .then(function (s) { $("[data-live-conn]").textContent = ""; render(s); })
      .catch(function (error) {
        $("[data-live-conn]").textContent = t(error.message === "session_lost" ? "session_lost" : "reconnecting");
      })
      .finally(function () { pollTimer = setTimeout(poll, 1000); });
  }
  setInterval(tick, 250);
  poll();
})();

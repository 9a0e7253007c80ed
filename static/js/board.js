// 大屏: the venue board polls its JSON state once a second (polling, not websockets: any worker on
// any machine can answer) and redraws in place. A project's amounts come as exact strings of yuan;
// this script words its card from the templates the page carries (data-labels, in the reader's
// language) exactly as board.card() does for the first paint (templates/matching/_board_macros.html).
// Totals, the pool and the ticker come worded from the server.
(function () {
  "use strict";
  var root = document.querySelector("[data-board]");
  if (!root) { return; }
  var stateUrl = root.getAttribute("data-state-url");
  var labels = JSON.parse(root.getAttribute("data-labels") || "{}");
  var SVG = "http://www.w3.org/2000/svg";
  var drawn = {};        // project id → the JSON it was last drawn from
  var seenPledges = null; // pledge ids on the ticker at the last poll (null before the first)
  var pollTimer = null;
  var lastTag = null;     // the ETag of the state drawn last: an unchanged state is not drawn again

  function $(selector) { return root.querySelector(selector); }
  function bind(name, text) {
    root.querySelectorAll('[data-bind="' + name + '"]').forEach(function (node) { node.textContent = text; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = text; }
    return node;
  }

  // "12345.6" → "¥12,345.60", "3000.00" → "¥3,000": portal.types.format_yuan, on the string (no float).
  function yuan(amount) {
    var parts = String(amount).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var cents = ((parts[1] || "") + "00").slice(0, 2);
    return "¥" + whole + (cents === "00" ? "" : "." + cents);
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; });
  }
  var SEGMENTS = [["awarded", "awarded"], ["cash", "cash"], ["in_kind", "in_kind_accepted"], ["match", "match"]];

  // The wording of a card (board.card): texts and the bar's segments as shares of the goal.
  function word(p) {
    var goal = Number(p.goal), x = 0;
    p.segments = [];
    SEGMENTS.forEach(function (pair) {
      var amount = Number(p[pair[1]]);
      var width = amount > 0 && goal > 0 ? Math.min(100 - x, Math.min(100, amount * 100 / goal)) : 0;
      if (width <= 0) { return; }
      p.segments.push({ kind: pair[0], x: Math.round(x * 100) / 100, width: Math.round(width * 100) / 100,
                        label: labels["segment_" + pair[0]] + " " + yuan(p[pair[1]]) });
      x += width;
    });
    p.progress_text = fill(labels.progress, { raised: yuan(p.raised), goal: yuan(p.goal) });
    p.gap_text = p.full ? labels.full : fill(labels.gap, { gap: yuan(p.gap) });
    p.in_kind_text = Number(p.in_kind) > 0 ? fill(labels.in_kind, { value: yuan(p.in_kind) }) : "";
    return p;
  }

  function bar(p) {
    var box = el("div", "board-bar");
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", p.progress_text);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "board-bar-svg");
    svg.setAttribute("viewBox", "0 0 100 10");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    p.segments.forEach(function (s) {
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", "board-seg board-seg-" + s.kind);
      rect.setAttribute("x", s.x);
      rect.setAttribute("y", 0);
      rect.setAttribute("width", s.width);
      rect.setAttribute("height", 10);
      var title = document.createElementNS(SVG, "title");
      title.textContent = s.label;
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    box.appendChild(svg);
    return box;
  }

  function projectCard(p) {
    var li = el("li", "board-project" + (p.full ? " is-full" : ""));
    li.setAttribute("data-project", p.id);
    var head = el("div", "board-project-head");
    var number = el("span", "board-number", String(p.number));
    number.setAttribute("aria-hidden", "true");
    var names = el("div", "board-project-names");
    names.append(el("p", "board-project-title", p.naming || p.title),
                 el("p", "board-project-sub", (p.naming ? p.title + " · " : "") + p.organization));
    head.append(number, names);
    if (p.full) { head.append(el("span", "board-full", p.gap_text)); }
    var figures = el("p", "board-figures");
    figures.append(el("span", "board-percent", p.percent + "%"), " ", el("span", "board-progress", p.progress_text));
    if (!p.full) { figures.append(" ", el("span", "board-gap", p.gap_text)); }
    li.append(head, bar(p), figures);
    if (p.in_kind_text) { li.append(el("p", "board-in-kind", p.in_kind_text)); }
    if (p.backers.length) { li.append(el("p", "board-backers", p.backers.join(labels.separator || "、"))); }
    return li;
  }

  function renderProjects(projects) {
    var list = $("[data-board-projects]");
    if (!projects.length) {
      drawn = {};
      list.replaceChildren(el("li", "board-empty", labels.no_projects));
      return;
    }
    var order = projects.map(function (p) { return String(p.id); }).join(",");
    var current = Array.prototype.map.call(list.querySelectorAll("[data-project]"),
      function (node) { return node.getAttribute("data-project"); }).join(",");
    if (order !== current) {  // projects added, withdrawn or moved: draw the list again
      drawn = {};
      list.replaceChildren.apply(list, projects.map(function (p) {
        drawn[p.id] = JSON.stringify(p);
        return projectCard(word(p));
      }));
      return;
    }
    projects.forEach(function (p) {  // the same list: redraw only the cards that changed
      var json = JSON.stringify(p);
      if (drawn[p.id] === json) { return; }
      var old = list.querySelector('[data-project="' + p.id + '"]');
      var card = projectCard(word(p));
      if (drawn[p.id] !== undefined) { card.classList.add("is-updated"); }
      drawn[p.id] = json;
      old.replaceWith(card);
    });
  }

  function renderTicker(ticker) {
    var list = $("[data-board-ticker]");
    if (!ticker.length) {
      list.replaceChildren(el("li", "board-empty", labels.no_pledges));
    } else {
      list.replaceChildren.apply(list, ticker.map(function (t) {
        var li = el("li", "board-tick" + (t.in_kind ? " is-in-kind" : ""));
        li.setAttribute("data-pledge", t.id);
        if (seenPledges !== null && !seenPledges[t.id]) { li.classList.add("is-new"); }
        li.append(el("span", "board-tick-time", t.time), el("span", "board-tick-sponsor", t.sponsor),
                  el("span", "board-tick-what", t.what), el("span", "board-tick-project", t.project));
        return li;
      }));
    }
    seenPledges = {};
    ticker.forEach(function (t) { seenPledges[t.id] = true; });
  }

  function render(s) {
    bind("status", s.session.status_label);
    ["pledged", "matched", "funded", "projects", "sponsors", "in_kind"].forEach(function (key) {
      bind(key, s.totals[key]);
    });
    var pool = $("[data-board-pool]");
    pool.hidden = !s.pool;
    pool.textContent = s.pool ? s.pool.text : "";
    pool.classList.toggle("is-exhausted", !!(s.pool && s.pool.exhausted));
    renderProjects(s.projects);
    renderTicker(s.ticker);
  }

  // The ticker drawn by the server counts as seen: only pledges after the page loaded are "new".
  seenPledges = {};
  root.querySelectorAll("[data-pledge]").forEach(function (node) { seenPledges[node.getAttribute("data-pledge")] = true; });

  function poll() {
    clearTimeout(pollTimer);
    // "no-cache": the browser asks with If-None-Match and the server answers 304 while nothing changed.
    fetch(stateUrl, { credentials: "same-origin", cache: "no-cache", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("reconnecting"); }
        var tag = response.headers.get("ETag");
        if (tag && tag === lastTag) { return null; }
        lastTag = tag;
        return response.json();
      })
      .then(function (s) { $("[data-board-conn]").textContent = ""; if (s) { render(s); } })
      .catch(function () { $("[data-board-conn]").textContent = labels.reconnecting; })
      .finally(function () { pollTimer = setTimeout(poll, 1000); });
  }

  // Full screen for the projector (the page itself works without it).
  var toggle = $("[data-board-fullscreen]");
  if (toggle && root.requestFullscreen) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
    });
    document.addEventListener("fullscreenchange", function () {
      toggle.textContent = document.fullscreenElement ? labels.exit_fullscreen : labels.fullscreen;
    });
  }

  pollTimer = setTimeout(poll, 1000);
})();

// 大屏: the venue board polls its JSON state once a second (polling, not websockets: any worker on
// any machine can answer) and redraws in place. Every amount and text comes formatted from the
// server; this script only places them (templates/matching/_board_macros.html draws the same).
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
    if (p.in_kind) { li.append(el("p", "board-in-kind", p.in_kind)); }
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
        return projectCard(p);
      }));
      return;
    }
    projects.forEach(function (p) {  // the same list: redraw only the cards that changed
      var json = JSON.stringify(p);
      if (drawn[p.id] === json) { return; }
      var old = list.querySelector('[data-project="' + p.id + '"]');
      var card = projectCard(p);
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

// Public results page (公示): refresh the popularity vote counts every 2 s from the JSON endpoint.
(function () {
  "use strict";
  var section = document.querySelector("[data-vote-url][data-vote-live]");
  if (!section || !window.fetch) { return; }
  var url = section.getAttribute("data-vote-url");
  var failures = 0;
  var timer = null;

  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        section.querySelectorAll("[data-vote-count]").forEach(function (cell) {
          var count = data.counts[cell.getAttribute("data-vote-count")] || 0;
          if (cell.textContent !== String(count)) { cell.textContent = String(count); }
        });
        if (!data.open) { window.clearInterval(timer); }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) { window.clearInterval(timer); }  // stop hammering a failing server
      });
  }

  timer = window.setInterval(refresh, 2000);
})();

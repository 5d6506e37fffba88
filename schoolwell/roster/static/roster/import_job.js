/* Polls a background roster import's progress section and swaps it in (no inline script: CSP). */
(function () {
  "use strict";
  var holder = document.getElementById("import-job");
  if (!holder) {
    return;
  }
  var url = holder.getAttribute("data-status-url");

  function done() {
    var status = holder.querySelector("#import-job-status");
    return status !== null && status.getAttribute("data-done") === "1";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        holder.innerHTML = html;
        if (!done()) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  if (!done()) {
    window.setTimeout(poll, 1000);
  }
})();

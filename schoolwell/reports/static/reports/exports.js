/* Polls the JSON status of the user's exports and updates the table (no inline script: CSP). */
(function () {
  "use strict";
  var table = document.getElementById("my-exports");
  if (!table) {
    return;
  }
  var url = table.getAttribute("data-status-url");
  var downloadLabel = table.getAttribute("data-download-label") || "Download";

  function pending() {
    return table.querySelector('tr[data-done="0"]') !== null;
  }

  function update(exportStatus) {
    var row = table.querySelector('tr[data-export="' + exportStatus.id + '"]');
    if (!row) {
      return;
    }
    row.querySelector('[data-role="status"]').textContent = exportStatus.status_label;
    var bar = row.querySelector('[data-role="progress"]');
    if (exportStatus.percent !== null) {
      bar.value = exportStatus.percent;
    }
    row.querySelector('[data-role="rows"]').textContent = exportStatus.rows_done +
      (exportStatus.rows_total ? " / " + exportStatus.rows_total : "");
    var done = ["done", "failed", "expired"].indexOf(exportStatus.status) !== -1;
    row.setAttribute("data-done", done ? "1" : "0");
    var cell = row.querySelector('[data-role="file"]');
    if (exportStatus.download_url && !cell.querySelector("a")) {
      var link = document.createElement("a");
      link.href = exportStatus.download_url;
      link.textContent = downloadLabel;
      cell.textContent = "";
      cell.appendChild(link);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.exports.forEach(update);
        if (pending()) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  if (pending()) {
    window.setTimeout(poll, 1000);
  }
})();

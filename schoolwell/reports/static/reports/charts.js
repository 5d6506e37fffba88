/* Draws every Plotly figure on the page from its JSON data block (no inline script: CSP). */
(function () {
  "use strict";
  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var block = document.getElementById(el.getAttribute("data-figure"));
      if (!block) {
        return;
      }
      var figure = JSON.parse(block.textContent);
      window.Plotly.newPlot(el, figure.data || [], figure.layout || {}, {
        displayModeBar: false,
        displaylogo: false,
        responsive: true,
        modeBarButtonsToRemove: ["sendDataToCloud", "select2d", "lasso2d"],
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

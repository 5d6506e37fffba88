// Draws every Plotly figure on the page from its JSON data block (CSP: no inline script).
// Markup: <div class="plotly-figure" data-figure="ID"></div> + <script type="application/json" id="ID">.
(function () {
  "use strict";
  document.querySelectorAll(".plotly-figure[data-figure]").forEach(function (el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false, displayModeBar: false });
  });
})();

/* Draws every Plotly figure on the page from its JSON data block (no inline script: CSP). */
(function () {
  "use strict";
  // Plotly names months and days on date axes itself; the plotly package ships no locale
  // files, so the page's other language is registered here (plotly.js's locale format).
  var LOCALES = {
    es: {
      moduleType: "locale",
      name: "es",
      dictionary: {},
      format: {
        days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        shortDays: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
        months: [
          "enero", "febrero", "marzo", "abril", "mayo", "junio",
          "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
        ],
        shortMonths: [
          "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
        ],
        date: "%d/%m/%Y",
      },
    },
  };
  function pageLocale() {
    var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase();
    if (!LOCALES[lang]) {
      return "en";
    }
    window.Plotly.register(LOCALES[lang]);
    return lang;
  }
  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var locale = pageLocale();
    // The page carries plotly's default template once; every figure is drawn with it.
    var shared = document.getElementById("plotly-template");
    var template = shared ? JSON.parse(shared.textContent) : null;
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var block = document.getElementById(el.getAttribute("data-figure"));
      if (!block) {
        return;
      }
      var figure = JSON.parse(block.textContent);
      var layout = figure.layout || {};
      if (template && !layout.template) {
        layout.template = template;
      }
      window.Plotly.newPlot(el, figure.data || [], layout, {
        displayModeBar: false,
        displaylogo: false,
        responsive: true,
        locale: locale,
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

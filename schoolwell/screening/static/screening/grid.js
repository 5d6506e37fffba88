// Teacher-rated grid: after each change (debounced) the whole grid is saved as a
// server-side draft, so a timeout or sign-out loses nothing (the page restores it).
(function () {
  "use strict";
  var form = document.getElementById("grid-form");
  if (!form) return;
  var status = document.getElementById("draft-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;

  function collect() {
    var answers = {};
    form.querySelectorAll("select[data-student]").forEach(function (select) {
      if (select.value === "") return;
      var sid = select.dataset.student;
      answers[sid] = answers[sid] || {};
      answers[sid][select.dataset.item] = select.value;
    });
    return answers;
  }

  function save() {
    status.textContent = form.dataset.savingText || "Saving draft…";
    fetch(form.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: collect() }),
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        var now = new Date();
        status.textContent = "Draft saved " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      })
      .catch(function () {
        status.textContent = "Draft not saved — check your connection; your answers are still on this page.";
      });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  });
})();

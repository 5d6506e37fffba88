// Whole-class check-in: one button fills every student still blank with "3 Okay",
// so a calm class takes a few taps. The form works without this script.
//
// Entries are also kept as a draft in this tab's sessionStorage until the server confirms
// the save, so a class's answers survive an expired session and the sign-in in between.
// sessionStorage lives only as long as the tab (nothing stays on a shared device).
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var key = "schoolwell-checkin:" + location.pathname + location.search;

  var button = document.getElementById("fill-okay");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      form.querySelectorAll(".checkin-row").forEach(function (row) {
        if (!row.querySelector("input[type=radio]:checked")) {
          var okay = row.querySelector("input[type=radio][value='3']");
          if (okay) okay.checked = true;
        }
      });
      saveDraft();
    });
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }

  function saveDraft() {
    var draft = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) (draft[el.name] = draft[el.name] || []).push(el.value);
      } else if (el.value) {
        draft[el.name] = [el.value];
      }
    });
    try { sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  }

  function restoreDraft(draft) {
    fields().forEach(function (el) {
      var values = draft[el.name];
      if (!values) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values[0];
      }
    });
  }

  if (document.querySelector(".message.success")) {
    sessionStorage.removeItem(key); // the server has it now
    // A save with an urgent concern leads with the crisis steps: start reading there.
    var crisis = document.getElementById("crisis-card");
    if (crisis) crisis.focus();
  } else if (!document.querySelector(".message.error")) {
    var stored = sessionStorage.getItem(key);
    if (stored) {
      restoreDraft(JSON.parse(stored));
      var notice = document.getElementById("draft-restored");
      if (notice) notice.hidden = false;
    }
  }
  form.addEventListener("change", saveDraft);
  form.addEventListener("input", saveDraft);
})();

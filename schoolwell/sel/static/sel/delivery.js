// The delivery form: "All present" ticks/unticks the whole roster, stays in step with
// single changes, and only the fields for the chosen outcome are shown.
(function () {
  "use strict";
  var all = document.getElementById("present-all");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.sel-roster input[type="checkbox"]'));
  var count = document.getElementById("present-count");
  function update() {
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    if (all) {
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    if (count) { count.textContent = "(" + ticked + " / " + boxes.length + ")"; }
  }
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();

  var radios = Array.prototype.slice.call(document.querySelectorAll('input[name="status"]'));
  var delivered = document.querySelector(".sel-delivered");
  var skipped = document.querySelector(".sel-skipped");
  function showOutcome() {
    var chosen = radios.filter(function (r) { return r.checked; })[0];
    var value = chosen ? chosen.value : "delivered";
    if (delivered) { delivered.hidden = value !== "delivered"; }
    if (skipped) { skipped.hidden = value !== "skipped"; }
  }
  radios.forEach(function (r) { r.addEventListener("change", showOutcome); });
  showOutcome();
})();

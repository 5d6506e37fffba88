// The inactivity warning: shortly before the server ends an idle session, offer
// "Stay signed in" (a keep-alive request); when it has ended, go to the sign-in page, which
// brings the user back here (a check-in draft in sessionStorage survives the trip).
// The server's own remaining time is asked before warning, so activity in another tab counts.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) return;
  var warnBefore = Number(box.dataset.warning) * 1000;
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  var timer = null;

  function schedule(seconds) {
    clearTimeout(timer);
    var ms = seconds * 1000;
    if (ms <= 0) {
      end();
    } else if (ms > warnBefore) {
      box.hidden = true;
      timer = setTimeout(check, ms - warnBefore);
    } else {
      box.hidden = false;
      timer = setTimeout(check, Math.min(ms, 20000));
    }
  }

  function remaining(response) {
    // A signed-out session answers with the sign-in page, not JSON.
    return response.json().then(function (data) { return data.remaining; }, function () { return 0; });
  }

  function check() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(remaining)
      .then(schedule, function () { timer = setTimeout(check, 30000); });
  }

  function end() {
    location.assign(box.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search));
  }

  document.getElementById("session-stay").addEventListener("click", function () {
    fetch(box.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    }).then(remaining).then(schedule, function () { timer = setTimeout(check, 30000); });
  });

  schedule(Number(box.dataset.remaining));
})();

// Claim from the queue without leaving it: the form still works without this script.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList || !form.classList.contains("claim-form")) return;
  event.preventDefault();
  const row = form.closest("tr");
  const status = document.getElementById("queue-status");
  const button = form.querySelector("button");
  button.disabled = true;
  let data = {};
  let ok = false;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    ok = response.ok;
    data = await response.json();
  } catch (error) {
    form.submit();
    return;
  }
  if (ok) {
    row.querySelector('[data-cell="assignee"]').textContent = data.assignee;
    row.querySelector('[data-cell="status"]').textContent = data.status;
  } else {
    button.disabled = false;
    const note = document.createElement("p");
    note.className = "message error";
    note.textContent = data.message;
    form.replaceWith(note);
  }
  if (status) status.textContent = data.message;
});

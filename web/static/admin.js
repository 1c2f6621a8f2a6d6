// Access management: each button calls the admin API, then the page reloads
// to show the result. A new API token is shown once, as text. Revoking asks first.

const notice = document.getElementById("notice");

async function call(path, body) {
  notice.textContent = "";
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-Requested-With": "crisis", "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    notice.textContent = answer.detail ?? response.statusText;
    return null;
  }
  return answer;
}

for (const button of document.querySelectorAll("button[data-action]")) {
  button.addEventListener("click", async () => {
    // Revoking ends access at once: ask first.
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    if (await call(button.dataset.action)) location.reload();
  });
}

document.getElementById("issue-token").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const [scope, value] = form.scope.value.split(":");
  const issued = await call("/api/admin/tokens", { label: form.label.value, [scope]: value });
  if (issued) {
    document.getElementById("new-token-value").textContent = issued.token;
    document.getElementById("new-token").hidden = false;
    form.reset();
  }
});

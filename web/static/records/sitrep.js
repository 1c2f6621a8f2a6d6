// The situation report page: save the draft's sections, or issue the report.
// Both call the JSON API; the page reloads to show the result.

const form = document.getElementById("sitrep-form");
const notice = document.getElementById("notice");

async function call(path, body) {
  notice.textContent = "";
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-Requested-With": "crisis", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    notice.textContent = answer.detail ?? response.statusText;
    return null;
  }
  return answer;
}

function sections() {
  const body = {};
  for (const area of form.querySelectorAll("textarea")) body[area.name] = area.value;
  const next = form.elements.next_report_at.value;
  body.next_report_at = next ? new Date(next).toISOString() : null;
  return body;
}

if (form) {
  const base = `/api/incidents/${form.dataset.incident}/sitreps/${form.dataset.number}`;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await call(base, sections())) location.reload();
  });
  document.getElementById("issue").addEventListener("click", async () => {
    if (!(await call(base, sections()))) return;
    if (await call(`${base}/issue`, {})) location.reload();
  });
}

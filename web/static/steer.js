// Declare and steer an incident from the pages: "Ny hendelse" (a dialog one
// click away on every staff page) and the controls on the incident's page.
// Each answer, confirmation or refusal, shows next to the button pressed.

import { onCommand, send } from "./lib/feedback.js";

const texts = document.getElementById("dlg-declare")?.dataset ?? {};

function list(text) {
  return text.split(/[,;\n]/).map((part) => part.trim()).filter(Boolean);
}

function field(form, name) {
  return form.elements[name]?.value ?? "";
}

// What each control sends to /api/incidents/{id}/<command>.
const BODIES = {
  phase: (f) => ({ phase: field(f, "phase"), reason: field(f, "reason") }),
  severity: (f) => ({ severity: field(f, "severity") }),
  areas: (f) => ({ areas: list(field(f, "areas")) }),
  department: (f) => ({ department: field(f, "department"), reason: field(f, "reason") }),
  supporting: (f) => ({
    departments: [...f.querySelectorAll("input[name=departments]:checked")].map((box) => box.value),
  }),
  "crisis-mode": (f) => ({
    on: f.elements.on.checked,
    sla_minutes: field(f, "sla_minutes") === "" ? null : Number(field(f, "sla_minutes")),
  }),
  "four-eyes": (f) => ({ on: f.elements.on.checked }),
};

function declare(form) {
  onCommand(form, async () => {
    const { ok, answer } = await send("/api/incidents", {
      kind: field(form, "kind").trim(),
      title: field(form, "title").trim(),
      areas: list(field(form, "areas")),
      department: field(form, "department"),
      severity: field(form, "severity"),
      phase: form.querySelector("input[name=phase]:checked")?.value ?? "active",
    }, texts.offline);
    if (!ok) return { ok, text: answer.detail };
    location.assign(`/incidents/${answer.id}`);
    return { ok, text: texts.declared };
  });
}

function steer(panel) {
  const incident = panel.dataset.incident;
  for (const form of panel.querySelectorAll("form[data-command]")) {
    const command = form.dataset.command;
    onCommand(form, async () => {
      const { ok, answer } = await send(`/api/incidents/${incident}/${command}`, BODIES[command](form),
        panel.dataset.offline);
      if (!ok) return { ok, text: answer.detail };
      for (const reason of form.querySelectorAll("input[name=reason]")) reason.value = "";
      return { ok, text: form.dataset.done };
    });
  }
}

for (const opener of document.querySelectorAll("[data-open]")) {
  const box = document.getElementById(opener.dataset.open);
  opener.addEventListener("click", () => {
    box.showModal();
    box.querySelector("input, select, textarea")?.focus();
  });
  box.querySelector("[data-close]")?.addEventListener("click", () => box.close());
}
const declareForm = document.getElementById("declare");
if (declareForm) declare(declareForm);
const panel = document.getElementById("steer");
if (panel) steer(panel);

// Plain command buttons rendered by the server (the editor's queue): POST,
// then say the answer beside the button; an accepted item is marked done.
for (const form of document.querySelectorAll("form[data-post-to]")) {
  onCommand(form, async () => {
    const { ok, answer } = await send(form.dataset.postTo, {}, texts.offline);
    if (!ok) return { ok, text: answer.detail };
    form.closest("[data-status]")?.setAttribute("data-status", "done");
    form.querySelector("button[type=submit]")?.remove();
    const count = document.querySelector("[data-waiting]");
    if (count) count.textContent = String(Math.max(0, Number(count.textContent) - 1));
    return { ok, text: form.dataset.done };
  });
}

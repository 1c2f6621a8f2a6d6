// Feedback where the eye is: the answer to a command is written next to the
// control that sent it (its form's own aria-live region, inside an open
// dialog when there is one), never at the top of the page out of sight.

import { el } from "./dom.js";

// POST a command as JSON: {ok, answer}; a refusal's answer.detail is a sentence.
export async function send(path, body = {}, offline = "") {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "X-Requested-With": "crisis", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({ detail: response.statusText }));
    return { ok: response.ok, answer };
  } catch {
    return { ok: false, answer: { detail: offline } };
  }
}

// Say `text` in a feedback region: "ok" (a confirmation) or "refused".
// Cleared first, so a screen reader announces a repeated sentence too.
export function answer(region, ok, text) {
  region.dataset.state = ok ? "ok" : "refused";
  region.textContent = "";
  requestAnimationFrame(() => { region.textContent = text; });
}

// Say `text` in the form's own feedback region.
export function answerIn(form, ok, text) {
  const region = form.querySelector("[data-feedback]");
  if (region) answer(region, ok, text);
}

// Feedback regions that outlive re-rendering, one per key (the item a control
// acts on): a live list redrawn by the change the command made (the button
// pressed may be gone) keeps the answer where the button was.
const kept = new Map();

export function feedbackFor(key) {
  if (!kept.has(key)) {
    kept.set(key, el("p", { class: "feedback", role: "status", "aria-live": "polite", "data-feedback": true }));
  }
  return kept.get(key);
}

// The region kept for `key`, if a control of it has answered (else null).
export function keptFeedback(key) {
  return kept.get(key) ?? null;
}

// Run `act(form)` on submit at most once at a time (aria-busy, not `disabled`,
// so the focus stays on the button), and say its answer next to the button.
export function onCommand(form, act) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    try {
      const { ok, text } = await act(form);
      answerIn(form, ok, text);
    } finally {
      form.setAttribute("aria-busy", "false");
    }
  });
}

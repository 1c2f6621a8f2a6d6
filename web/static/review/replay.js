// The review page: step through an incident's history and see the board as it
// stood, with the event that changed it in words; pin key moments.

import { fill, label } from "./dom.js";
import { renderMoment } from "./moment.js";

const controls = document.getElementById("replay-controls");
const incident = controls.dataset.incident;
const steps = Number(controls.dataset.steps);
const notice = document.getElementById("notice");
const slider = document.getElementById("step-slider");
const buttons = {
  first: document.getElementById("step-first"),
  previous: document.getElementById("step-previous"),
  next: document.getElementById("step-next"),
  last: document.getElementById("step-last"),
};
const jumpForm = document.getElementById("jump-form");
const jumpAt = document.getElementById("jump-at");
const stepStatus = document.getElementById("step-status");
const eventBox = document.getElementById("moment-event");
const board = document.getElementById("moment-board");
const pinForm = document.getElementById("pin-form");

let current = null;
let latest = 0;
let sliding = null;

async function call(method, path, body) {
  notice.textContent = "";
  const response = await fetch(path, {
    method,
    headers: { "X-Requested-With": "crisis", "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    notice.textContent = answer.detail ?? response.statusText;
    return null;
  }
  return answer;
}

async function show(query) {
  const ticket = ++latest;
  board.setAttribute("aria-busy", "true");
  const moment = await call("GET", `/api/review/board?incident=${encodeURIComponent(incident)}&${query}`);
  if (moment === null || ticket !== latest) return; // failed, or a later step was asked for
  current = moment;
  render(moment);
}

function render(moment) {
  const step = fill("step_of", { index: moment.index + 1, count: moment.count });
  slider.value = String(moment.index);
  slider.setAttribute("aria-valuetext", `${step}: ${moment.line.when}`);
  stepStatus.textContent = `${step} · ${moment.line.when}`;
  buttons.first.disabled = buttons.previous.disabled = moment.previous === null;
  buttons.next.disabled = buttons.last.disabled = moment.next === null;
  const when = document.getElementById("moment-when");
  when.textContent = moment.line.when;
  when.setAttribute("datetime", moment.at);
  document.getElementById("moment-channel").textContent = moment.line.channel_name ?? "–";
  document.getElementById("moment-position").textContent = String(moment.position);
  document.getElementById("moment-description").textContent = moment.line.description;
  const pin = document.getElementById("moment-pin");
  pin.hidden = !moment.pin;
  pin.textContent = moment.pin ? `${label("pinned")}: ${moment.pin.note}` : "";
  eventBox.dataset.position = String(moment.position);
  eventBox.dataset.type = moment.line.type;
  jumpAt.value = moment.at_local;
  board.replaceChildren(...renderMoment(moment.incident, moment.load));
  board.dataset.position = String(moment.position);
  board.setAttribute("aria-busy", "false");
  for (const row of document.querySelectorAll("tr.current")) row.classList.remove("current");
  document.querySelector(`#timeline tr[data-position="${moment.position}"]`)?.classList.add("current");
  history.replaceState(null, "", `#moment-${moment.position}`);
}

function step(index) {
  if (index !== null && index !== undefined) show(`index=${index}`);
}

buttons.first.addEventListener("click", () => step(0));
buttons.previous.addEventListener("click", () => step(current?.previous));
buttons.next.addEventListener("click", () => step(current?.next));
buttons.last.addEventListener("click", () => step(steps - 1));
slider.addEventListener("input", () => {
  clearTimeout(sliding);
  sliding = setTimeout(() => step(Number(slider.value)), 120);
});
jumpForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (jumpAt.value) show(`at=${encodeURIComponent(jumpAt.value)}`);
});

for (const button of document.querySelectorAll(".show-moment")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    await show(`position=${button.dataset.position}`);
    eventBox.setAttribute("tabindex", "-1");
    eventBox.focus();
    eventBox.scrollIntoView({ block: "start" });
  });
}

pinForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const note = document.getElementById("pin-note");
  if (current === null) return;
  const done = await call("POST", `/api/review/${incident}/pins`, { position: current.position, note: note.value });
  if (done) location.reload();
});

for (const button of document.querySelectorAll(".remove-pin")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const done = await call("POST", `/api/review/${incident}/pins/remove`, { position: Number(button.dataset.position) });
    if (done) location.reload();
  });
}

controls.hidden = false;
const linked = /^#moment-(\d+)$/.exec(location.hash);
show(linked ? `position=${linked[1]}` : "index=0");

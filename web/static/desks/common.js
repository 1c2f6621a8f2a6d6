// What every desk shares: the catalogue, DOM building with text nodes only
// (text from anyone is shown as text, never as markup), commands through the
// JSON API, the live incident over the board websocket, and lists that are
// re-rendered without losing the keyboard focus.

import { el, fill } from "../lib/dom.js";
import { follow as followBoard } from "../lib/live.js";
import { moment, text } from "../lib/texts.js";

export { el };

const catalogue = JSON.parse(document.getElementById("labels").textContent);
export const root = document.getElementById("desk");
export const incidentId = root?.dataset.incident || null;
export const me = root ? { id: root.dataset.me, name: root.dataset.name, role: root.dataset.role,
  department: root.dataset.department } : {};
export const publisher = me.role === "comms" || me.role === "editor";
const statusRegion = document.getElementById("status");
const noticeRegion = document.getElementById("notice");

export function t(key, params = {}) {
  return text(catalogue.ui, key, params);
}

// A resident's handle or text as the board has it: null once erased or removed.
export function personal(value) {
  return value ?? t("personal_data_removed");
}

// The channel's name from the registry (retired ones included), else its key.
export function channelName(key) {
  return catalogue.channels?.[key] ?? key;
}

export function warningText(warning) {
  return fill(catalogue.warnings[warning.code] ?? warning.code, warning.params ?? {});
}



export function when(iso) {
  return moment(iso);
}

// The answer goes where the eye is: under the form (or inside the open dialog)
// that has the focus, else to the regions at the top, which stay in view.
const home = statusRegion ? document.createComment("feedback") : null;
statusRegion?.before(home);

function placeRegions() {
  const form = document.activeElement?.closest?.("form");
  const spot = form && !form.matches("[role=search], .incident-pick") ? form : null;
  if (spot && statusRegion.parentNode !== spot) spot.append(statusRegion, noticeRegion);
  else if (!spot && home.nextSibling !== statusRegion) home.after(statusRegion, noticeRegion);
}

export function say(text) {
  noticeRegion.textContent = "";
  statusRegion.textContent = "";
  // A fresh text node each time, so a screen reader announces a repeat too;
  // placed after a dialog has closed and the focus is back where the person was.
  requestAnimationFrame(() => {
    placeRegions();
    statusRegion.textContent = text;
  });
}

export function complain(text) {
  statusRegion.textContent = "";
  placeRegions();
  noticeRegion.textContent = text;
}

// POST a command: {ok, answer}, where a refusal's answer.detail says why in words.
export async function send(path, body = {}) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "X-Requested-With": "crisis", "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({ detail: response.statusText }));
    return { ok: response.ok, answer };
  } catch {
    return { ok: false, answer: { detail: t("desk_offline") } };
  }
}

// POST a command. Answers the JSON body, or null after showing the refusal in words.
export async function post(path, body = {}) {
  const { ok, answer } = await send(path, body);
  if (!ok) {
    complain(answer.detail);
    return null;
  }
  return answer;
}

export async function get(path) {
  const response = await fetch(path, { headers: { "X-Requested-With": "crisis" } });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    complain(answer.detail ?? response.statusText);
    return null;
  }
  return response.json();
}

// The incident, live: the board snapshot, then each change merged in position
// order (see lib/live.js); onDoc gets the incident as it stands after each.
export function follow(onDoc) {
  const connection = document.getElementById("connection");
  const states = { connecting: "connecting", open: "connected", closed: "disconnected" };
  const live = followBoard({
    incident: incidentId,
    onState: (state) => {
      if (!connection) return;
      connection.dataset.state = state;
      connection.textContent = t(states[state]);
    },
    onUpdate: (incidents) => {
      const doc = incidents.get(incidentId);
      if (!doc) return;
      onDoc(doc);
      root.dataset.position = live.position;
      root.setAttribute("aria-busy", "false");
    },
  });
  root.setAttribute("aria-busy", "true");
}

// Render `entries` ([{key, sig, item}]) into `container`, reusing the node of
// every entry whose signature is unchanged and leaving it in place, so the
// focus stays where the person is. A replaced node gets the focus back on
// its element with the same data-action.
export function keyed(container, entries, render) {
  const active = document.activeElement;
  const focusKey = container.contains(active) ? active.closest("[data-key]")?.dataset.key : null;
  const focusAction = active?.dataset?.action;
  const old = new Map([...container.children].map((n) => [n.dataset.key, n]));
  const wanted = entries.map(({ key, sig, item }) => {
    const previous = old.get(key);
    if (previous && previous.dataset.sig === sig) return previous;
    const node = render(item);
    node.dataset.key = key;
    node.dataset.sig = sig;
    return node;
  });
  wanted.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] ?? null);
  });
  while (container.children.length > wanted.length) container.lastElementChild.remove();
  if (focusKey && !container.contains(document.activeElement)) {
    const node = [...container.children].find((n) => n.dataset.key === focusKey);
    const target = node && focusAction
      ? node.querySelector(`[data-action="${CSS.escape(focusAction)}"]`) : null;
    (target ?? node)?.focus?.();
  }
}

export function sig(...parts) {
  return JSON.stringify(parts);
}

// Checkboxes for the incident's approved facts, keeping what was ticked.
export function factPicker(container, incident, name) {
  const ticked = new Set([...container.querySelectorAll("input:checked")].map((i) => i.value));
  const facts = Object.values(incident.facts ?? {}).filter((f) => f.status === "approved");
  if (!facts.length) {
    container.replaceChildren(el("p", { class: "hint" }, t("desk_no_approved_facts")));
    return;
  }
  container.replaceChildren(...facts.map((fact) => {
    const id = `${name}-${fact.id}`;
    return el("div", { class: "check" },
      el("input", { type: "checkbox", id, name, value: fact.id, checked: ticked.has(fact.id) }),
      el("label", { for: id }, fact.text, " ",
        el("span", { class: "hint" }, `(${t("revision")} ${fact.revision})`)));
  }));
}

export function ticked(container) {
  return [...container.querySelectorAll("input:checked")].map((i) => i.value);
}

export function tick(container, ids) {
  const wanted = new Set(ids);
  for (const box of container.querySelectorAll("input[type=checkbox]")) box.checked = wanted.has(box.value);
}

// A <dialog> of the template, opened for one item. `onSubmit(form)` returns
// true when the command was accepted; then the dialog closes.
export function dialog(id, { setup, onSubmit }) {
  const box = document.getElementById(id);
  const form = box.querySelector("form");
  let opener = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return; // not `disabled`: keeps the focus
    form.setAttribute("aria-busy", "true");
    try {
      if (await onSubmit(form, box.dataset)) {
        box.close();
        form.reset();
      }
    } finally {
      form.setAttribute("aria-busy", "false");
    }
  });
  box.querySelector("[data-close]")?.addEventListener("click", () => box.close());
  box.addEventListener("close", () => {
    if (!opener) return;
    if (!opener.isConnected) {
      const key = opener.closest?.("[data-key]")?.dataset.key ?? opener.dataset.openerKey;
      const again = key && document.querySelector(
        `[data-key="${CSS.escape(key)}"] [data-action="${CSS.escape(opener.dataset.action ?? "")}"]`);
      opener = again ?? root;
    }
    opener.focus();
  });
  return (item, invoker) => {
    opener = invoker ?? document.activeElement;
    const key = opener?.closest?.("[data-key]")?.dataset.key;
    if (key) opener.dataset.openerKey = key;
    form.reset();
    setup?.(form, item, box);
    box.showModal();
  };
}

export function value(form, name) {
  return form.elements[name]?.value ?? "";
}

export function itemHeading(text) {
  return el("p", { class: "text" }, text);
}

export function badge(kind, state, text) {
  return el("span", { class: `badge ${kind}-${state}` }, text);
}

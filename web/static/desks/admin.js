// Admin: the channel registry (add, change, retire). The registry is read
// again after each change; its version guards against two admins at once.

import { dialog, el, get, post, say, t, value } from "./common.js";

const FIELDS = ["name", "role", "dialogue", "status", "owner", "editor", "counting", "max_chars",
  "max_segments", "advised_chars", "advice", "expectations"];
const NUMBERS = new Set(["max_chars", "max_segments", "advised_chars"]);
const body = document.querySelector("#channels tbody");
let registry = { version: null, channels: [] };

function read(form, name) {
  const field = form.elements[name];
  if (field.type === "checkbox") return field.checked;
  if (NUMBERS.has(name)) return field.value === "" ? null : Number(field.value);
  return field.value;
}

function fill(form, channel) {
  for (const name of FIELDS) {
    const field = form.elements[name];
    if (field.type === "checkbox") field.checked = channel[name];
    else field.value = channel[name] ?? "";
  }
}

function limits(c) {
  const parts = [t(`desk_counting_${c.counting}`)];
  if (c.max_chars) parts.push(t("desk_limit_max", { n: c.max_chars }));
  if (c.max_segments) parts.push(t("desk_limit_segments", { n: c.max_segments }));
  if (c.advised_chars) parts.push(t("desk_limit_advised", { n: c.advised_chars }));
  return parts.join(", ");
}

const change = dialog("dlg-channel", {
  setup: (form, channel, box) => {
    box.dataset.forKey = channel.key;
    fill(form, channel);
    form.elements.status.disabled = channel.canonical;
  },
  onSubmit: async (form, data) => {
    const channel = registry.channels.find((c) => c.key === data.forKey);
    const changes = {};
    for (const name of FIELDS) {
      if (form.elements[name].disabled) continue;
      const now = read(form, name);
      if (now !== (channel[name] ?? (NUMBERS.has(name) ? null : ""))) changes[name] = now;
    }
    const done = await post(`/api/channels/${data.forKey}/change`, { ...changes, version: registry.version });
    if (done) {
      say(t("desk_channel_changed", { channel: changes.name ?? channel.name }));
      await load();
    }
    return done;
  },
});

const retire = dialog("dlg-retire", {
  setup: (form, channel, box) => {
    box.dataset.forKey = channel.key;
    box.querySelector("[data-slot=current]").textContent = channel.name;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/channels/${data.forKey}/retire`, { reason: value(form, "reason"), version: registry.version });
    if (done) {
      say(t("desk_channel_retire_done"));
      await load();
    }
    return done;
  },
});

function row(c) {
  const named = (text, action, onclick) => el("button", {
    type: "button", class: "small", "data-action": action, "aria-label": `${text}: ${c.name}`, onclick,
  }, text);
  return el("tr", { "data-channel": c.key, "data-status": c.status, "data-key": c.key },
    el("th", { scope: "row" }, c.name, el("br"), el("code", {}, c.key)),
    el("td", {}, t(`desk_channel_${c.status}`), c.dialogue ? "" : ` (${t("desk_publishing_only")})`),
    el("td", {}, c.role),
    el("td", {}, limits(c)),
    el("td", {}, c.editor),
    el("td", {}, c.status === "retired" ? "" : [
      named(t("desk_change"), "change", (e) => change(c, e.currentTarget)),
      c.canonical ? null : [" ", named(t("desk_retire"), "retire", (e) => retire(c, e.currentTarget))],
    ]));
}

async function load() {
  const found = await get("/api/channels");
  if (!found) return;
  registry = found;
  body.replaceChildren(...registry.channels.map(row));
}

const add = document.getElementById("add-channel");
add.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = { key: value(add, "key") };
  for (const name of FIELDS) {
    const now = read(add, name);
    if (now !== "" && now !== null) fields[name] = now;
  }
  const done = await post("/api/channels", { ...fields, version: registry.version });
  if (done) {
    add.reset();
    say(t("desk_channel_added", { channel: fields.name }));
    await load();
  }
});

load();

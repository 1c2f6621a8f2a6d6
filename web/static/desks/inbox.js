// The comms inbox: an incident's inquiries, filtered; the selected one's
// history and every way to handle it; near-identical questions answered as
// a group; saved replies; keyboard shortcuts (listed on the page).

import {
  badge, channelName, complain, el, factPicker, follow, get, incidentId, keyed, me, personal, post, root, say, sig, t,
  tick, ticked, value, when,
} from "./common.js";

let incident = null;
let selected = null;
let lastIndex = 0;
let sla = new Map();
let handlers = [];

const queueList = document.getElementById("queue");
const filters = document.getElementById("filters");
const detail = document.getElementById("detail");
const actions = document.getElementById("actions");
const count = document.getElementById("count");

const forms = {
  answer: document.getElementById("answer-form"),
  holding: document.getElementById("holding-form"),
  triage: document.getElementById("triage-form"),
  assign: document.getElementById("assign-form"),
  refer: document.getElementById("refer-form"),
  escalate: document.getElementById("escalate-form"),
  moderate: document.getElementById("moderate-form"),
  archive: document.getElementById("archive-form"),
  redact: document.getElementById("redact-form"),
  erase: document.getElementById("erase-form"), // only for those who may erase
};
if (!forms.erase) delete forms.erase;

function inquiries() {
  return Object.values(incident?.inquiries ?? {});
}

function inquiry(id) {
  return incident?.inquiries?.[id] ?? null;
}

function slaState(item) {
  return sla.get(item.id)?.answer?.state ?? null;
}

function visible() {
  const f = Object.fromEntries(new FormData(filters));
  return inquiries().filter((i) => {
    if (f.status && i.status !== f.status) return false;
    if (f.channel && i.channel !== f.channel) return false;
    if (f.category === "none" ? i.category !== null : f.category && i.category !== f.category) return false;
    if (f.sla && slaState(i) !== f.sla) return false;
    const assignee = i.assigned_to?.id ?? null;
    if (f.assignee === "me" && assignee !== me.id) return false;
    if (f.assignee === "none" && assignee !== null) return false;
    if (f.assignee && !["me", "none"].includes(f.assignee) && assignee !== f.assignee) return false;
    return true;
  }).sort((a, b) => (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1)
    || (a.status === "open" ? a.priority - b.priority || a.received_at.localeCompare(b.received_at)
      : b.received_at.localeCompare(a.received_at)));
}

function queueItem(item) {
  const state = slaState(item);
  const label = `${personal(item.handle)}, ${channelName(item.channel)}`;
  return el("li", { "data-inquiry": item.id, "data-status": item.status },
    el("button", {
      type: "button", class: "select", "data-action": "select",
      "aria-current": item.id === selected ? "true" : null,
      onclick: () => select(item.id, true),
    },
    el("span", { class: "who" }, label, " · ", age(item)),
    el("span", { class: "text" }, personal(item.text)),
    el("span", { class: "badges" },
      item.status !== "open" ? badge("inquiry", item.status, t(`inquiry_status_${item.status}`)) : null,
      item.category ? badge("category", item.category, t(`category_${item.category}`))
        : badge("category", "none", t("desk_uncategorised")),
      state && item.status === "open" ? badge("sla", state, t(`sla_${state}`)) : null,
      item.assigned_to ? badge("assigned", "yes", `${t("desk_assignee")}: ${item.assigned_to.name}`) : null,
      item.escalation ? badge("sla", "at_risk", t("desk_escalated_short")) : null,
      item.holding_reply && item.status === "open" ? badge("holding", "sent", t("desk_holding_short")) : null,
      item.watch_match ? badge("watch", "match", t("watch_match", { phrase: item.watch_match })) : null,
      item.archive_worthy ? badge("archive", "yes", t("desk_archive_worthy_short")) : null,
      item.erased ? badge("privacy", "erased", t("desk_erased_short"))
        : item.redacted ? badge("privacy", "redacted", t("desk_redacted_short")) : null)));
}

// "12 min gammel · 48 min igjen": the row's age and the answer clock's time left.
function age(item) {
  const minutes = (iso) => Math.round((new Date(iso).getTime() - Date.now()) / 60000);
  const parts = [t("inbox_age", { d: short(-minutes(item.received_at)) })];
  const due = sla.get(item.id)?.answer?.due_at;
  if (due && item.status === "open") {
    const left = minutes(due);
    parts.push(left >= 0 ? t("inbox_left", { d: short(left) }) : t("inbox_over", { d: short(-left) }));
  }
  return el("time", { datetime: item.received_at, title: when(item.received_at) }, parts.join(" · "));
}

// A span in the units that never need a plural: "45 min", "3 t 5 min", "2 d 4 t".
function short(minutes) {
  const m = Math.max(0, minutes);
  if (m >= 1440) return t("span_days", { d: Math.floor(m / 1440), h: Math.floor((m % 1440) / 60) });
  if (m >= 60) return t("span_hours", { h: Math.floor(m / 60), m: m % 60 });
  return t("span_minutes", { m });
}

function renderQueue() {
  const items = visible();
  count.textContent = t("desk_count", { shown: items.length, total: inquiries().length });
  if (!items.length) {
    queueList.replaceChildren(el("li", { class: "empty" }, t("no_inquiries")));
    return;
  }
  if (queueList.querySelector(".empty")) queueList.replaceChildren();
  keyed(queueList, items.map((item) => ({
    key: item.id, sig: sig(item, slaState(item), item.id === selected), item,
  })), queueItem);
}

function line(term, ...description) {
  return [el("dt", {}, term), el("dd", {}, ...description)];
}

function renderDetail() {
  const item = inquiry(selected);
  if (!item) {
    detail.replaceChildren(el("p", { class: "hint" }, t("desk_pick_inquiry")));
    actions.hidden = true;
    return;
  }
  const clocks = sla.get(item.id);
  const rows = [
    line(t("desk_from"), `${personal(item.handle)}, ${channelName(item.channel)}`),
    line(t("desk_received"), when(item.received_at)),
    line(t("desk_category"), item.category ? t(`category_${item.category}`) : t("desk_uncategorised")),
    line(t("desk_filter_status"), t(`inquiry_status_${item.status}`)),
    line(t("desk_assignee"), item.assigned_to?.name ?? t("desk_unassigned")),
  ];
  if (clocks && item.status === "open") {
    rows.push(line(t("desk_sla"), `${t(`sla_${clocks.answer.state}`)} (${t("desk_due")} ${when(clocks.answer.due_at)})`));
  }
  if (item.watch_match) rows.push(line(t("watch_list"), t("watch_match", { phrase: item.watch_match })));
  if (item.holding_reply) rows.push(line(t("holding_reply"), item.holding_reply.text, signed(item.holding_reply)));
  if (item.answer) rows.push(line(t("desk_answer"), item.answer.text, signed(item.answer)));
  if (item.referral) {
    rows.push(line(t("desk_refer"), `${t("desk_refer_to")} ${item.referral.to}: `, item.referral.text,
      signed(item.referral)));
  }
  if (item.escalation) rows.push(line(t("desk_escalate"), item.escalation.reason, ` (${item.escalation.by})`));
  if (item.moderation) {
    rows.push(line(t("desk_moderate"), `${t(`desk_moderate_${item.moderation.action}`)}: `, item.moderation.reason,
      item.moderation.blocked ? ` (${t("desk_blocked")})` : ""));
  }
  if (item.archive_worthy) rows.push(line(t("desk_archive"), t("desk_archive_worthy_short"), item.archive_reason ? `: ${item.archive_reason}` : ""));
  if (item.redacted) rows.push(line(t("field_redacted"), item.redacted.reason, ` (${item.redacted.by}, ${when(item.redacted.at)})`));
  if (item.erased) {
    rows.push(line(t("field_erased"), t(`erasure_${item.erased.reason}`), item.erased.note ? `: ${item.erased.note}` : "",
      ` (${item.erased.by}, ${when(item.erased.at)})`));
  }
  detail.replaceChildren(
    el("blockquote", { class: "quote", "data-selected": item.id }, personal(item.text)),
    el("dl", { class: "facts-list" }, rows.flat()),
    samePerson(item));
  actions.hidden = false;
  for (const box of actions.querySelectorAll("details")) {
    box.hidden = item.status !== "open" && !("always" in box.dataset);
  }
  const privacy = actions.querySelector('details[data-form="privacy"]');
  if (privacy) privacy.hidden = Boolean(item.erased);
  if (forms.redact) forms.redact.hidden = Boolean(item.redacted);
}

// The same person's other inquiries in this incident (same handle on the same channel).
function samePerson(item) {
  if (!item.handle) return null;
  const others = inquiries().filter((i) => i.id !== item.id && i.handle === item.handle && i.channel === item.channel)
    .sort((a, b) => a.received_at.localeCompare(b.received_at));
  if (!others.length) return null;
  return el("section", { class: "same-person", "aria-label": t("inbox_same_person") },
    el("h3", { class: "small-heading" }, t("inbox_same_person"), ` (${others.length})`),
    el("ul", { class: "plain" }, others.map((other) => el("li", {},
      el("button", { type: "button", class: "linkish", onclick: () => select(other.id, true) },
        `${t(`inquiry_status_${other.status}`)} · ${when(other.received_at)}: `, personal(other.text).slice(0, 90))))));
}

function signed(reply) {
  return el("span", { class: "hint" }, ` (${reply.signature}, ${when(reply.at)})`);
}

function select(id, focusForm = false) {
  if (id !== selected) {
    for (const form of Object.values(forms)) form.reset();
    tick(document.getElementById("answer-facts"), []);
  }
  selected = id;
  const index = visible().findIndex((i) => i.id === id);
  if (index >= 0) lastIndex = index;
  const item = inquiry(id);
  if (item) {
    forms.archive.elements.worthy.checked = item.archive_worthy;
    forms.archive.elements.reason.value = item.archive_reason ?? "";
    if (item.category) forms.triage.elements.category.value = item.category;
  }
  renderQueue();
  renderDetail();
  if (focusForm) document.getElementById("h-detail").focus();
}

function move(step) {
  const items = visible();
  if (!items.length) return;
  const at = items.findIndex((i) => i.id === selected);
  const next = at < 0 ? Math.min(lastIndex, items.length - 1) : Math.max(0, Math.min(items.length - 1, at + step));
  select(items[next].id);
  queueList.querySelector(`[data-inquiry="${items[next].id}"] button`)?.focus();
}

function focusSelectedItem() {
  const button = queueList.querySelector(`[data-inquiry="${selected}"] button`);
  (button ?? queueList.querySelector("button"))?.focus();
}

// Commands on the selected inquiry.
async function act(path, body, message) {
  if (!selected) {
    complain(t("desk_pick_inquiry"));
    return null;
  }
  const done = await post(`/api/inquiries/${selected}/${path}`, body);
  if (done) say(message);
  return done;
}

function onSubmit(form, handler) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // Not `disabled`: that would throw the keyboard focus off the button.
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    try {
      if (await handler(form)) form.reset();
    } finally {
      form.setAttribute("aria-busy", "false");
    }
  });
}

// "Send og neste" (or Ctrl+Enter): answer, then open the next open inquiry with
// the cursor in its answer. A plain "Send svar" puts the focus back in the list.
let thenNext = false;
forms.answer.querySelector("[data-next]").addEventListener("click", () => { thenNext = true; });
forms.answer.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  thenNext = true;
  forms.answer.requestSubmit();
});

function nextOpen() {
  const items = visible();
  const at = items.findIndex((i) => i.id === selected);
  const after = [...items.slice(at + 1), ...items.slice(0, Math.max(at, 0))];
  return after.find((i) => i.status === "open" && i.id !== selected) ?? null;
}

onSubmit(forms.answer, async (f) => {
  const next = thenNext ? nextOpen() : null;
  const wanted = thenNext;
  thenNext = false;
  const done = await act("answer",
    { text: value(f, "text"), cites: ticked(document.getElementById("answer-facts")) }, t("desk_answered"));
  if (!done) return done;
  f.reset();
  if (wanted && next) {
    select(next.id);
    forms.answer.closest("details").open = true;
    document.getElementById("answer-text").focus();
    say(`${t("desk_answered")} ${t("inbox_next_opened")}`);
  } else {
    focusSelectedItem();
  }
  return done;
});
onSubmit(forms.holding, (f) => act("holding-reply", { text: value(f, "text") }, t("desk_holding_sent")));
onSubmit(forms.triage, (f) => act("triage", { category: value(f, "category") }, t("desk_triaged")));
onSubmit(forms.assign, (f) => act("assign", { assignee_id: value(f, "assignee") || null }, t("desk_assigned")));
onSubmit(forms.refer, (f) => act("refer", { to: value(f, "to"), reply: value(f, "reply") }, t("desk_referred")));
onSubmit(forms.escalate, (f) => act("escalate", { reason: value(f, "reason") }, t("desk_escalated")));
onSubmit(forms.moderate, (f) => act("moderate", {
  action: value(f, "action"), reason: value(f, "reason"),
  fake_profile: f.elements.fake_profile.checked, block: f.elements.block.checked,
}, t("desk_moderated")));
onSubmit(forms.redact, (f) => act("redact", { reason: value(f, "reason") }, t("desk_redacted")));
if (forms.erase) onSubmit(forms.erase, (f) => act("erase", { note: value(f, "note") }, t("desk_erased")));
forms.archive.addEventListener("submit", async (event) => {
  event.preventDefault();
  const f = forms.archive;
  await act("archive-worthy", { worthy: f.elements.worthy.checked, reason: value(f, "reason") },
    t("desk_archive_saved"));
});

// Saved replies: pick one to fill the answer; keep the current answer as one.
function stale(reply) {
  return reply.cites.some((c) => incident.facts?.[c.fact]?.revision !== c.revision
    || incident.facts?.[c.fact]?.status !== "approved");
}

function renderSavedReplies() {
  const replies = incident.saved_replies ?? [];
  for (const select of document.querySelectorAll("[data-saved-replies]")) {
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "" }, t("desk_none")),
      ...replies.map((r) => el("option", { value: r.id },
        stale(r) ? `${r.title} (${t("desk_reply_stale")})` : r.title)));
    select.value = replies.some((r) => r.id === chosen) ? chosen : "";
  }
  const list = document.getElementById("saved-replies");
  if (!replies.length) {
    list.replaceChildren(el("li", { class: "empty" }, t("desk_no_saved_replies")));
    return;
  }
  if (list.querySelector(".empty")) list.replaceChildren();
  keyed(list, replies.map((r) => ({ key: r.id, sig: sig(r, stale(r)), item: r })), (r) =>
    el("li", { class: "card", "data-reply": r.id },
      el("p", { class: "title" }, r.title),
      el("p", { class: "text" }, r.text),
      el("p", { class: "hint" }, `${r.by}, ${when(r.at)}`, stale(r) ? ` · ${t("desk_reply_stale")}` : ""),
      el("button", { type: "button", class: "secondary small", "data-action": "remove",
        "aria-label": `${t("desk_remove")}: ${r.title}`,
        onclick: async () => {
          if (await post(`/api/incidents/${incidentId}/saved-replies/remove`, { reply_id: r.id })) {
            say(t("desk_reply_removed"));
          }
        } }, t("desk_remove"))));
}

function useSavedReply(select, textarea, picker) {
  select.addEventListener("change", () => {
    const reply = (incident.saved_replies ?? []).find((r) => r.id === select.value);
    if (!reply) return;
    textarea.value = reply.text;
    tick(picker, reply.cites.map((c) => c.fact));
  });
}
useSavedReply(document.getElementById("answer-saved"), document.getElementById("answer-text"),
  document.getElementById("answer-facts"));
useSavedReply(document.getElementById("group-saved"), document.getElementById("group-text"),
  document.getElementById("group-facts"));

const saveReply = document.getElementById("save-reply-form");
saveReply.addEventListener("submit", async (event) => {
  event.preventDefault();
  const done = await post(`/api/incidents/${incidentId}/saved-replies`, {
    title: value(saveReply, "title"), text: document.getElementById("answer-text").value,
    cites: ticked(document.getElementById("answer-facts")),
  });
  if (done) {
    saveReply.reset();
    say(t("desk_reply_saved"));
  }
});

// Near-identical questions: the server groups them, staff confirm each member.
const groupsList = document.getElementById("groups");
const groupForm = document.getElementById("group-form");
const groupMembers = document.getElementById("group-members");

async function findGroups() {
  const found = await get(`/api/incidents/${incidentId}/inquiries/similar`);
  if (!found) return;
  const groups = found.groups.filter((ids) => ids.every((id) => inquiry(id)));
  groupsList.replaceChildren(...(groups.length ? groups.map((ids, n) => {
    const first = inquiry(ids[0]);
    return el("li", { class: "card", "data-group": n },
      el("p", { class: "title" }, t("desk_group_of", { n: ids.length })),
      el("ul", {}, ids.map((id) => el("li", { class: "text" }, personal(inquiry(id).text)))),
      el("button", { type: "button", "data-action": "answer-group",
        "aria-label": `${t("desk_answer_group")}: ${personal(first.text)}`,
        onclick: () => openGroup(ids) }, t("desk_answer_group")));
  }) : [el("li", { class: "empty" }, t("desk_no_groups"))]));
  say(t("desk_groups_found", { n: groups.length }));
}

function openGroup(ids) {
  groupForm.reset();
  groupMembers.replaceChildren(...ids.map((id) => {
    const item = inquiry(id);
    const box = `member-${id}`;
    return el("div", { class: "check" },
      el("input", { type: "checkbox", id: box, value: id, checked: true }),
      el("label", { for: box }, `${personal(item.handle)} (${channelName(item.channel)}): `, personal(item.text)));
  }));
  factPicker(document.getElementById("group-facts"), incident, "group-cites");
  groupForm.hidden = false;
  document.getElementById("h-group-form").focus();
}

document.getElementById("find-groups").addEventListener("click", findGroups);
groupForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const members = ticked(groupMembers);
  const done = await post("/api/inquiries/answer-group", {
    inquiries: members, text: value(groupForm, "text"), cites: ticked(document.getElementById("group-facts")),
  });
  if (done) {
    groupForm.hidden = true;
    groupsList.replaceChildren();
    say(t("desk_group_answered", { n: members.length }));
    document.getElementById("find-groups").focus();
  }
});

// Keyboard shortcuts; never while typing in a field (Esc goes back to the list).
const SHORTCUTS = { a: "answer", h: "holding", t: "triage", i: "assign", r: "refer", e: "escalate",
  d: "moderate", f: "archive", p: "privacy" };

function openForm(name) {
  if (!selected) {
    complain(t("desk_pick_inquiry"));
    return;
  }
  const box = actions.querySelector(`details[data-form="${name}"]`);
  if (!box || box.hidden) {
    complain(t("desk_inquiry_closed"));
    return;
  }
  box.open = true;
  (box.querySelector("textarea") ?? box.querySelector("select, input"))?.focus();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector("dialog[open]")) return;
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]");
  if (event.key === "Escape") {
    event.preventDefault();
    focusSelectedItem();
    return;
  }
  if (typing) return;
  if (event.key === "j") move(1);
  else if (event.key === "k") move(-1);
  else if (event.key === "g") findGroups();
  else if (event.key === "?") document.getElementById("h-shortcuts").focus();
  else if (SHORTCUTS[event.key]) openForm(SHORTCUTS[event.key]);
  else return;
  event.preventDefault();
});

filters.addEventListener("change", () => { renderQueue(); });

// SLA clocks depend on the time of reading: the server computes them.
let slaTimer = null;
async function refreshSla() {
  const queue = await get(`/api/incidents/${incidentId}/inquiries`);
  if (!queue) return;
  sla = new Map(queue.inquiries.map((i) => [i.id, i.sla]));
  renderQueue();
  renderDetail();
}
function soon() {
  clearTimeout(slaTimer);
  slaTimer = setTimeout(refreshSla, 200);
}

async function loadHandlers() {
  handlers = (await get("/api/handlers")) ?? [];
  const assign = document.getElementById("assign-to");
  assign.replaceChildren(...handlers.map((h) => el("option", { value: h.id, selected: h.id === me.id }, h.name)));
  const filter = document.getElementById("f-assignee");
  filter.append(...handlers.filter((h) => h.id !== me.id).map((h) => el("option", { value: h.id }, h.name)));
}

if (root && incidentId) {
  loadHandlers();
  follow((doc) => {
    incident = doc;
    factPicker(document.getElementById("answer-facts"), incident, "answer-cites");
    if (!groupForm.hidden) factPicker(document.getElementById("group-facts"), incident, "group-cites");
    renderSavedReplies();
    renderQueue();
    renderDetail();
    soon();
  });
  setInterval(refreshSla, 60000);
}

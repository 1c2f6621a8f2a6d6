// The fact desk: a department submits, verifies, corrects and withdraws its
// facts; comms approves them and records the follow-up of posts and answers
// that rested on an older revision. Each fact shows what cites it.

import {
  badge, channelName, dialog, el, follow, incidentId, keyed, me, personal, post, publisher, root, say, sig, t, value, when,
} from "./common.js";

let incident = null;
const list = document.getElementById("facts");

const correct = dialog("dlg-correct", {
  setup: (form, fact, box) => {
    box.dataset.forFact = fact.id;
    box.querySelector("[data-slot=current]").textContent = fact.text;
    form.elements.text.value = fact.text;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/facts/${data.forFact}/correct`,
      { text: value(form, "text"), reason: value(form, "reason") });
    if (done) say(t("desk_fact_corrected"));
    return done;
  },
});

const withdraw = dialog("dlg-withdraw", {
  setup: (form, fact, box) => {
    box.dataset.forFact = fact.id;
    box.querySelector("[data-slot=current]").textContent = fact.text;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/facts/${data.forFact}/withdraw`, { reason: value(form, "reason") });
    if (done) say(t("desk_fact_withdrawn"));
    return done;
  },
});

const followUp = dialog("dlg-follow-up", {
  setup: (form, { fact, item, label }, box) => {
    box.dataset.forFact = fact;
    box.dataset.forItem = item;
    box.querySelector("[data-slot=current]").textContent = label;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/facts/${data.forFact}/follow-up`,
      { item: data.forItem, note: value(form, "note") });
    if (done) say(t("desk_follow_up_recorded"));
    return done;
  },
});

async function act(path, message) {
  if (await post(path)) say(message);
}

function mine(fact) {
  return me.role === "department" && fact.department === me.department;
}

function button(text, action, fact, onclick) {
  return el("button", { type: "button", "data-action": action, "aria-label": `${text}: ${fact.text}`, onclick },
    text);
}

function actions(fact) {
  const buttons = [];
  if (mine(fact) && fact.status === "submitted") {
    buttons.push(button(t("verify"), "verify", fact,
      () => act(`/api/facts/${fact.id}/verify`, t("desk_fact_verified"))));
  }
  if (publisher && fact.status === "verified") {
    buttons.push(button(t("approve"), "approve", fact,
      () => act(`/api/facts/${fact.id}/approve`, t("desk_fact_approved"))));
  }
  if (mine(fact) && fact.status !== "withdrawn") {
    buttons.push(button(t("desk_correct"), "correct", fact, (e) => correct(fact, e.currentTarget)));
    buttons.push(button(t("desk_withdraw"), "withdraw", fact, (e) => withdraw(fact, e.currentTarget)));
  }
  return buttons.length ? el("p", { class: "buttons" }, buttons) : null;
}

// Posts and answers that cite the fact, each with the revision it rests on.
function citers(fact) {
  const found = [];
  for (const p of Object.values(incident.posts ?? {})) {
    const cite = (p.cites ?? []).find((c) => c.fact === fact.id);
    if (cite) found.push({ item: p, cite, label: `${t("desk_post_on")} ${channelName(p.channel)}: ${p.text}`,
      state: t(`status_${p.status}`) });
  }
  for (const i of Object.values(incident.inquiries ?? {})) {
    const cite = (i.cites ?? []).find((c) => c.fact === fact.id);
    // A department sees no resident (see projections/board/audience.py): no handle to name.
    const label = "handle" in i ? t("desk_answer_to", { handle: personal(i.handle), channel: channelName(i.channel) })
      : t("desk_answer_to_inquiry", { channel: channelName(i.channel) });
    if (cite) found.push({ item: i, cite, label,
      state: t(`inquiry_status_${i.status}`) });
  }
  return found;
}

function citedBy(fact) {
  const found = citers(fact);
  if (!found.length) return el("p", { class: "hint" }, t("desk_not_cited"));
  return el("ul", { class: "citers" }, found.map(({ item, cite, label, state }) => {
    // The incident's follow-up list leaves out settled items (a retracted post).
    const pending = (incident.follow_up ?? []).find((f) => f.item === item.id && f.fact === fact.id);
    const done = (item.followed_up ?? []).filter((f) => f.fact === fact.id);
    return el("li", { "data-item": item.id },
      el("span", { class: "text" }, label), " ",
      el("span", { class: "hint" }, `(${state}; ${t("desk_cites_revision", { revision: cite.revision })})`),
      pending ? el("span", {},
        " ", badge("need", "follow-up", t("desk_needs_follow_up", { change: t(`desk_change_${pending.change}`) })),
        publisher ? el("button", { type: "button", class: "small", "data-action": `follow-${item.id}`,
          onclick: (e) => followUp({ fact: fact.id, item: item.id, label }, e.currentTarget) },
        t("desk_record_follow_up")) : null) : null,
      done.map((f) => el("span", { class: "hint" }, ` ${t("desk_followed_up_by", { name: f.by, note: f.note })}`)));
  }));
}

function history(fact) {
  return el("details", {},
    el("summary", {}, `${t("history")} (${fact.history.length})`),
    el("ol", { class: "history" }, fact.history.map((h) => el("li", {},
      el("span", {}, `${t("revision")} ${h.revision}, ${t(`desk_change_${h.change}`)} ${t("desk_by")} ${h.by}, ${when(h.at)}`),
      h.reason ? el("span", {}, `. ${t("desk_reason")}: `, h.reason) : null,
      el("p", { class: "text" }, h.text)))));
}

function factCard(fact) {
  const by = [`${t("desk_submitted_by")} ${fact.submitted_by}`];
  if (fact.verified_by) by.push(`${t("verified_by")} ${fact.verified_by}`);
  if (fact.approved_by) by.push(`${t("approved_by")} ${fact.approved_by}`);
  const heading = `fact-${fact.id}`;
  return el("li", { class: "card", "data-fact": fact.id, "data-status": fact.status, "aria-labelledby": heading },
    el("p", { class: "text", id: heading }, fact.text),
    el("p", { class: "meta-line" },
      badge("status", fact.status, t(`status_${fact.status}`)),
      ` ${t("revision")} ${fact.revision} · ${by.join(", ")}`),
    actions(fact),
    el("h3", { class: "small-heading" }, t("desk_cited_by")),
    citedBy(fact),
    history(fact));
}

function render() {
  const facts = Object.values(incident.facts ?? {})
    .sort((a, b) => (a.status === "withdrawn") - (b.status === "withdrawn")
      || b.updated_at.localeCompare(a.updated_at));
  if (!facts.length) {
    list.replaceChildren(el("li", { class: "empty" }, t("no_facts")));
    return;
  }
  if (list.querySelector(".empty")) list.replaceChildren();
  keyed(list, facts.map((fact) => ({
    key: fact.id,
    sig: sig(fact, incident.follow_up,
      citers(fact).map(({ item }) => [item.id, item.status, item.followed_up])),
    item: fact,
  })), factCard);
}

const submit = document.getElementById("submit-fact");
submit?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const done = await post(`/api/incidents/${incidentId}/facts`,
    { text: value(submit, "text"), verify: submit.elements.verify.checked });
  if (done) {
    submit.reset();
    say(t("desk_fact_submitted"));
  }
});

if (root && incidentId) {
  follow((doc) => { incident = doc; render(); });
}

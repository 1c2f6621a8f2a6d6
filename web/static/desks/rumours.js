// The rumour desk: record where a rumour was seen, add sightings, assess it
// against the facts, record the published post or answer that corrected it,
// close it with a resolution; edit the watch list that flags inquiries.

import {
  badge, channelName, dialog, el, follow, incidentId, keyed, personal, post, root, say, sig, t, value, when,
} from "./common.js";

let incident = null;
const list = document.getElementById("rumours");

function facts(cites) {
  return (cites ?? []).map((c) => incident.facts?.[c.fact]?.text).filter(Boolean).join(" · ");
}

function withinDialog(box, rumour) {
  box.dataset.forRumour = rumour.id;
  box.querySelector("[data-slot=current]").textContent = rumour.claim;
}

const sight = dialog("dlg-sight", {
  setup: (form, { rumour, inquiry }, box) => {
    withinDialog(box, rumour);
    const options = Object.values(incident.inquiries ?? {})
      .filter((i) => !i.rumour || i.id === inquiry)
      .map((i) => el("option", { value: i.id, selected: i.id === inquiry }, `${personal(i.handle)} (${channelName(i.channel)}): ${personal(i.text).slice(0, 80)}`));
    form.elements.inquiry_id.replaceChildren(el("option", { value: "" }, t("desk_none")), ...options);
    if (inquiry) form.elements.channel.value = incident.inquiries[inquiry].channel;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/rumours/${data.forRumour}/sightings`, {
      channel: value(form, "channel"), where: value(form, "where"),
      reach: Number(value(form, "reach") || 0), inquiry_id: value(form, "inquiry_id") || null,
    });
    if (done) say(t("desk_sighting_added"));
    return done;
  },
});

const assess = dialog("dlg-assess", {
  setup: (form, rumour, box) => {
    withinDialog(box, rumour);
    form.elements.assessment.value = rumour.assessment;
  },
  onSubmit: async (form, data) => {
    const done = await post(`/api/rumours/${data.forRumour}/assess`,
      { assessment: value(form, "assessment"), note: value(form, "note") });
    if (done) say(t("desk_rumour_assessed"));
    return done;
  },
});

// What can correct a rumour: a published post, or an answered inquiry, of this incident.
function sources() {
  const posts = Object.values(incident.posts ?? {}).filter((p) => p.status === "published");
  const answers = Object.values(incident.inquiries ?? {}).filter((i) => i.status === "answered");
  return [
    ...posts.map((p) => ({ key: `post:${p.id}`, group: "posts", label: `${channelName(p.channel)}: ${p.text.slice(0, 80)}`, cites: p.cites })),
    ...answers.map((i) => ({ key: `inquiry:${i.id}`, group: "answers", label: `${personal(i.handle)}: ${i.answer.text.slice(0, 80)}`, cites: i.cites })),
  ];
}

const correct = dialog("dlg-correct", {
  setup: (form, rumour, box) => {
    withinDialog(box, rumour);
    const found = sources();
    const group = (name, label) => {
      const items = found.filter((s) => s.group === name);
      return items.length ? el("optgroup", { label }, items.map((s) => el("option", { value: s.key }, s.label))) : null;
    };
    const select = form.elements.source;
    select.replaceChildren(el("option", { value: "" }, t("desk_choose")),
      group("posts", t("desk_published_posts")), group("answers", t("desk_answered_inquiries")));
    const cites = box.querySelector("#correct-cites");
    cites.textContent = "";
    select.onchange = () => {
      const source = found.find((s) => s.key === select.value);
      cites.textContent = source ? `${t("desk_cites")}: ${facts(source.cites) || t("desk_none")}` : "";
    };
  },
  onSubmit: async (form, data) => {
    const [via, id] = value(form, "source").split(":");
    const done = await post(`/api/rumours/${data.forRumour}/correct`,
      via === "post" ? { post_id: id } : { inquiry_id: id });
    if (done) say(t("desk_rumour_corrected"));
    return done;
  },
});

const close = dialog("dlg-close", {
  setup: (form, rumour, box) => withinDialog(box, rumour),
  onSubmit: async (form, data) => {
    const done = await post(`/api/rumours/${data.forRumour}/close`, { resolution: value(form, "resolution") });
    if (done) say(t("desk_rumour_close_done"));
    return done;
  },
});

function correctionText(c) {
  const item = c.via === "post" ? incident.posts?.[c.ref] : incident.inquiries?.[c.ref];
  const text = c.via === "post" ? item?.text : item?.answer?.text;
  return `${t(c.via === "post" ? "desk_via_post" : "desk_via_answer")} ${when(c.at)} (${c.by}): ${(text ?? "").slice(0, 100)}`;
}

function rumourCard(r) {
  const named = (text, action, onclick) => el("button", {
    type: "button", "data-action": action, "aria-label": `${text}: ${r.claim}`, onclick,
  }, text);
  const open = r.status === "open";
  return el("li", { class: "card", "data-rumour": r.id, "data-status": r.status, "data-assessment": r.assessment },
    el("p", { class: "text" }, r.claim),
    el("p", { class: "meta-line" },
      badge("rumour", r.status, t(`desk_rumour_${r.status}`)), " ",
      badge("assessment", r.assessment, t(`assessment_${r.assessment}`)),
      ` ${t("rumour_reach")}: ${r.reach.toLocaleString()} · ${t("rumour_first_seen")}: ${when(r.first_seen_at)}`,
      r.minutes_to_correction !== null ? ` · ${t("rumour_minutes_to_correction")}: ${r.minutes_to_correction}` : ""),
    r.assessment_note ? el("p", { class: "hint" }, `${t("desk_note")}: `, r.assessment_note) : null,
    el("details", {},
      el("summary", {}, `${t("rumour_sightings")} (${r.sightings.length})`),
      el("ul", {}, r.sightings.map((s) => el("li", {},
        `${channelName(s.channel)}${s.where ? `, ${s.where}` : ""}: ${s.reach.toLocaleString()} · ${when(s.at)} (${s.by})`)))),
    r.corrections.length ? el("ul", { class: "corrections" }, r.corrections.map((c) =>
      el("li", {}, correctionText(c), facts(c.cites) ? el("span", { class: "hint" }, ` ${t("desk_cites")}: ${facts(c.cites)}`) : null))) : null,
    r.resolution ? el("p", {}, `${t("desk_resolution")}: `, r.resolution) : null,
    open ? el("p", { class: "buttons" },
      named(t("desk_add_sighting"), "sight", (e) => sight({ rumour: r }, e.currentTarget)),
      named(t("desk_assess"), "assess", (e) => assess(r, e.currentTarget)),
      el("a", { class: "button-link", href: `/incidents/${incidentId}/compose?rumour=${r.id}`, "data-action": "write",
        "aria-label": `${t("rumour_write_correction")}: ${r.claim}` }, t("rumour_write_correction")),
      named(t("desk_correct_rumour"), "correct", (e) => correct(r, e.currentTarget)),
      named(t("desk_close"), "close", (e) => close(r, e.currentTarget))) : null);
}

function renderRumours() {
  const rumours = Object.values(incident.rumours ?? {})
    .sort((a, b) => (a.status === "closed") - (b.status === "closed") || b.reach - a.reach
      || a.first_seen_at.localeCompare(b.first_seen_at));
  if (!rumours.length) {
    list.replaceChildren(el("li", { class: "empty" }, t("no_rumours")));
    return;
  }
  if (list.querySelector(".empty")) list.replaceChildren();
  keyed(list, rumours.map((r) => ({
    key: r.id,
    sig: sig(r, r.corrections.map((c) => facts(c.cites))),
    item: r,
  })), rumourCard);
}

function renderWatchList() {
  const phrases = incident.watch_list ?? [];
  const watch = document.getElementById("watch-list");
  if (!phrases.length) {
    watch.replaceChildren(el("li", { class: "empty" }, t("desk_watch_empty")));
  } else {
    if (watch.querySelector(".empty")) watch.replaceChildren();
    keyed(watch, phrases.map((p) => ({ key: p, sig: p, item: p })), (phrase) => el("li", {},
      el("span", {}, phrase), " ",
      el("button", { type: "button", class: "small secondary", "data-action": "remove",
        "aria-label": `${t("desk_remove")}: ${phrase}`,
        onclick: async () => {
          if (await post(`/api/incidents/${incidentId}/watch-list/remove`, { phrase })) {
            say(t("desk_phrase_removed", { phrase }));
          }
        } }, t("desk_remove"))));
  }
  const flagged = Object.values(incident.inquiries ?? {}).filter((i) => i.watch_match && !i.rumour);
  const openRumours = Object.values(incident.rumours ?? {}).filter((r) => r.status === "open");
  const box = document.getElementById("flagged");
  if (!flagged.length) {
    box.replaceChildren(el("li", { class: "empty" }, t("desk_no_flagged")));
    return;
  }
  if (box.querySelector(".empty")) box.replaceChildren();
  keyed(box, flagged.map((i) => ({ key: i.id, sig: sig(i, openRumours.map((r) => r.id)), item: i })), (i) =>
    el("li", { class: "card", "data-inquiry": i.id },
      el("p", { class: "text" }, personal(i.text)),
      el("p", { class: "hint" }, `${personal(i.handle)} (${channelName(i.channel)}) · `, t("watch_match", { phrase: i.watch_match })),
      openRumours.length ? el("p", { class: "buttons" }, openRumours.map((r) => el("button", {
        type: "button", class: "small", "data-action": `sight-${r.id}`,
        "aria-label": `${t("desk_sighting_of")}: ${r.claim}`,
        onclick: (e) => sight({ rumour: r, inquiry: i.id }, e.currentTarget),
      }, `${t("desk_sighting_of")}: ${r.claim.slice(0, 40)}`))) : null));
}

function onSubmit(form, handler) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await handler(form)) form.reset();
  });
}

onSubmit(document.getElementById("record-form"), async (f) => {
  const done = await post(`/api/incidents/${incidentId}/rumours`, {
    claim: value(f, "claim"), channel: value(f, "channel"), where: value(f, "where"),
    reach: Number(value(f, "reach") || 0),
  });
  if (done) say(t("desk_rumour_recorded"));
  return done;
});

onSubmit(document.getElementById("watch-form"), async (f) => {
  const phrase = value(f, "phrase");
  const done = await post(`/api/incidents/${incidentId}/watch-list`, { phrase });
  if (done) say(t("desk_phrase_added", { phrase }));
  return done;
});

if (root && incidentId) {
  follow((doc) => {
    incident = doc;
    renderRumours();
    renderWatchList();
  });
}

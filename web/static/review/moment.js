// The board of one incident as it stood at a moment: the same doc shapes as the
// live board, rendered with text nodes only.

import { channelName, el, label } from "./dom.js";

function list(items, empty) {
  return items.length ? el("ul", { class: "items" }, ...items) : el("p", {}, label(empty));
}

function status(kind, value) {
  return el("span", { class: `status status-${value}` }, label(`${kind}_${value}`, value));
}

function meta(incident) {
  const item = (key, value) => el("li", {}, `${label(key)}: `, el("strong", {}, value));
  const crisis = incident.crisis_mode ? `${label("crisis_mode")} (${incident.sla_minutes} min)` : null;
  return el("ul", { class: "meta" },
    item("phase", label(`phase_${incident.phase}`, incident.phase)),
    item("severity", label(`severity_${incident.severity}`, incident.severity)),
    item("areas", incident.areas.join(", ")),
    item("department", incident.department_name),
    crisis && el("li", {}, el("strong", {}, crisis)),
    incident.four_eyes && el("li", {}, el("strong", {}, label("four_eyes"))));
}

function facts(incident) {
  return Object.values(incident.facts ?? {}).map((fact) =>
    el("li", { "data-fact": fact.id, "data-status": fact.status },
      el("p", { class: "text" }, fact.text),
      status("status", fact.status),
      el("span", { class: "by" }, `${label("revision")} ${fact.revision}`)));
}

function posts(incident) {
  return Object.values(incident.posts ?? {})
    .sort((a, b) => a.updated_at.localeCompare(b.updated_at))
    .map((post) =>
      el("li", { "data-post": post.id, "data-status": post.status },
        el("span", { class: "channel" }, channelName(post.channel)),
        status("status", post.status),
        el("p", { class: "text" }, post.text)));
}

function rumours(incident) {
  return Object.values(incident.rumours ?? {}).map((rumour) => {
    const corrected = rumour.minutes_to_correction === null ? null
      : `${label("rumour_minutes_to_correction")}: ${rumour.minutes_to_correction} min`;
    return el("li", { "data-rumour": rumour.id, "data-status": rumour.status },
      el("p", { class: "text" }, rumour.claim),
      status("assessment", rumour.assessment),
      el("span", { class: "by" }, `${label("rumour_reach")}: ${rumour.reach}`),
      corrected && el("span", { class: "by" }, ` · ${corrected}`));
  });
}

function load(perChannel) {
  const columns = ["load_backlog", "load_at_risk", "load_breached", "load_answered",
    "load_referred", "load_moderated"];
  const fields = ["backlog", "at_risk", "breached", "answered", "referred", "moderated"];
  const rows = Object.entries(perChannel);
  if (!rows.length) return el("p", {}, label("no_inquiries"));
  return el("table", { class: "load" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, label("channel")),
      ...columns.map((key) => el("th", { scope: "col" }, label(key))))),
    el("tbody", {}, ...rows.map(([channel, counts]) =>
      el("tr", { "data-channel": channel },
        el("th", { scope: "row" }, channelName(channel)),
        ...fields.map((field) => el("td", {}, String(counts[field])))))));
}

export function renderMoment(incident, perChannel) {
  if (!incident) return [el("p", {}, label("moment_not_opened"))];
  const followUp = incident.follow_up?.length
    ? el("p", {}, `${label("follow_up")}: ${incident.follow_up.length}`) : null;
  return [
    el("h3", {}, incident.title),
    meta(incident),
    followUp,
    el("div", { class: "columns" },
      el("div", {}, el("h4", {}, label("facts")), list(facts(incident), "no_facts")),
      el("div", {}, el("h4", {}, label("posts")), list(posts(incident), "no_posts")),
      el("div", {}, el("h4", {}, label("rumours")), list(rumours(incident), "moment_no_rumours")),
      el("div", {}, el("h4", {}, label("moment_load")), load(perChannel))),
  ].filter(Boolean);
}



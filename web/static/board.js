// The live board: a websocket feed of board changes, rendered with DOM text
// nodes only (never innerHTML), so text from anyone is shown as text.
//
// The load per channel comes with each change (the incident's `load` part: each
// channel's figures as of the change that last moved them); as time passes
// (inquiries in the last 15 minutes, at risk, breached) the server's
// GET /api/incidents/{id}/load is asked every 30 seconds, never after each
// change, so those rules are written once, on the server.

import { el, fill } from "./lib/dom.js";
import { answer, feedbackFor, keptFeedback, send } from "./lib/feedback.js";
import { follow } from "./lib/live.js";

import { moment, text } from "./lib/texts.js";

const catalogue = JSON.parse(document.getElementById("labels").textContent);
const labels = catalogue.ui;
const warningTexts = catalogue.warnings ?? {};
const channelNames = JSON.parse(document.getElementById("channels").textContent);
const overview = document.getElementById("overview");
const root = document.getElementById("board");
const connection = document.getElementById("connection");
const role = root.dataset.role;
const department = root.dataset.department;
const locale = document.documentElement.lang === "nb" ? "nb-NO" : "en-GB";

const FACT_ORDER = ["submitted", "verified", "approved", "withdrawn"];
const POST_ORDER = ["draft", "approved", "published", "retracted", "discarded"];
const PENDING_FACTS = new Set(["submitted", "verified"]);
const LOAD_FIELDS = ["received_15m", "received_60m", "backlog", "oldest_waiting", "at_risk", "breached",
  "answered", "referred", "moderated"];
const SHOWN_INQUIRIES = 8; // the rest are counted, not listed: the desk has the full queue
const REFRESH_MS = 30000;

let incidents = new Map();
const loads = new Map(); // incident id -> the server's load response, as of its `now`
let live = null;

function label(key) {
  return labels[key] ?? key;
}

// The load of an incident: the latest the server gave, with each channel the
// changes moved since (their figures are as of that change).
function loadOf(incident) {
  const fetched = loads.get(incident.id);
  const moved = Object.values(incident.load ?? {})
    .filter((row) => !fetched || new Date(row.as_of) > new Date(fetched.now));
  if (!fetched && !moved.length) return null;
  const channels = { ...(fetched?.channels ?? {}) };
  let now = fetched?.now ?? moved[0].as_of;
  for (const row of moved) {
    channels[row.channel] = row;
    if (new Date(row.as_of) > new Date(now)) now = row.as_of;
  }
  return { ...fetched, now, channels };
}

function say(key, values) {
  return text(labels, key, values);
}

function channelName(key) {
  return channelNames[key] ?? key;
}

function number(n) {
  return Number(n).toLocaleString(locale);
}

// ---- time ----------------------------------------------------------------

function when(iso) {
  return moment(iso);
}

function span(minutes) {
  const whole = Math.max(0, Math.round(minutes));
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  if (days) return say("duration_days", { d: days, h: hours });
  if (hours) return say("duration_hours", { h: hours, m: whole % 60 });
  return say("duration_minutes", { m: whole });
}

function since(iso) {
  return span(Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
}

// A time shown as "how long ago"; the timer below keeps it current without re-rendering.
function ago(iso, template = "ago") {
  return el("time", { class: "ago", datetime: iso, "data-template": template, title: when(iso) },
    say(template, { d: since(iso) }));
}

function refreshTimes() {
  for (const node of document.querySelectorAll("time.ago")) {
    node.textContent = say(node.dataset.template, { d: since(node.getAttribute("datetime")) });
  }
}

// ---- actions -------------------------------------------------------------

// A command from a button on an item: its answer is said beside the item's
// buttons (`key` names the item), where the eye is, not at the top of the page.
async function act(path, key, done) {
  const region = feedbackFor(key);
  const { ok, answer: body } = await send(path, {}, label("desk_offline"));
  answer(region, ok, ok ? label(done) : body.detail ?? label("desk_offline"));
}

function actionButton(text, path, what, key, done) {
  return el("button", { type: "button", "aria-label": `${text}: ${what}`, onclick: () => act(path, key, done) }, text);
}

// The item's buttons and, below them, its feedback region (kept across re-renders).
function actionsOf(key, actions) {
  const region = actions.length ? feedbackFor(key) : keptFeedback(key);
  return [...actions, region];
}

// ---- pieces --------------------------------------------------------------

function badge(kind, value, text) {
  return el("span", { class: `badge ${kind}-${value}` }, text);
}

function tag(kind, text) {
  return el("span", { class: `tag tag-${kind}`, "data-tag": kind }, text);
}

function count(n) {
  return el("span", { class: "count" }, String(n));
}

function empty(key) {
  return el("p", { class: "empty" }, label(key));
}

// A line saying why something happened: "Reason: ... (by, 5 min ago)".
function why(field, key, record) {
  return el("p", { class: "why", "data-field": field }, `${label(key)}: `, record.reason,
    el("span", { class: "by" }, ` – ${record.by}, `, ago(record.at)));
}

function grouped(items, key, order) {
  const groups = new Map(order.map((value) => [value, []]));
  for (const item of items) {
    if (!groups.has(item[key])) groups.set(item[key], []);
    groups.get(item[key]).push(item);
  }
  return [...groups].filter(([, members]) => members.length);
}

function panel(key, title, n, ...body) {
  const id = `${key}-${Math.random().toString(36).slice(2)}`;
  return el("section", { class: `panel panel-${key}`, "data-section": key, "aria-labelledby": id },
    el("h3", { id }, title, n === null ? null : count(n)), ...body);
}

function short(text, length = 90) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

// The text of any item of the incident, for "who is working on what" and follow-up.
function itemText(incident, id) {
  for (const part of ["facts", "posts", "rumours", "inquiries"]) {
    const item = incident[part]?.[id];
    if (item) return item.text ?? item.claim ?? null;
  }
  return null;
}

// ---- facts ---------------------------------------------------------------

function factHistory(fact) {
  return el("details", { class: "history" },
    el("summary", {}, label("board_history"), count(fact.history.length)),
    el("ol", {}, fact.history.map((step) => el("li", { "data-change": step.change },
      el("span", { class: "by" }, `${say("fact_revision", { n: step.revision })} · `,
        `${label(`fact_change_${step.change}`)} · ${step.by}, `, ago(step.at)),
      el("p", { class: "text" }, step.text),
      step.reason ? el("p", { class: "why" }, step.reason) : null))));
}

function factItem(incident, fact) {
  const actions = [];
  if (fact.status === "verified" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("approve"), `/api/facts/${fact.id}/approve`, fact.text,
      `fact:${fact.id}`, "desk_fact_approved"));
  }
  if (fact.status === "submitted" && role === "department" && department === incident.department) {
    actions.push(actionButton(label("verify"), `/api/facts/${fact.id}/verify`, fact.text,
      `fact:${fact.id}`, "desk_fact_verified"));
  }
  const by = [];
  if (fact.submitted_by) by.push(`${label("submitted_by")} ${fact.submitted_by}`);
  if (fact.verified_by) by.push(`${label("verified_by")} ${fact.verified_by}`);
  if (fact.approved_by) by.push(`${label("approved_by")} ${fact.approved_by}`);
  const history = fact.history ?? [];
  const correction = history.filter((step) => step.change === "corrected").at(-1);
  const withdrawal = fact.status === "withdrawn" ? history.at(-1) : null;
  return el("li", { "data-fact": fact.id, "data-status": fact.status, "data-revision": fact.revision },
    el("p", { class: "text" }, fact.text),
    fact.revision > 1 ? tag("corrected", say("fact_corrected", { n: fact.revision })) : null,
    correction ? why("correction", "correction_reason", correction) : null,
    withdrawal ? why("withdrawal", "withdrawal_reason", withdrawal) : null,
    el("span", { class: "by" }, by.join(", ")),
    history.length > 1 ? factHistory(fact) : null,
    ...actionsOf(`fact:${fact.id}`, actions));
}

function factsPanel(incident) {
  const facts = Object.values(incident.facts ?? {});
  const groups = grouped(facts, "status", FACT_ORDER).map(([status, members]) =>
    el("div", { class: "group", "data-group": status },
      el("h4", {}, label(`facts_${status}`), count(members.length)),
      el("ul", { class: "items" }, members.map((fact) => factItem(incident, fact)))));
  return panel("facts", label("facts"), facts.length, groups.length ? groups : empty("no_facts"));
}

// ---- follow-up after a fact changed ---------------------------------------

function followUpItem(incident, entry) {
  const item = incident[entry.part]?.[entry.item] ?? {};
  const fact = incident.facts?.[entry.fact];
  const what = entry.part === "inquiries"
    ? say("follow_up_answer", { handle: item.handle ?? "", channel: channelName(item.channel) })
    : say("follow_up_post", { channel: channelName(item.channel) });
  const text = entry.part === "inquiries" ? item.answer?.text ?? item.text : item.text;
  const change = entry.change === "withdrawn"
    ? label("follow_up_withdrawn")
    : say("follow_up_corrected", { cited: entry.revision, current: entry.current });
  return el("li", { "data-follow-up": entry.item, "data-change": entry.change },
    el("strong", {}, what), " ", entry.part === "posts" ? el("a", { href: `#post-${entry.item}` }, label("show")) : null,
    text ? el("p", { class: "text" }, text) : null,
    el("p", { class: "why" }, change, " ", fact ? el("q", {}, short(fact.text)) : null),
    entry.reason ? el("p", { class: "why", "data-field": "reason" }, `${label("because")}: `, entry.reason) : null,
    el("span", { class: "by" }, ago(entry.at)));
}

function followUpPanel(incident) {
  const entries = incident.follow_up ?? [];
  return panel("follow_up", label("section_follow_up"), entries.length,
    entries.length ? el("ul", { class: "items" }, entries.map((entry) => followUpItem(incident, entry)))
      : empty("no_follow_up"));
}

// ---- posts ---------------------------------------------------------------

function postLink(incident, id, key) {
  const other = incident.posts?.[id];
  const status = other ? label(`status_${other.status}`) : "";
  return el("p", { class: "link" }, el("a", { href: `#post-${id}`, "data-link": key },
    say(key, { status })), other ? el("q", { class: "about" }, short(other.text)) : null);
}

function postItem(incident, post) {
  const actions = [];
  if (post.status === "draft" && role === "editor") {
    actions.push(actionButton(label("approve"), `/api/posts/${post.id}/approve`, post.text,
      `post:${post.id}`, "desk_post_approved"));
  }
  if (post.status === "approved" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("publish"), `/api/posts/${post.id}/publish`, post.text,
      `post:${post.id}`, "desk_post_published"));
  }
  const by = [`${label("drafted_by")} ${post.drafted_by}`];
  if (post.approved_by) by.push(`${label("approved_by")} ${post.approved_by}`);
  return el("li", { id: `post-${post.id}`, "data-post": post.id, "data-status": post.status },
    el("span", { class: `status status-${post.status}` }, label(`posts_${post.status}`)),
    post.corrects ? tag("apology", label("apology")) : null,
    (incident.follow_up ?? []).some((entry) => entry.item === post.id) ? tag("follow-up", label("needs_follow_up")) : null,
    post.published_at ? ago(post.published_at, "published_ago") : null,
    el("p", { class: "text" }, post.text),
    (post.warnings ?? []).length ? el("ul", { class: "warnings" }, post.warnings.map((warning) =>
      el("li", { "data-warning": warning.code }, fill(warningTexts[warning.code] ?? warning.code,
        warning.params ?? {})))) : null,
    post.retracted ? why("retracted", "retracted_because", post.retracted) : null,
    post.corrected_by ? postLink(incident, post.corrected_by, "apology_link") : null,
    post.corrects ? postLink(incident, post.corrects, "corrects_link") : null,
    post.discarded ? why("discarded", "discarded_because", post.discarded) : null,
    el("span", { class: "by" }, by.join(", ")),
    ...actionsOf(`post:${post.id}`, actions));
}

function postsPanel(incident) {
  const posts = Object.values(incident.posts ?? {});
  const keys = [...new Set(posts.map((post) => post.channel))]
    .sort((a, b) => (b === "website") - (a === "website") || channelName(a).localeCompare(channelName(b)));
  const channels = grouped(posts, "channel", keys).map(([channel, members]) => {
    const byStatus = grouped(members, "status", POST_ORDER);
    return el("div", { class: "group", "data-channel": channel },
      el("h4", {}, channelName(channel)),
      el("p", { class: "tally" }, byStatus.map(([status, of]) =>
        el("span", { class: `status status-${status}`, "data-tally": status },
          `${label(`posts_${status}`)}: ${of.length}`))),
      el("ul", { class: "items" }, byStatus.flatMap(([, of]) => of.map((post) => postItem(incident, post)))));
  });
  return panel("posts", label("posts_per_channel"), posts.length, channels.length ? channels : empty("no_posts"));
}

// ---- rumours ---------------------------------------------------------------

function correctionTime(rumour) {
  if (rumour.minutes_to_correction === null || rumour.minutes_to_correction === undefined) {
    return tag("uncorrected", label("not_corrected"));
  }
  return tag("corrected-in", say("corrected_after", { d: span(rumour.minutes_to_correction) }));
}

function rumourItem(rumour) {
  const where = [channelName(rumour.channel), rumour.where].filter(Boolean).join(" · ");
  return el("li", { "data-rumour": rumour.id, "data-status": rumour.status },
    el("p", { class: "text" }, rumour.claim),
    badge("assessment", rumour.assessment, label(`assessment_${rumour.assessment}`)),
    correctionTime(rumour),
    el("p", { class: "fields" },
      el("span", { "data-field": "reach" }, say("reach", { n: number(rumour.reach) })),
      el("span", { "data-field": "first_seen" }, ago(rumour.first_seen_at, "first_seen_ago")),
      el("span", { "data-field": "where" }, where),
      el("span", { "data-field": "sightings" }, say("sightings", { n: rumour.sightings.length }))),
    rumour.assessment_note ? el("p", { class: "why", "data-field": "assessment_note" }, rumour.assessment_note) : null,
    rumour.resolution ? el("p", { class: "why", "data-field": "resolution" },
      `${label("resolution")}: `, rumour.resolution) : null);
}

// Open rumours, the widest reach first, then the oldest (as the desk lists them).
function byReachThenAge(a, b) {
  return b.reach - a.reach || a.first_seen_at.localeCompare(b.first_seen_at);
}

function rumoursPanel(incident) {
  const rumours = Object.values(incident.rumours ?? {});
  const open = rumours.filter((r) => r.status === "open").sort(byReachThenAge);
  const closed = rumours.filter((r) => r.status !== "open").sort((a, b) => b.closed_at.localeCompare(a.closed_at));
  const watched = incident.watch_list ?? [];
  return panel("rumours", label("section_rumours"), open.length,
    open.length ? el("ul", { class: "items" }, open.map(rumourItem)) : empty("no_rumours"),
    closed.length ? el("details", { class: "closed" },
      el("summary", {}, label("closed_rumours"), count(closed.length)),
      el("ul", { class: "items" }, closed.map(rumourItem))) : null,
    el("p", { class: "fields", "data-field": "watch_list" }, `${label("watch_list")}: `,
      watched.length ? watched.join(", ") : label("nothing_watched")));
}

// ---- inquiries -------------------------------------------------------------

function loadCell(key, row) {
  if (key === "oldest_waiting") {
    return el("td", { "data-cell": key, "data-label": label("load_oldest_waiting") },
      row.oldest_waiting_minutes === null ? "–" : span(row.oldest_waiting_minutes));
  }
  const alarm = (key === "at_risk" || key === "breached") && row[key] > 0;
  return el("td", { "data-cell": key, "data-label": label(`load_${key}`), class: alarm ? `alarm alarm-${key}` : null },
    number(row[key]));
}

function loadTable(incident) {
  const load = loadOf(incident);
  if (!load) return el("p", { class: "empty" }, label("fetching"));
  const rows = Object.entries(load.channels)
    .sort(([a], [b]) => channelName(a).localeCompare(channelName(b)));
  if (!rows.length) return empty("no_load");
  return el("table", { class: "figures load" },
    el("caption", {}, label("load"), " ", el("span", { class: "by" }, say("as_of", { t: when(load.now) }))),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, label("channel")),
      LOAD_FIELDS.map((key) => el("th", { scope: "col" }, label(`load_${key}`))))),
    el("tbody", {}, rows.map(([channel, row]) => el("tr", { "data-row": channel },
      el("th", { scope: "row" }, channelName(channel)), LOAD_FIELDS.map((key) => loadCell(key, row))))));
}

function inquiryItem(inquiry) {
  return el("li", { "data-inquiry": inquiry.id, "data-status": inquiry.status },
    el("p", { class: "text" }, inquiry.text),
    el("p", { class: "fields" },
      inquiry.category ? tag(`category-${inquiry.category}`, label(`category_${inquiry.category}`))
        : tag("untriaged", label("untriaged")),
      inquiry.watch_match ? tag("watch", say("watch_match", { phrase: inquiry.watch_match })) : null,
      inquiry.escalation ? tag("escalated", label("escalated")) : null,
      inquiry.holding_reply ? tag("holding", label("holding_reply_sent")) : null,
      inquiry.archive_worthy ? tag("archive", label("archive_worthy")) : null,
      el("span", { "data-field": "handle" }, inquiry.handle),
      el("span", { "data-field": "channel" }, channelName(inquiry.channel)),
      el("span", { "data-field": "waiting" }, ago(inquiry.received_at, "waiting_for")),
      el("span", { "data-field": "assigned_to" },
        inquiry.assigned_to ? say("assigned_to", { name: inquiry.assigned_to.name }) : label("unassigned"))),
    inquiry.escalation ? why("escalation", "escalated_because", inquiry.escalation) : null);
}

function inquiriesPanel(incident) {
  const inquiries = Object.values(incident.inquiries ?? {});
  // The desk's order: photo removal requests first, then the oldest.
  const open = inquiries.filter((i) => i.status === "open")
    .sort((a, b) => a.priority - b.priority || a.received_at.localeCompare(b.received_at));
  const rest = open.length - SHOWN_INQUIRIES;
  return panel("inquiries", label("section_inquiries"), open.length,
    el("div", { class: "load-box", "data-load": incident.id }, loadTable(incident)),
    el("h4", {}, label("open_inquiries")),
    open.length ? el("ul", { class: "items" }, open.slice(0, SHOWN_INQUIRIES).map(inquiryItem)) : empty("no_inquiries"),
    rest > 0 ? el("p", { class: "empty" }, say("more_inquiries", { n: rest })) : null);
}

// ---- who is working on what ---------------------------------------------

function workingPanel(incident) {
  const people = new Map(Object.entries(incident.working ?? {}).map(([id, who]) => [id, { ...who, assigned: [] }]));
  for (const inquiry of Object.values(incident.inquiries ?? {})) {
    const person = inquiry.assigned_to;
    if (inquiry.status !== "open" || !person) continue;
    if (!people.has(person.id)) people.set(person.id, { name: person.name, assigned: [] });
    people.get(person.id).assigned.push(inquiry);
  }
  const sorted = [...people.values()].sort((a, b) => (b.at ?? "").localeCompare(a.at ?? ""));
  return panel("working", label("section_working"), null, sorted.length ? el("ul", { class: "items" },
    sorted.map((who) => {
      const about = who.item ? itemText(incident, who.item) : null;
      return el("li", { "data-person": who.name },
        el("strong", {}, who.name), " ",
        who.role ? el("span", { class: "by" }, label(`role_${who.role}`)) : null, " ",
        who.did ? el("span", {}, label(`did_${who.did}`)) : null,
        about ? el("q", { class: "about" }, short(about)) : null,
        who.at ? [" ", ago(who.at)] : null,
        who.actions ? el("span", { class: "by" }, ` · ${say("actions_count", { n: who.actions })}`) : null,
        who.assigned.length ? el("p", { class: "assigned", "data-field": "assigned" },
          say("handles_inquiries", { n: who.assigned.length }), " ",
          who.assigned.map((inquiry) => el("q", { class: "about" }, short(inquiry.text, 60)))) : null);
    })) : empty("nobody_yet"));
}

// ---- an incident ---------------------------------------------------------

function crisisMode(incident) {
  return incident.crisis_mode
    ? badge("crisis", "on", say("crisis_mode_target", { m: incident.sla_minutes }))
    : null;
}

function target(incident) {
  if (incident.crisis_mode) return say("sla_crisis", { m: incident.sla_minutes });
  const load = loads.get(incident.id);
  return load?.target_minutes ? say("sla_normal", { h: Math.round(load.target_minutes / 60) }) : label("normal_service");
}

const isClosed = (incident) => incident.phase === "closed";

// A closed incident comes by its header only (see README, "The board websocket"):
// what it was and when it closed, and the way to its review.
function closedSection(incident, headingId) {
  const closing = (incident.phases ?? []).findLast((p) => p.phase === "closed");
  return el("section", { class: "incident closed", id: `detail-${incident.id}`, "aria-labelledby": headingId,
    "data-incident": incident.id },
    el("header", { class: "incident-head" },
      el("h2", { id: headingId }, el("a", { href: `/incidents/${incident.id}` }, incident.title)),
      badge("phase", incident.phase, label(`phase_${incident.phase}`))),
    el("ul", { class: "meta" },
      el("li", {}, `${label("department")}: `, el("strong", {}, incident.department_name ?? incident.department)),
      el("li", {}, `${label("opened")}: `, el("strong", {}, when(incident.opened_at))),
      closing ? el("li", {}, `${label("closed_on")}: `, el("strong", {}, when(closing.at))) : null,
      el("li", {}, el("a", { href: `/review/${incident.id}` }, label("to_review")))));
}

function incidentSection(incident) {
  const headingId = `incident-${incident.id}`;
  if (isClosed(incident)) return closedSection(incident, headingId);
  const supporting = (incident.supporting ?? []).map((d) => d.name).join(", ");
  return el("section", { class: "incident", id: `detail-${incident.id}`, "aria-labelledby": headingId,
    "data-incident": incident.id },
    el("header", { class: "incident-head" },
      el("h2", { id: headingId }, el("a", { href: `/incidents/${incident.id}` }, incident.title)),
      badge("phase", incident.phase, label(`phase_${incident.phase}`)),
      badge("severity", incident.severity, label(`severity_${incident.severity}`)),
      crisisMode(incident),
      incident.four_eyes ? badge("four-eyes", "on", label("four_eyes")) : null),
    el("ul", { class: "meta" },
      el("li", {}, `${label("areas")}: `, el("strong", {}, (incident.areas ?? []).join(", "))),
      el("li", {}, `${label("department")}: `, el("strong", {}, incident.department_name ?? incident.department)),
      supporting ? el("li", {}, `${label("supporting")}: `, el("strong", {}, supporting)) : null,
      el("li", { "data-field": "target" }, `${label("answer_target")}: `, el("strong", {}, target(incident))),
      el("li", {}, `${label("opened")}: `, el("strong", {}, when(incident.opened_at)), " (",
        ago(incident.opened_at, "open_for"), ")")),
    el("div", { class: "panels" },
      factsPanel(incident), postsPanel(incident), followUpPanel(incident),
      rumoursPanel(incident), inquiriesPanel(incident), workingPanel(incident)));
}

// ---- all incidents at a glance ------------------------------------------

function backlog(incident) {
  const load = loadOf(incident);
  if (!load) return ["–"];
  const rows = Object.values(load.channels);
  const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
  const breached = sum("breached");
  return breached ? [String(sum("backlog")), " ", tag("breached", say("n_breached", { n: breached }))]
    : [String(sum("backlog"))];
}

function overviewRow(incident) {
  const facts = Object.values(incident.facts ?? {});
  const posts = Object.values(incident.posts ?? {});
  const rumours = Object.values(incident.rumours ?? {});
  const counted = (key, n) => el("td", { "data-cell": key }, isClosed(incident) ? "–" : String(n));
  const cell = (key, ...content) => el("td", { "data-cell": key }, ...content);
  return el("tr", { "data-overview": incident.id },
    el("th", { scope: "row" }, el("a", { href: `#detail-${incident.id}` }, incident.title)),
    cell("phase", badge("phase", incident.phase, label(`phase_${incident.phase}`))),
    cell("severity", badge("severity", incident.severity, label(`severity_${incident.severity}`))),
    cell("crisis_mode", crisisMode(incident) ?? label("normal_service")),
    cell("open_for", ago(incident.opened_at, "duration")),
    counted("pending_facts", facts.filter((f) => PENDING_FACTS.has(f.status)).length),
    counted("follow_up", (incident.follow_up ?? []).length),
    counted("awaiting_approval", posts.filter((p) => p.status === "draft").length),
    counted("published", posts.filter((p) => p.status === "published").length),
    counted("open_rumours", rumours.filter((r) => r.status === "open").length),
    isClosed(incident) ? counted("backlog") : cell("backlog", ...backlog(incident)));
}

function renderOverview(sorted) {
  const heads = ["incident", "phase", "severity", "mode", "open_for_heading", "pending_facts",
    "follow_up_heading", "awaiting_approval", "published_posts", "open_rumours", "backlog_heading"];
  overview.replaceChildren(
    el("h2", { id: "overview-heading" }, label("overview")),
    sorted.length
      ? el("table", { class: "overview", "aria-labelledby": "overview-heading" },
        el("thead", {}, el("tr", {}, heads.map((key) => el("th", { scope: "col" }, label(key))))),
        el("tbody", {}, sorted.map(overviewRow)))
      : empty("no_incidents"));
  overview.setAttribute("aria-busy", "false");
}

// ---- state ---------------------------------------------------------------

// Incidents in crisis mode first, closed ones last, the newest first within each.
function sortedIncidents() {
  const rank = (incident) => (incident.phase === "closed" ? 2 : incident.crisis_mode ? 0 : 1);
  return [...incidents.values()].sort((a, b) => rank(a) - rank(b) || b.opened_at.localeCompare(a.opened_at));
}

// Re-render what changed: the overview, and the sections of the incidents given
// (all when none), so a button someone is about to press elsewhere keeps its focus.
function render(changed = null) {
  const sorted = sortedIncidents();
  renderOverview(sorted);
  const existing = new Map([...root.querySelectorAll(":scope > section.incident")]
    .map((node) => [node.dataset.incident, node]));
  const sections = sorted.map((incident) => {
    const old = existing.get(incident.id);
    if (old && changed && !changed.has(incident.id)) return old;
    const fresh = incidentSection(incident);
    if (old) old.replaceWith(fresh);
    return fresh;
  });
  const order = sections.map((node) => node.dataset.incident).join();
  const current = [...root.children].map((node) => node.dataset.incident).join();
  if (order !== current) root.replaceChildren(...sections);
  root.dataset.position = live.position;
  root.setAttribute("aria-busy", "false");
  document.dispatchEvent(new CustomEvent("board:render", { detail: { incidents: sorted, changed } }));
}

// The load as of now, from the server; only its table, the target and the backlog cell
// are redrawn, so nothing else moves under someone's pointer every 30 seconds.
async function fetchLoad(id) {
  let load;
  try {
    const response = await fetch(`/api/incidents/${encodeURIComponent(id)}/load`,
      { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    load = await response.json();
  } catch {
    return; // offline: the next change or tick asks again
  }
  const known = loads.get(id);
  if (known && known.position > load.position) return;
  loads.set(id, load);
  document.dispatchEvent(new CustomEvent("board:load", { detail: { id, load } }));
  const incident = incidents.get(id);
  if (!incident) return;
  const section = root.querySelector(`[data-incident="${CSS.escape(id)}"]`);
  section?.querySelector("[data-load]")?.replaceChildren(loadTable(incident));
  section?.querySelector("[data-field='target'] strong")?.replaceChildren(target(incident));
  overview.querySelector(`[data-overview="${CSS.escape(id)}"] [data-cell='backlog']`)
    ?.replaceChildren(...backlog(incident));
}

function fetchLoads() {
  for (const incident of incidents.values()) if (!isClosed(incident)) fetchLoad(incident.id);
}

function update(current, changed) {
  incidents = current;
  render(changed);
  if (changed === null) fetchLoads(); // a whole new board: its load as of now
}

function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
  document.body.dataset.connection = state;
}

const STATES = { connecting: "connecting", open: "connected", closed: "disconnected" };

setInterval(() => {
  refreshTimes();
  fetchLoads();
}, REFRESH_MS);
live = follow({ incident: root.dataset.incident || null, onUpdate: update, onState: (state) => setConnection(state, label(STATES[state])) });

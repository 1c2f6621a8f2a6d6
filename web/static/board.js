// The live board: a websocket feed of board changes, rendered with DOM text
// nodes only, so text from anyone is shown as text and never as markup.

const labels = JSON.parse(document.getElementById("labels").textContent);
const overview = document.getElementById("overview");
const root = document.getElementById("board");
const connection = document.getElementById("connection");
const notice = document.getElementById("notice");
const role = root.dataset.role;
const department = root.dataset.department;
const locale = document.documentElement.lang === "nb" ? "nb-NO" : "en-GB";

const FACT_ORDER = ["submitted", "verified", "approved", "corrected", "withdrawn"];
const POST_ORDER = ["draft", "approved", "published", "retracted"];
const PENDING_FACTS = new Set(["submitted", "verified"]);
// Parts other concepts add to an incident: each is shown when present, in this order.
// Any other part that holds a list or object is shown after them, generically.
const SECTIONS = ["rumours", "inquiries", "follow_up"];
const KNOWN = new Set(["id", "kind", "title", "areas", "department", "department_name", "severity",
  "phase", "opened_at", "opened_by", "position", "updated_at", "facts", "posts", "working",
  "crisis_mode"]);

const incidents = new Map();
let position = null;
let retryDelay = 500;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function label(key, fallback) {
  return labels[key] ?? fallback ?? key;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// ---- time ----------------------------------------------------------------

function when(iso) {
  return new Date(iso).toLocaleString(locale, { dateStyle: "short", timeStyle: "short" });
}

function duration(iso) {
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  // The same texts as the review's durations (one definition in the catalogue).
  if (days) return fill(label("duration_days"), { days, hours });
  if (hours) return fill(label("duration_hours"), { hours, minutes: minutes % 60 });
  return fill(label("duration_minutes"), { minutes });
}

// A time shown as "how long ago"; the timer below keeps it current without re-rendering.
function ago(iso, template = "ago") {
  return el("time", { class: "ago", datetime: iso, "data-template": template, title: when(iso) },
    fill(label(template), { d: duration(iso) }));
}

function refreshTimes() {
  for (const node of document.querySelectorAll("time.ago")) {
    node.textContent = fill(label(node.dataset.template), { d: duration(node.getAttribute("datetime")) });
  }
}

// ---- actions -------------------------------------------------------------

async function act(path) {
  notice.textContent = "";
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-Requested-With": "crisis", "Content-Type": "application/json" },
    body: "{}",
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    notice.textContent = body.detail ?? response.statusText;
  }
}

function actionButton(text, path, what) {
  return el("button", { type: "button", "aria-label": `${text}: ${what}`, onclick: () => act(path) }, text);
}

// ---- pieces --------------------------------------------------------------

function badge(kind, value, text) {
  return el("span", { class: `badge ${kind}-${value}` }, text);
}

function count(n) {
  return el("span", { class: "count" }, String(n));
}

function grouped(items, key, order) {
  const groups = new Map(order.map((status) => [status, []]));
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

// ---- facts ---------------------------------------------------------------

function factItem(incident, fact) {
  const actions = [];
  if (fact.status === "verified" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("approve"), `/api/facts/${fact.id}/approve`, fact.text));
  }
  if (fact.status === "submitted" && role === "department" && department === incident.department) {
    actions.push(actionButton(label("verify"), `/api/facts/${fact.id}/verify`, fact.text));
  }
  const by = [];
  if (fact.submitted_by) by.push(`${label("submitted_by")} ${fact.submitted_by}`);
  if (fact.verified_by) by.push(`${label("verified_by")} ${fact.verified_by}`);
  if (fact.approved_by) by.push(`${label("approved_by")} ${fact.approved_by}`);
  return el("li", { "data-fact": fact.id, "data-status": fact.status },
    el("p", { class: "text" }, fact.text),
    fact.revision > 1 ? el("span", { class: "by" }, fill(label("revision"), { n: fact.revision })) : null,
    el("span", { class: "by" }, by.join(", ")),
    ...actions);
}

function factsPanel(incident) {
  const facts = Object.values(incident.facts ?? {});
  const groups = grouped(facts, "status", FACT_ORDER).map(([status, members]) =>
    el("div", { class: "group", "data-group": status },
      el("h4", {}, label(`facts_${status}`, label(`status_${status}`, status)), count(members.length)),
      el("ul", { class: "items" }, members.map((fact) => factItem(incident, fact)))));
  return panel("facts", label("facts"), facts.length,
    groups.length ? groups : el("p", { class: "empty" }, label("no_facts")));
}

// ---- posts ---------------------------------------------------------------

function postItem(post) {
  const actions = [];
  if (post.status === "draft" && role === "editor") {
    actions.push(actionButton(label("approve"), `/api/posts/${post.id}/approve`, post.text));
  }
  if (post.status === "approved" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("publish"), `/api/posts/${post.id}/publish`, post.text));
  }
  return el("li", { "data-post": post.id, "data-status": post.status },
    el("span", { class: `status status-${post.status}` },
      label(`posts_${post.status}`, label(`status_${post.status}`, post.status))),
    post.published_at ? ago(post.published_at, "published_ago") : null,
    el("p", { class: "text" }, post.text),
    ...actions);
}

function postsPanel(incident) {
  const posts = Object.values(incident.posts ?? {});
  const channels = grouped(posts, "channel", ["website"]).map(([channel, members]) => {
    const byStatus = grouped(members, "status", POST_ORDER);
    return el("div", { class: "group", "data-channel": channel },
      el("h4", {}, label(`channel_${channel}`, channel)),
      el("p", { class: "tally" }, byStatus.map(([status, of]) =>
        el("span", { class: `status status-${status}`, "data-tally": status },
          `${label(`posts_${status}`, status)}: ${of.length}`))),
      el("ul", { class: "items" }, byStatus.flatMap(([, of]) => of.map(postItem))));
  });
  return panel("posts", label("posts_per_channel"), posts.length,
    channels.length ? channels : el("p", { class: "empty" }, label("no_posts")));
}

// ---- who is working on what ---------------------------------------------

function itemText(incident, id) {
  for (const part of Object.values(incident)) {
    if (part && typeof part === "object" && !Array.isArray(part) && part[id]) {
      const item = part[id];
      return item.text ?? item.title ?? item.summary ?? null;
    }
  }
  return null;
}

function workingPanel(incident) {
  const people = Object.values(incident.working ?? {}).sort((a, b) => b.at.localeCompare(a.at));
  if (!people.length) return null;
  return panel("working", label("section_working"), null,
    el("ul", { class: "items" }, people.map((who) => {
      const about = who.item ? itemText(incident, who.item) : null;
      return el("li", { "data-person": who.name },
        el("strong", {}, who.name), " ",
        el("span", { class: "by" }, label(`role_${who.role}`, who.role ?? "")), " ",
        el("span", {}, label(`did_${who.did}`, who.did)),
        about ? el("q", { class: "about" }, about.length > 90 ? `${about.slice(0, 89)}…` : about) : null,
        " ", ago(who.at),
        el("span", { class: "by" }, ` · ${fill(label("actions_count"), { n: who.actions })}`));
    })));
}

// ---- parts other concepts add (rumours, inquiries, follow-up, ...) ------

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const MAIN_TEXT = ["text", "title", "summary", "name"];

function scalar(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return label(value ? "yes" : "no");
  if (typeof value === "number") return value.toLocaleString(locale);
  if (typeof value === "string" && ISO.test(value)) return ago(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== "object" || v === null)) {
    return value.join(", ");
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// A resident's handle and words: null once erased or removed (shown as such).
const PERSONAL = new Set(["handle", "text", "external_id"]);

function shown(key, value) {
  return value === null && PERSONAL.has(key) ? label("personal_data_removed") : scalar(value);
}

function fields(object, skip) {
  return Object.entries(object)
    .filter(([key]) => !skip.has(key))
    .map(([key, value]) => el("span", { class: "field", "data-field": key },
      `${label(`field_${key}`, key)}: `, shown(key, value)));
}

function genericItems(items) {
  const skip = new Set(["id", "status", ...MAIN_TEXT]);
  return el("ul", { class: "items" }, items.map((item) => {
    const text = item.text === null && (item.erased || item.redacted) ? label("personal_data_removed")
      : MAIN_TEXT.map((key) => item[key]).find((v) => typeof v === "string");
    return el("li", { "data-item": item.id, "data-status": item.status },
      text !== undefined ? el("p", { class: "text" }, text) : null,
      item.status ? el("span", { class: `status status-${item.status}` },
        label(`status_${item.status}`, item.status)) : null,
      el("span", { class: "fields" }, fields(item, skip)));
  }));
}

function genericTable(rows) {
  const columns = [...new Set(rows.flatMap(([, row]) => Object.keys(row)))];
  return el("table", { class: "figures" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, ""),
      columns.map((c) => el("th", { scope: "col" }, label(`field_${c}`, c))))),
    el("tbody", {}, rows.map(([key, row]) => el("tr", { "data-row": key },
      el("th", { scope: "row" }, label(`channel_${key}`, key)),
      columns.map((c) => el("td", {}, scalar(row[c])))))));
}

function genericBody(value) {
  if (Array.isArray(value)) {
    return value.every((v) => v && typeof v === "object") ? genericItems(value) : el("p", {}, scalar(value));
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (!entries.length) return el("p", { class: "empty" }, label("nothing_yet"));
    if (entries.every(([, v]) => v && typeof v === "object" && !Array.isArray(v))) {
      // Items keyed by id (rumours, follow-ups), or figures keyed by name (load per channel).
      return entries.some(([, v]) => "id" in v) ? genericItems(entries.map(([, v]) => v)) : genericTable(entries);
    }
    return el("p", { class: "fields" }, fields(value, new Set()));
  }
  return el("p", {}, scalar(value));
}

function optionalPanels(incident) {
  const extra = Object.keys(incident)
    .filter((key) => !KNOWN.has(key) && !SECTIONS.includes(key))
    .filter((key) => incident[key] && typeof incident[key] === "object");
  // A list that is empty (nothing to follow up) is no section of its own.
  const present = (key) => key in incident && !(Array.isArray(incident[key]) && !incident[key].length);
  return [...SECTIONS.filter(present), ...extra].map((key) => {
    const value = incident[key];
    const n = value && typeof value === "object" && Object.values(value).some((v) => v && v.id)
      ? Object.keys(value).length : null;
    return panel(key, label(`section_${key}`, key), n, genericBody(value));
  });
}

// ---- an incident ---------------------------------------------------------

function crisisMode(incident) {
  return incident.crisis_mode ? badge("crisis", "on", label("crisis_mode")) : null;
}

function incidentSection(incident) {
  const headingId = `incident-${incident.id}`;
  return el("section", { class: "incident", id: `detail-${incident.id}`, "aria-labelledby": headingId,
    "data-incident": incident.id },
    el("header", { class: "incident-head" },
      el("h2", { id: headingId }, incident.title),
      badge("phase", incident.phase, label(`phase_${incident.phase}`, incident.phase)),
      badge("severity", incident.severity, label(`severity_${incident.severity}`, incident.severity)),
      crisisMode(incident)),
    el("ul", { class: "meta" },
      el("li", {}, `${label("areas")}: `, el("strong", {}, (incident.areas ?? []).join(", "))),
      el("li", {}, `${label("department")}: `, el("strong", {}, incident.department_name ?? incident.department)),
      el("li", {}, `${label("opened")}: `, el("strong", {}, when(incident.opened_at)), " (",
        ago(incident.opened_at, "open_for"), ")")),
    el("div", { class: "panels" },
      factsPanel(incident), postsPanel(incident), ...optionalPanels(incident), workingPanel(incident)));
}

// ---- all incidents at a glance ------------------------------------------

function overviewRow(incident, withCrisisMode) {
  const facts = Object.values(incident.facts ?? {});
  const posts = Object.values(incident.posts ?? {});
  const cell = (key, ...content) => el("td", { "data-cell": key }, ...content);
  return el("tr", { "data-overview": incident.id },
    el("th", { scope: "row" }, el("a", { href: `#detail-${incident.id}` }, incident.title)),
    cell("phase", badge("phase", incident.phase, label(`phase_${incident.phase}`, incident.phase))),
    cell("severity", badge("severity", incident.severity, label(`severity_${incident.severity}`, incident.severity))),
    withCrisisMode ? cell("crisis_mode", incident.crisis_mode ? crisisMode(incident) : "–") : null,
    cell("open_for", ago(incident.opened_at, "duration")),
    cell("pending_facts", String(facts.filter((f) => PENDING_FACTS.has(f.status)).length)),
    cell("awaiting_approval", String(posts.filter((p) => p.status === "draft").length)),
    cell("published", String(posts.filter((p) => p.status === "published").length)));
}

function renderOverview(sorted) {
  const withCrisisMode = sorted.some((incident) => incident.crisis_mode);  // a column only when it says something
  const heads = ["incident", "phase", "severity", withCrisisMode ? "crisis_mode" : null, "open_for_heading",
    "pending_facts", "awaiting_approval", "published_posts"].filter(Boolean);
  overview.replaceChildren(
    el("h2", { id: "overview-heading" }, label("overview")),
    sorted.length
      ? el("table", { class: "overview", "aria-labelledby": "overview-heading" },
        el("thead", {}, el("tr", {}, heads.map((key) => el("th", { scope: "col" }, label(key))))),
        el("tbody", {}, sorted.map((incident) => overviewRow(incident, withCrisisMode))))
      : el("p", { class: "empty" }, label("no_incidents")));
}

// ---- state ---------------------------------------------------------------

function sortedIncidents() {
  const rank = (incident) => (incident.phase === "closed" ? 1 : 0);
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
  root.dataset.position = position;
  root.setAttribute("aria-busy", "false");
}

function receive(message) {
  if (message.type === "board") {
    incidents.clear();
    for (const incident of message.incidents) incidents.set(incident.id, incident);
    position = message.position;
    render();
  } else if (message.type === "change") {
    if (position !== null && message.position <= position) return;
    incidents.set(message.incident.id, message.incident);
    position = message.position;
    render(new Set([message.incident.id]));
  }
  // "resync": the server hangs up next; we reconnect from our position.
}

function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
  document.body.dataset.connection = state;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const since = position === null ? "" : `?since=${position}`;
  const socket = new WebSocket(`${scheme}://${location.host}/ws/board${since}`);
  setConnection("connecting", label("connecting"));
  socket.addEventListener("open", () => {
    retryDelay = 500;
    setConnection("open", label("connected"));
  });
  socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    setConnection("closed", label("disconnected"));
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  });
}

setInterval(refreshTimes, 30000);
connect();

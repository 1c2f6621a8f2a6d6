// The live board: a websocket feed of board changes, rendered with DOM text
// nodes only, so text from anyone is shown as text and never as markup.

const labels = JSON.parse(document.getElementById("labels").textContent);
const root = document.getElementById("board");
const connection = document.getElementById("connection");
const notice = document.getElementById("notice");
const role = root.dataset.role;
const department = root.dataset.department;

const incidents = new Map();
let position = null;
let retryDelay = 500;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function label(key, fallback) {
  return labels[key] ?? fallback ?? key;
}

function when(iso) {
  return new Date(iso).toLocaleString(document.documentElement.lang === "nb" ? "nb-NO" : "en-GB",
    { dateStyle: "short", timeStyle: "short" });
}

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

function factItem(incident, fact) {
  const actions = [];
  if (fact.status === "verified" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("approve"), `/api/facts/${fact.id}/approve`, fact.text));
  }
  if (fact.status === "submitted" && role === "department" && department === incident.department) {
    actions.push(actionButton(label("verify"), `/api/facts/${fact.id}/verify`, fact.text));
  }
  const by = [];
  if (fact.verified_by) by.push(`${label("verified_by")} ${fact.verified_by}`);
  if (fact.approved_by) by.push(`${label("approved_by")} ${fact.approved_by}`);
  return el("li", { "data-fact": fact.id, "data-status": fact.status },
    el("p", { class: "text" }, fact.text),
    el("span", { class: `status status-${fact.status}` }, label(`status_${fact.status}`, fact.status)),
    el("span", { class: "by" }, by.join(", ")),
    ...actions);
}

function postItem(post) {
  const actions = [];
  if (post.status === "draft" && role === "editor") {
    actions.push(actionButton(label("approve"), `/api/posts/${post.id}/approve`, post.text));
  }
  if (post.status === "approved" && (role === "comms" || role === "editor")) {
    actions.push(actionButton(label("publish"), `/api/posts/${post.id}/publish`, post.text));
  }
  return el("li", { "data-post": post.id, "data-status": post.status },
    el("span", { class: "channel" }, post.channel),
    el("span", { class: `status status-${post.status}` }, label(`status_${post.status}`, post.status)),
    el("p", { class: "text" }, post.text),
    ...actions);
}

function list(items, empty) {
  return items.length ? el("ul", { class: "items" }, ...items) : el("p", {}, empty);
}

function incidentSection(incident) {
  const facts = Object.values(incident.facts).map((fact) => factItem(incident, fact));
  const posts = Object.values(incident.posts)
    .sort((a, b) => a.channel.localeCompare(b.channel))
    .map(postItem);
  const headingId = `incident-${incident.id}`;
  return el("section", { class: "incident", "aria-labelledby": headingId, "data-incident": incident.id },
    el("h2", { id: headingId }, incident.title),
    el("ul", { class: "meta" },
      el("li", {}, `${label("phase")}: `, el("strong", {}, label(`phase_${incident.phase}`, incident.phase))),
      el("li", {}, `${label("severity")}: `, el("strong", {}, label(`severity_${incident.severity}`, incident.severity))),
      el("li", {}, `${label("areas")}: `, el("strong", {}, incident.areas.join(", "))),
      el("li", {}, `${label("department")}: `, el("strong", {}, incident.department_name)),
      el("li", {}, `${label("opened")}: `, el("strong", {}, when(incident.opened_at)))),
    el("div", { class: "columns" },
      el("div", {}, el("h3", {}, label("facts")), list(facts, label("no_facts"))),
      el("div", {}, el("h3", {}, label("posts")), list(posts, label("no_posts")))));
}

function render() {
  const sections = [...incidents.values()]
    .sort((a, b) => b.opened_at.localeCompare(a.opened_at))
    .map(incidentSection);
  root.replaceChildren(...(sections.length ? sections : [el("p", {}, label("no_incidents"))]));
  root.dataset.position = position;
  root.setAttribute("aria-busy", "false");
}

function receive(message) {
  if (message.type === "board") {
    incidents.clear();
    for (const incident of message.incidents) incidents.set(incident.id, incident);
  } else if (message.type === "change") {
    if (position !== null && message.position <= position) return;
    incidents.set(message.incident.id, message.incident);
  } else {
    return; // "resync": the server hangs up; we reconnect from our position
  }
  position = message.position;
  render();
}

function setConnection(state, text) {
  connection.dataset.state = state;
  connection.textContent = text;
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

connect();

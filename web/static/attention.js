// The crisis leader's first screen, on top of the live board: what needs
// action now (answer deadlines per channel, facts and posts waiting for
// approval, open rumours by reach, follow-ups after corrected facts), what
// just changed (highlighted), how fresh the board is ("oppdatert for … siden")
// and, while the tab is in the background, how many changes arrived unseen.
//
// board.js announces each render ("board:render") and each load it fetched
// ("board:load"); this module only listens, so the board keeps one renderer.

import { el } from "./lib/dom.js";

const panel = document.getElementById("attention");
const freshness = document.getElementById("updated");
const texts = JSON.parse(document.getElementById("labels").textContent).ui;
const lang = document.documentElement.lang === "nb" ? "nb" : "en";
const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
const plainTitle = document.title;
const loads = new Map();
const rumoursShown = 3;
let incidents = [];
let updatedAt = null;
let unseen = 0;

function t(key, params = {}) {
  return (texts[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

function channelName(key) {
  return JSON.parse(document.getElementById("channels").textContent)[key] ?? key;
}

function count(items, test) {
  return Object.values(items ?? {}).filter(test).length;
}

function line(kind, text, href, label) {
  return el("li", { class: `need need-${kind}`, "data-need": kind }, text, " ",
    href ? el("a", { href }, label) : null);
}

// Channels with breached or at-risk inquiries, the worst first.
function deadlines(incident) {
  const load = loads.get(incident.id);
  if (!load) return [];
  const rows = Object.entries(load.channels).filter(([, row]) => row.breached || row.at_risk)
    .sort(([, a], [, b]) => b.breached - a.breached || b.at_risk - a.at_risk);
  return rows.map(([channel, row]) => line(row.breached ? "breached" : "at-risk",
    t("attention_deadline", { channel: channelName(channel), breached: row.breached, at_risk: row.at_risk }),
    `/incidents/${incident.id}/inbox`, t("attention_to_inbox")));
}

function needs(incident) {
  const base = `/incidents/${incident.id}`;
  const out = [...deadlines(incident)];
  const verified = count(incident.facts, (f) => f.status === "verified");
  if (verified) out.push(line("facts", t("attention_facts", { n: verified }), `${base}/facts`, t("attention_to_facts")));
  const drafts = count(incident.posts, (p) => p.status === "draft");
  if (drafts) out.push(line("posts", t("attention_drafts", { n: drafts }), "/approvals", t("attention_to_approvals")));
  const ready = count(incident.posts, (p) => p.status === "approved");
  if (ready) out.push(line("publish", t("attention_ready", { n: ready }), `${base}/compose`, t("attention_to_compose")));
  const follow = (incident.follow_up ?? []).length;
  if (follow) out.push(line("follow-up", t("attention_follow_up", { n: follow }), base, t("attention_to_incident")));
  const open = Object.values(incident.rumours ?? {}).filter((r) => r.status === "open")
    .sort((a, b) => b.reach - a.reach);
  for (const rumour of open.slice(0, rumoursShown)) {
    out.push(line("rumour", [t("attention_rumour", { reach: rumour.reach.toLocaleString(lang) }), " ",
      el("q", {}, rumour.claim.length > 80 ? `${rumour.claim.slice(0, 79)}…` : rumour.claim)],
    `${base}/rumours`, t("attention_to_rumours")));
  }
  if (open.length > rumoursShown) out.push(line("rumour", t("attention_more_rumours", { n: open.length - rumoursShown })));
  return out;
}

function render() {
  if (!panel) return;
  const live = incidents.filter((i) => i.phase !== "closed");
  // Incidents with something waiting first; the calm ones after, in a line each.
  const blocks = live.map((incident) => [incident, needs(incident)])
    .sort(([, a], [, b]) => (b.length > 0) - (a.length > 0))
    .map(([incident, items]) => {
    return el("div", { class: "attention-incident", "data-attention": incident.id },
      el("h3", {}, el("a", { href: `/incidents/${incident.id}` }, incident.title)),
      items.length ? el("ul", { class: "needs" }, items) : el("p", { class: "empty" }, t("attention_nothing")));
  });
  panel.replaceChildren(...(blocks.length ? blocks : [el("p", { class: "empty" }, t("no_incidents"))]));
  panel.setAttribute("aria-busy", "false");
}

// Mark what just changed on the board; the mark fades by itself (CSS).
function highlight(changed) {
  for (const id of changed) {
    for (const node of document.querySelectorAll(
      `section.incident[data-incident="${CSS.escape(id)}"], tr[data-overview="${CSS.escape(id)}"], [data-attention="${CSS.escape(id)}"]`)) {
      node.classList.remove("arrived");
      void node.offsetWidth; // restart the fade
      node.classList.add("arrived");
    }
  }
}

function showFreshness() {
  if (!freshness || !updatedAt) return;
  const seconds = Math.round((updatedAt - Date.now()) / 1000);
  const text = seconds > -45 ? relative.format(Math.min(seconds, 0), "second")
    : seconds > -3600 ? relative.format(Math.round(seconds / 60), "minute")
      : relative.format(Math.round(seconds / 3600), "hour");
  freshness.textContent = t("attention_updated", { ago: text });
  freshness.setAttribute("datetime", new Date(updatedAt).toISOString());
}

function showUnseen() {
  document.title = unseen ? `(${unseen}) ${plainTitle}` : plainTitle;
}

document.addEventListener("board:render", (event) => {
  const { incidents: all, changed } = event.detail;
  incidents = all;
  updatedAt = Date.now();
  render();
  showFreshness();
  if (changed) {
    highlight(changed);
    if (document.hidden) unseen += changed.size;
    showUnseen();
  }
});
document.addEventListener("board:load", (event) => {
  loads.set(event.detail.id, event.detail.load);
  render();
});
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) {
    unseen = 0;
    showUnseen();
  }
});
setInterval(showFreshness, 10000);

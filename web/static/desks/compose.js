// Compose: one message for several channels at once. The website post comes
// first and the social posts link to it. Counters, advice and refusals come
// from the server's own rules (POST /api/posts/preview), never re-implemented.

import {
  badge, channelName, complain, dialog, el, factPicker, follow, incidentId, keyed, me, post, publisher, root, say,
  send, sig, t, ticked, value, warningText, when,
} from "./common.js";

let incident = null;
const form = document.getElementById("compose");
const drafts = document.getElementById("drafts");
const linkChoice = document.getElementById("link-choice");
const linksTo = document.getElementById("links-to");
const picker = document.getElementById("compose-facts");
const postsList = document.getElementById("posts");
const template = document.getElementById("draft-template");
const boxes = [...form.querySelectorAll("input[name=channel]")];

function chosen() {
  return boxes.filter((b) => b.checked).map((b) => b.value);
}

function draftBlock(box) {
  const key = box.value;
  const block = template.content.firstElementChild.cloneNode(true);
  block.dataset.channel = key;
  const area = block.querySelector("textarea");
  area.id = `text-${key}`;
  area.name = `text-${key}`;
  const label = block.querySelector("[data-slot=label]");
  label.htmlFor = area.id;
  label.textContent = t("desk_text_for", { channel: box.dataset.name });
  const countId = `count-${key}`;
  const adviceId = `advice-${key}`;
  block.querySelector("[data-slot=count]").id = countId;
  block.querySelector("[data-slot=advice]").id = adviceId;
  area.setAttribute("aria-describedby", `${countId} ${adviceId}`);
  block.querySelector("[data-slot=preview]").setAttribute("aria-label", t("desk_preview_of", { channel: box.dataset.name }));
  block.querySelector("[data-slot=preview-head]").textContent = box.dataset.name;
  block.querySelector("[data-slot=preview-link]").textContent = key === "website" ? "" : t("desk_preview_link");
  area.addEventListener("input", () => { showPreviewText(block); measureSoon(); });
  return block;
}

function syncDrafts() {
  const keys = chosen();
  const existing = new Map([...drafts.children].map((d) => [d.dataset.channel, d]));
  const wanted = boxes.filter((b) => b.checked).map((b) => existing.get(b.value) ?? draftBlock(b));
  drafts.replaceChildren(...wanted);
  linkChoice.hidden = keys.includes("website") || !keys.length;
  measureSoon();
}

function showPreviewText(block) {
  block.querySelector("[data-slot=preview-text]").textContent = block.querySelector("textarea").value;
}

let measureTimer = null;
function measureSoon() {
  clearTimeout(measureTimer);
  measureTimer = setTimeout(measure, 250);
}

function countText(p) {
  if (!p.counting) return "";
  const parts = [];
  const limit = p.max_chars ?? p.advised_chars;
  parts.push(limit ? t("desk_chars_of", { chars: p.chars, max: limit }) : t("desk_chars", { chars: p.chars }));
  if (p.counting === "sms") {
    parts.push(p.max_segments
      ? t("desk_segments_of", { segments: p.segments, max: p.max_segments, encoding: p.encoding })
      : t("desk_segments", { segments: p.segments, encoding: p.encoding }));
  }
  return parts.join(" · ");
}

async function measure() {
  const blocks = [...drafts.children];
  if (!blocks.length) return;
  const { ok, answer } = await send("/api/posts/preview", {
    drafts: blocks.map((b) => ({ channel: b.dataset.channel, text: b.querySelector("textarea").value })),
  });
  if (!ok) return complain(answer.detail);
  answer.previews.forEach((p, i) => {
    const block = blocks[i];
    block.querySelector("[data-slot=count]").textContent = countText(p);
    const advice = block.querySelector("[data-slot=advice]");
    const said = [
      ...(p.refusal ? [el("p", { class: "refusal" }, p.refusal.detail)] : []),
      ...p.warnings.map((w) => el("p", { class: "warning" }, w.detail)),
    ];
    // Only touch the live region when the words change, so it is not re-announced on every key.
    const text = said.map((n) => n.textContent).join("\n");
    if (advice.dataset.said !== text) {
      advice.dataset.said = text;
      advice.replaceChildren(...said);
    }
    block.dataset.refused = p.refusal ? "true" : "false";
    showPreviewText(block);
  });
}

function websitePosts() {
  return Object.values(incident?.posts ?? {})
    .filter((p) => p.channel === "website" && !["retracted", "discarded"].includes(p.status))
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}

function renderLinkChoice() {
  const current = linksTo.value;
  const options = websitePosts().map((p) => el("option", { value: p.id },
    `${t(`status_${p.status}`)}: ${p.text.slice(0, 80)}`));
  linksTo.replaceChildren(...(options.length ? options : [el("option", { value: "" }, t("desk_no_website_post"))]));
  if ([...linksTo.options].some((o) => o.value === current)) linksTo.value = current;
}

form.addEventListener("change", (event) => {
  if (event.target.name === "channel") syncDrafts();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const blocks = [...drafts.children];
  if (!blocks.length) return complain(t("desk_pick_channel"));
  const cites = ticked(picker);
  const results = [];
  let failed = false;
  const website = blocks.find((b) => b.dataset.channel === "website");
  let link = website ? null : linksTo.value || null;
  const order = website ? [website, ...blocks.filter((b) => b !== website)] : blocks;
  for (const block of order) {
    const channel = block.dataset.channel;
    const { ok, answer } = await send(`/api/incidents/${incidentId}/posts`, {
      channel, text: block.querySelector("textarea").value, cites,
      links_to: channel === "website" ? null : link,
    });
    const advice = block.querySelector("[data-slot=advice]");
    if (ok) {
      if (channel === "website") link = answer.id;
      results.push(t("desk_drafted_on", { channel: channelName(channel) }));
      block.querySelector("textarea").value = "";
      showPreviewText(block);
      advice.dataset.said = "";
      advice.replaceChildren(...answer.warnings.map((w) => el("p", { class: "warning" }, w.detail)));
    } else {
      failed = true;
      results.push(`${channelName(channel)}: ${answer.detail}`);
      advice.dataset.said = answer.detail;
      advice.replaceChildren(el("p", { class: "refusal" }, answer.detail));
      if (channel === "website") break; // the social posts need the website post
    }
  }
  (failed ? complain : say)(results.join(" "));
  measureSoon();
});

// The incident's posts: approve (editor), publish, discard a draft, retract a published one.
const discard = dialog("dlg-discard", {
  setup: (f, p, box) => { box.dataset.forPost = p.id; box.querySelector("[data-slot=current]").textContent = p.text; },
  onSubmit: async (f, data) => {
    const done = await post(`/api/posts/${data.forPost}/discard`, { reason: value(f, "reason") });
    if (done) say(t("desk_post_discarded"));
    return done;
  },
});
const retract = dialog("dlg-retract", {
  setup: (f, p, box) => {
    box.dataset.forPost = p.id;
    box.querySelector("[data-slot=current]").textContent = p.text;
    factPicker(document.getElementById("retract-facts"), incident, "retract-cites");
  },
  onSubmit: async (f, data) => {
    const done = await post(`/api/posts/${data.forPost}/retract`, {
      reason: value(f, "reason"), apology: value(f, "apology"), cites: ticked(document.getElementById("retract-facts")),
    });
    if (done) say(t("desk_post_retracted"));
    return done;
  },
});

async function act(path, message) {
  const done = await post(path);
  if (done) say([message, ...done.warnings.map((w) => w.detail)].join(" "));
}

function postActions(p) {
  const buttons = [];
  const named = (text, action, onclick) => el("button", {
    type: "button", "data-action": action, "aria-label": `${text}: ${channelName(p.channel)}, ${p.text.slice(0, 60)}`, onclick,
  }, text);
  if (p.status === "draft" && me.role === "editor") {
    buttons.push(named(t("approve"), "approve", () => act(`/api/posts/${p.id}/approve`, t("desk_post_approved"))));
  }
  if (p.status === "approved" && publisher && websiteFirst(p)) {
    buttons.push(named(t("publish"), "publish", () => act(`/api/posts/${p.id}/publish`, t("desk_post_published"))));
  }
  if (["draft", "approved"].includes(p.status) && publisher) {
    buttons.push(named(t("desk_discard"), "discard", (e) => discard(p, e.currentTarget)));
  }
  if (p.status === "published" && publisher) {
    buttons.push(named(t("desk_retract"), "retract", (e) => retract(p, e.currentTarget)));
  }
  return buttons.length ? el("p", { class: "buttons" }, buttons) : null;
}

// The website comes first: a social post is offered for publishing once the
// website post it links to is out (the server refuses it before, too).
function websiteFirst(p) {
  if (p.channel === "website") return true;
  return incident.posts?.[p.links_to]?.status === "published";
}

function handoff(p) {
  if (p.status === "draft" && me.role !== "editor") return badge("need", "editor", t("approval_waiting"));
  if (p.status === "approved" && !websiteFirst(p)) return el("p", { class: "hint" }, t("approval_after_website"));
  return null;
}

function followUp(p) {
  return (incident.follow_up ?? []).find((f) => f.item === p.id);
}

function postCard(p) {
  const facts = (p.cites ?? []).map((c) => incident.facts?.[c.fact]).filter(Boolean);
  const linked = p.links_to ? incident.posts?.[p.links_to] : null;
  return el("li", { class: "card", "data-post": p.id, "data-status": p.status, "data-channel": p.channel },
    el("p", { class: "meta-line" }, el("strong", {}, channelName(p.channel)), " ",
      badge("status", p.status, t(`status_${p.status}`)),
      ` ${t("desk_drafted_by")} ${p.drafted_by}`, p.approved_by ? `, ${t("approved_by")} ${p.approved_by}` : "",
      p.published_at ? `, ${t("status_published")} ${when(p.published_at)}` : ""),
    el("p", { class: "text" }, p.text),
    linked ? el("p", { class: "hint" }, `${t("desk_links_to")}: `, linked.text.slice(0, 80)) : null,
    p.corrects ? el("p", { class: "hint" }, `${t("corrects")}: `, incident.posts?.[p.corrects]?.text.slice(0, 80) ?? "") : null,
    p.retracted ? el("p", { class: "hint" }, `${t("status_retracted")}: `, p.retracted.reason) : null,
    facts.length ? el("p", { class: "hint" }, `${t("desk_cites")}: `, facts.map((f) => f.text).join(" · ")) : null,
    (p.warnings ?? []).map((w) => el("p", { class: "warning" }, warningText(w))),
    followUp(p) ? el("p", {}, badge("need", "follow-up", t("desk_needs_follow_up",
      { change: t(`desk_change_${followUp(p).change}`) }))) : null,
    handoff(p),
    postActions(p));
}

function renderPosts() {
  const posts = Object.values(incident.posts ?? {}).sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  if (!posts.length) {
    postsList.replaceChildren(el("li", { class: "empty" }, t("no_posts")));
    return;
  }
  if (postsList.querySelector(".empty")) postsList.replaceChildren();
  keyed(postsList, posts.map((p) => ({
    key: p.id, sig: sig(p, followUp(p), websiteFirst(p), (p.cites ?? []).map((c) => incident.facts?.[c.fact]?.text)),
    item: p,
  })), postCard);
}

// Opened from a rumour ("Skriv korrigering"): the rumour's channel is ticked
// beside the website, and each draft starts with the correction.
const rumourId = new URLSearchParams(location.search).get("rumour");
let rumourStarted = false;

function startCorrection() {
  const rumour = incident.rumours?.[rumourId];
  if (!rumour || rumourStarted) return;
  rumourStarted = true;
  const box = boxes.find((b) => b.value === rumour.channel);
  if (box) box.checked = true;
  syncDrafts();
  for (const area of drafts.querySelectorAll("textarea")) {
    if (!area.value) area.value = t("rumour_correction_start", { claim: rumour.claim });
    area.dispatchEvent(new Event("input"));
  }
  const note = document.getElementById("correcting");
  note.textContent = t("rumour_correcting", { claim: rumour.claim });
  note.hidden = false;
}

if (root && incidentId) {
  syncDrafts();
  follow((doc) => {
    incident = doc;
    if (rumourId) startCorrection();
    factPicker(picker, incident, "cites");
    renderLinkChoice();
    renderPosts();
  });
}

// The simulator's web page: one account at a time (the API key is sent as any client sends it),
// messages updated live from GET /simulator/events (read with fetch, which can send headers).
"use strict";

const LIST_LIMIT = 200;
const state = {
  key: null,
  filters: {},
  messages: new Map(), // messageId -> message, as the control API renders it
  entries: new Map(), // webhook entry id -> entry (of the message on the detail page)
  detailId: null,
  clock: null,
  clockAt: 0, // performance.now() when state.clock was received
  stream: null, // AbortController of the live stream
  arrived: null, // messages the stream told of while the list was loading
  hook: null, // catcher hook shown
};

const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children (strings become text: nothing is parsed as HTML). */
function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) {
      element.append(child instanceof Node ? child : String(child));
    }
  }
  return element;
}

async function api(method, path, body) {
  const headers = { Authorization: `App ${state.key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { ok: response.ok, status: response.status, data };
}

function errorText(answer) {
  const exception = answer.data?.requestError?.serviceException;
  return exception?.text || answer.data?.description || `HTTP ${answer.status}`;
}

// ----- formatting

function shortTime(infobipTime) {
  return infobipTime ? infobipTime.slice(0, 23).replace("T", " ") : "";
}

function badge(status) {
  if (!status) return h("span", { class: "badge" }, "–");
  return h(
    "span",
    { class: `badge ${status.groupName.toLowerCase()}`, title: status.description },
    status.name,
  );
}

function matches(message) {
  const f = state.filters;
  if (f.to && message.to !== f.to.replace(/^\+/, "")) return false;
  if (f.bulkId && message.bulkId !== f.bulkId) return false;
  if (f.text && !(message.text || "").toLowerCase().includes(f.text.toLowerCase())) return false;
  if (f.status && message.status.groupName !== f.status) return false;
  return true;
}

// ----- the message list

let loads = 0;

/** The list from the server. Only the latest load counts, and what the stream said while it
 * was on its way is applied on top (the answer may predate it). */
async function loadMessages() {
  const load = ++loads;
  state.arrived = new Map();
  const query = new URLSearchParams({ limit: String(LIST_LIMIT) });
  for (const [name, value] of Object.entries(state.filters)) if (value) query.set(name, value);
  const answer = await api("GET", `/simulator/messages?${query}`);
  if (!answer.ok || load !== loads) return;
  state.messages = new Map(answer.data.results.map((m) => [m.messageId, m]));
  for (const message of state.arrived.values()) upsert(message);
  state.arrived = null;
  renderList();
}

/** Keep the newer of two states of a message (statuses only move forward). */
function upsert(message) {
  const known = state.messages.get(message.messageId);
  if (known ? known.history.length <= message.history.length : matches(message)) {
    state.messages.set(message.messageId, message);
  }
}

let listPending = false;
function renderListSoon() {
  if (listPending) return;
  listPending = true;
  requestAnimationFrame(() => {
    listPending = false;
    renderList();
  });
}

function renderList() {
  const rows = [...state.messages.values()]
    .sort((a, b) => (a.sentAt < b.sentAt ? 1 : a.sentAt > b.sentAt ? -1 : 0))
    .slice(0, LIST_LIMIT)
    .map((m) =>
      h(
        "tr",
        { "data-id": m.messageId, onclick: () => (location.hash = `#/messages/${m.messageId}`) },
        h("td", { class: "nowrap", title: m.sentAt }, m.sentAt.slice(11, 23)),
        h("td", { class: "nowrap" }, m.to),
        h("td", {}, m.sender),
        h("td", { class: "text" }, m.text ?? (m.hex ? `binary ${m.hex.slice(0, 16)}…` : "")),
        h("td", {}, badge(m.status)),
        h("td", { class: "id" }, h("a", { href: `#/messages/${m.messageId}`, title: m.messageId }, m.messageId)),
      ),
    );
  $("#messages tbody").replaceChildren(...rows);
  $("#no-messages").hidden = rows.length > 0;
}

// ----- one message

async function showDetail(messageId) {
  state.detailId = messageId;
  state.entries = new Map();
  $("#list-view").hidden = true;
  $("#detail-view").hidden = false;
  const [message, webhooks] = await Promise.all([
    api("GET", `/simulator/messages/${encodeURIComponent(messageId)}`),
    api("GET", `/simulator/webhooks?messageId=${encodeURIComponent(messageId)}`),
  ]);
  if (state.detailId !== messageId) return;
  if (!message.ok) {
    $("#detail").replaceChildren(h("p", { class: "error" }, errorText(message)));
    return;
  }
  state.messages.set(messageId, message.data);
  for (const entry of webhooks.ok ? webhooks.data.results : []) state.entries.set(entry.id, entry);
  renderDetail();
}

function showList() {
  state.detailId = null;
  $("#detail-view").hidden = true;
  $("#list-view").hidden = false;
  renderList();
}

function renderDetail() {
  const m = state.messages.get(state.detailId);
  if (!m) return;
  const facts = [
    ["To", m.to],
    ["From", m.sender],
    ["Text", m.text ?? m.hex],
    ["Bulk id", m.bulkId],
    ["API", m.api],
    ["Parts", m.messageCount],
    ["Network (MCC/MNC)", m.mccMnc],
    ["Callback data", m.callbackData],
  ];
  $("#detail").replaceChildren(
    h("h1", {}, "Message ", h("code", {}, m.messageId), " ", badge(m.status)),
    h("dl", { class: "facts" }, facts.filter(([, v]) => v !== undefined && v !== null).map(
      ([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))],
    )),
    h("h2", {}, "Timeline"),
    h("ol", { class: "timeline", id: "timeline" }, m.history.map((t) =>
      h("li", {}, h("time", {}, shortTime(t.at)), badge(t.status),
        h("span", { class: "muted" }, t.status.description)),
    )),
    h("h2", {}, "Delivery report"),
    reportOf(m),
    h("h2", {}, "Webhook attempts"),
    attemptsOf([...state.entries.values()]),
  );
}

function reportOf(m) {
  if (!m.doneAt) return h("p", { class: "muted", id: "report" }, "No report yet: the message is not final.");
  return h("dl", { class: "facts", id: "report" },
    h("dt", {}, "Status"), h("dd", {}, badge(m.status)),
    h("dt", {}, "Error"), h("dd", {}, `${m.error.name} (${m.error.groupName})`),
    h("dt", {}, "Sent at"), h("dd", {}, shortTime(m.sentAt)),
    h("dt", {}, "Done at"), h("dd", {}, shortTime(m.doneAt)),
    h("dt", {}, "Price"), h("dd", {}, `${m.price.pricePerMessage} ${m.price.currency}`),
  );
}

function attemptsOf(entries) {
  if (!entries.length) return h("p", { class: "muted", id: "attempts" }, "No webhook for this message.");
  return h("div", { id: "attempts" }, entries.map((entry) =>
    h("div", { class: "entry" },
      h("p", {}, h("strong", {}, entry.event), " to ", h("code", {}, entry.url), " — ",
        h("span", { class: `state ${entry.state}` }, entry.state),
        entry.nextAttemptAt ? ` — next retry ${shortTime(entry.nextAttemptAt)}` : ""),
      h("table", { class: "attempts" },
        h("thead", {}, h("tr", {}, ["#", "Time", "Answer", "Latency", "Response"].map((t) => h("th", {}, t)))),
        h("tbody", {}, entry.attempts.map((a) =>
          h("tr", { class: a.succeeded ? "ok" : "failed" },
            h("td", {}, a.number),
            h("td", { class: "nowrap" }, shortTime(a.at)),
            h("td", {}, a.statusCode ?? a.error),
            h("td", { class: "nowrap" }, `${a.latencyMs.toFixed(1)} ms`),
            h("td", { class: "text" }, a.response)),
        )),
      ),
    ),
  ));
}

// ----- clock

function renderClock(clock) {
  if (clock) {
    state.clock = clock;
    state.clockAt = performance.now();
  }
  const c = state.clock;
  if (!c) return;
  const manual = c.mode === "manual";
  const factor = c.mode.startsWith("scaled:") ? Number(c.mode.slice(7)) : 1;
  const elapsed = manual ? 0 : (performance.now() - state.clockAt) * factor;
  $("#clock-mode").textContent = c.mode;
  $("#clock-now").textContent = new Date(c.nowEpochMs + elapsed).toISOString().slice(0, 19).replace("T", " ") + " UTC";
  $("#clock-pending").textContent = `${c.pendingEvents} pending`;
  for (const button of document.querySelectorAll("[data-advance]")) button.disabled = !manual;
}

async function advance(by) {
  const body = by === "next" ? { next: true } : { seconds: Number(by) };
  const answer = await api("POST", "/simulator/clock/advance", body);
  if (answer.ok) renderClock(answer.data);
}

// ----- side panels

async function loadScenario() {
  const [scenario, faults] = await Promise.all([
    api("GET", `/simulator/accounts/${encodeURIComponent(state.key)}/scenario`),
    api("GET", "/simulator/faults"),
  ]);
  $("#scenario").replaceChildren(scenario.ok
    ? h("span", {}, "Scenario ", h("strong", {}, scenario.data.name),
      scenario.data.assigned ? " (assigned to this account)" : " (the simulator's default)")
    : "Scenarios are not available in this simulator.");
  const items = faults.ok ? faults.data.results : [];
  $("#faults").replaceChildren(...(faults.ok && !items.length ? [h("li", { class: "muted" }, "No faults.")] : []),
    ...items.map((f) => h("li", {}, `Fault #${f.id}: `,
      f.drop ? "drop the connection" : f.status ? `answer ${f.status}` : "delay",
      f.delayMs ? ` after ${f.delayMs} ms` : "",
      f.path ? ` on ${f.path}` : " on every Infobip path",
      f.remaining != null ? `, ${f.remaining} more` : "",
      f.ratio != null ? `, ${Math.round(f.ratio * 100)} % of requests` : "")));
}

async function sendInbound(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = {};
  for (const [name, value] of form) if (value) body[name] = value;
  const answer = await api("POST", "/simulator/inbound", body);
  const result = $("#inbound-result");
  if (answer.ok) {
    result.className = "result ok";
    result.textContent = `Received ${answer.data.messageId} from ${answer.data.from} to ${answer.data.to}` +
      (answer.data.pushed ? ", pushed to a webhook." : ", waiting to be pulled.");
  } else {
    result.className = "result error";
    result.textContent = errorText(answer);
  }
}

async function loadHooks() {
  const answer = await api("GET", "/simulator/catcher");
  const hooks = answer.ok ? answer.data.results : [];
  $("#hooks").replaceChildren(...(hooks.length ? [] : [h("li", { class: "muted" }, "Nothing caught yet. Push to /simulator/hooks/<name>.")]),
    ...hooks.map((hook) => h("li", {},
      h("a", { href: "#", onclick: (e) => { e.preventDefault(); showHook(hook.name); } }, hook.name),
      ` — ${hook.count} request${hook.count === 1 ? "" : "s"}`)));
  if (state.hook) await showHook(state.hook);
}

async function showHook(name) {
  state.hook = name;
  const answer = await api("GET", `/simulator/catcher/${encodeURIComponent(name)}`);
  if (!answer.ok) return;
  $("#hook-requests").replaceChildren(h("h3", {}, name),
    ...answer.data.requests.slice().reverse().map((r) => h("details", { class: "caught" },
      h("summary", {}, `${shortTime(r.receivedAt)} ${r.method} ${r.path}`),
      h("pre", {}, prettyBody(r.body)))));
}

function prettyBody(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

let hooksTimer = null;
function loadHooksSoon() {
  clearTimeout(hooksTimer);
  hooksTimer = setTimeout(loadHooks, 300);
}

// ----- the live stream

function setLive(on) {
  const live = $("#live");
  live.dataset.state = on ? "on" : "off";
  live.textContent = on ? "live" : "offline";
}

function onEvent(kind, data) {
  if (kind === "clock") {
    renderClock(data);
    return;
  }
  if (kind === "message") {
    state.arrived?.set(data.messageId, data);
    upsert(data);
    renderListSoon();
    if (data.messageId === state.detailId) renderDetail();
    return;
  }
  if (kind === "webhook") {
    if (state.detailId && data.messageIds.includes(state.detailId)) {
      state.entries.set(data.id, data);
      renderDetail();
    }
    loadHooksSoon();
  }
}

function parseFrame(frame) {
  let kind = "message";
  const data = [];
  for (const line of frame.split("\n")) {
    if (line.startsWith("event: ")) kind = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  return [kind, JSON.parse(data.join("\n"))];
}

async function connect() {
  state.stream?.abort();
  const control = new AbortController();
  state.stream = control;
  let first = true;
  try {
    const response = await fetch("/simulator/events", {
      headers: { Authorization: `App ${state.key}` },
      signal: control.signal,
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const [kind, data] = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        onEvent(kind, data);
        if (first) {
          // subscribed: whatever happened before is in what we load now, the rest will come
          first = false;
          setLive(true);
          await refresh();
        }
      }
    }
  } catch {
    // connection refused or dropped: try again below
  }
  if (control.signal.aborted) return;
  setLive(false);
  setTimeout(connect, 1000);
}

async function refresh() {
  await Promise.all([
    state.detailId ? showDetail(state.detailId) : loadMessages(),
    loadScenario(),
    loadHooks(),
  ]);
}

// ----- wiring

function route() {
  const match = location.hash.match(/^#\/messages\/(.+)$/);
  if (match) showDetail(decodeURIComponent(match[1]));
  else showList();
}

function openAccount(key) {
  state.key = key;
  state.messages = new Map();
  localStorage.setItem("infobip-simulator-key", key);
  $("#api-key").value = key;
  $("#no-key").hidden = true;
  $("#account").hidden = false;
  document.title = `${key} — Infobip SMS simulator`;
  route();
  connect();
}

function searchFrom(form) {
  const data = new FormData(form);
  state.filters = Object.fromEntries([...data].filter(([, v]) => v));
  if (location.hash !== "#/" && location.hash !== "") location.hash = "#/";
  loadMessages();
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("#api-key").value.trim();
  if (key) openAccount(key);
});
$("#search").addEventListener("submit", (event) => {
  event.preventDefault();
  searchFrom(event.target);
});
$("#search").addEventListener("reset", (event) => setTimeout(() => searchFrom(event.target)));
for (const button of document.querySelectorAll("[data-advance]")) {
  button.addEventListener("click", () => advance(button.dataset.advance));
}
$("#reset").addEventListener("click", async () => {
  if (!state.key || !confirm(`Forget everything of the account ${state.key}?`)) return;
  await api("POST", "/simulator/reset", {});
  location.hash = "#/";
  state.messages = new Map();
  await refresh();
});
$("#inbound-form").addEventListener("submit", sendInbound);
$("#hooks-refresh").addEventListener("click", loadHooks);
window.addEventListener("hashchange", () => state.key && route());
setInterval(() => renderClock(), 1000);

const saved = new URLSearchParams(location.search).get("key") || localStorage.getItem("infobip-simulator-key");
if (saved) openAccount(saved);

// The review workbench: the queue of answers to check, one screenshot with its OCR boxes, keyboard corrections.
// Everything it shows comes from the JSON API (/results, /ocr_info_update), with the API key of this tab.
"use strict";

const KEY_STORAGE = "fundocr.apiKey";
const QUEUE_PAGE = 50;

const state = {
  queue: [], // listed results, lowest confidence first
  done: new Set(), // ids saved or accepted in this tab
  index: -1,
  detail: null, // GET /results/{id} of the result shown
  activeField: "fund-code", // the field a clicked box fills
  holdingsEdited: false, // the holdings table was changed: saving sends it whole
  busy: false,
};

const $ = (id) => document.getElementById(id);
const fields = { "fund-code": "update_fund_code", "hold-share": "update_hold_share" };

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: text };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

// --- access ---------------------------------------------------------------------------------------------

function askForKey(message) {
  $("workbench").hidden = true;
  $("forget-key").hidden = true;
  $("key-error").textContent = message || "";
  const dialog = $("key-dialog");
  if (!dialog.open) dialog.showModal();
  $("key-input").focus();
}

async function start() {
  try {
    await refreshCounts();
  } catch (error) {
    if (error.status === 401 || error.status === 403) {
      sessionStorage.removeItem(KEY_STORAGE);
      askForKey(error.status === 403 ? "That key is not valid." : "");
      return;
    }
    throw error;
  }
  if ($("key-dialog").open) $("key-dialog").close();
  $("workbench").hidden = false;
  $("forget-key").hidden = !sessionStorage.getItem(KEY_STORAGE);
  await loadQueue();
}

// --- queue ----------------------------------------------------------------------------------------------

async function refreshCounts() {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0); // the reviewer's own day
  const counts = await api("GET", `/results/summary?since=${encodeURIComponent(midnight.toISOString())}`);
  $("counts").textContent =
    `To review: ${counts.to_review} · Corrected today: ${counts.corrected} · Accepted today: ${counts.accepted}`;
}

async function loadQueue() {
  const page = await api("GET", `/results?needs_review=true&order=confidence&limit=${QUEUE_PAGE}`);
  state.queue = page.items;
  state.done.clear();
  renderQueue();
  if (state.queue.length) {
    await show(0);
  } else {
    showNothing();
  }
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren(
    ...state.queue.map((item, index) => {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.id = item.id;
      button.textContent = `#${item.id} ${item.data.fund_code || "——————"} ${item.data.hold_share || "—"}`;
      const confidence = lowest(item.confidence);
      button.title = confidence === null ? "no confidence" : `confidence ${confidence.toFixed(2)}`;
      button.addEventListener("click", () => show(index));
      if (index === state.index) button.setAttribute("aria-current", "true");
      if (state.done.has(item.id)) entry.classList.add("done");
      entry.append(button);
      return entry;
    }),
  );
  $("queue-empty").hidden = state.queue.length > 0;
}

function lowest(confidence) {
  const values = Object.values(confidence || {}).filter((value) => value !== null);
  return values.length ? Math.min(...values) : null;
}

function showNothing() {
  state.index = -1;
  state.detail = null;
  $("answer").hidden = true;
  $("screenshot").hidden = true;
  renderQueue();
}

async function show(index) {
  if (index < 0 || index >= state.queue.length) return;
  state.index = index;
  busy(true);
  try {
    state.detail = await api("GET", `/results/${state.queue[index].id}`);
  } finally {
    busy(false);
  }
  const detail = state.detail;
  state.queue[index].data = detail.data;
  $("answer").hidden = false;
  $("screenshot").hidden = false;
  renderQueue();
  renderDetail(detail);
}

// While a result loads or saves, keys are ignored: they would act on the one leaving the screen.
function busy(on) {
  state.busy = on;
  $("answer").setAttribute("aria-busy", String(on));
}

async function moveOn() {
  const after = state.queue.findIndex((item, index) => index > state.index && !state.done.has(item.id));
  const before = state.queue.findIndex((item) => !state.done.has(item.id));
  const next = after >= 0 ? after : before;
  if (next >= 0) {
    await show(next);
  } else {
    await loadQueue(); // this page of the queue is cleared: fetch what waits now
  }
}

// --- one result -----------------------------------------------------------------------------------------

function renderDetail(detail) {
  $("answer-title").textContent = `Result #${detail.id}${detail.needs_review ? "" : " (reviewed)"}`;
  $("image-url").textContent = detail.image_url;
  renderImage(detail);
  const suggested = suggestions(detail);
  const confidence = detail.confidence || {}; // none for answers stored before confidences
  setField("fund-code", suggested.fund_code, confidence.fund_code);
  setField("hold-share", suggested.hold_share, confidence.hold_share);
  clearErrors();
  renderCandidates(detail);
  renderHoldings(detail);
  renderHistory(detail.history);
}

// The fields start from the answer; an empty field takes the page's only candidate of its kind, if it has one.
function suggestions(detail) {
  const only = (values) => (values.length === 1 ? values[0] : "");
  return {
    fund_code: detail.data.fund_code || only(detail.ocr.fund_codes || []),
    hold_share: detail.data.hold_share || only(detail.ocr.shares || []),
  };
}

function setField(id, value, confidence) {
  $(id).value = value;
  $(`${id}-confidence`).textContent = confidence === null || confidence === undefined ? "" : percent(confidence);
  $(`${id}-confidence`).className = `confidence ${confidence !== null && confidence < 0.9 ? "low" : ""}`;
}

function renderImage(detail) {
  const shot = $("shot");
  const note = $("shot-note");
  note.hidden = true;
  shot.hidden = false;
  shot.onerror = () => {
    shot.hidden = true;
    note.hidden = false;
    note.textContent = "The screenshot no longer loads from its image_url; the OCR text and boxes are below.";
  };
  shot.src = detail.image_url;
  const svg = $("boxes");
  svg.setAttribute("viewBox", `0 0 ${detail.image.width} ${detail.image.height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.replaceChildren(
    ...detail.lines.map((line, index) => {
      const polygon = document.createElementNS("http://www.w3.org/2000/svg", "polygon");
      polygon.setAttribute("points", line.box.map((point) => point.join(",")).join(" "));
      polygon.dataset.line = index;
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${line.text} (${percent(line.confidence)})`;
      polygon.append(title);
      polygon.addEventListener("click", () => takeFromLine(line.text));
      return polygon;
    }),
  );
}

// A clicked box gives the field last focused the figure of its kind found in the line's text.
function takeFromLine(text) {
  const plain = text.replace(/[,，]/g, "");
  const code = plain.match(/(?<!\d)\d{6}(?!\d)/);
  const share = plain.match(/\d+(\.\d+)?/g);
  if (state.activeField === "fund-code" && code) {
    fill("fund-code", code[0]);
  } else if (state.activeField === "hold-share" && share) {
    fill("hold-share", share[share.length - 1]);
  }
}

function fill(id, value) {
  $(id).value = value;
  $(`${id}-error`).textContent = "";
  highlight(value);
}

function highlight(value) {
  for (const polygon of $("boxes").children) {
    const line = state.detail.lines[polygon.dataset.line];
    polygon.classList.toggle("picked", Boolean(value) && line.text.replace(/[,，]/g, "").includes(value));
  }
}

function candidates(detail) {
  return [
    ...(detail.ocr.fund_codes || []).map((value) => ({ field: "fund-code", label: "code", value })),
    ...(detail.ocr.shares || []).map((value) => ({ field: "hold-share", label: "share", value })),
  ].slice(0, 9);
}

function renderCandidates(detail) {
  $("candidates").replaceChildren(
    ...candidates(detail).map((candidate, index) => {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const key = document.createElement("kbd");
      key.textContent = String(index + 1);
      button.append(key, " ");
      const confidence = lineConfidence(detail, candidate.value);
      button.append(`${candidate.label} ${candidate.value}${confidence === null ? "" : ` (${percent(confidence)})`}`);
      button.addEventListener("click", () => takeCandidate(index));
      button.addEventListener("mouseenter", () => highlight(candidate.value));
      entry.append(button);
      return entry;
    }),
  );
}

// The OCR's confidence in the line a figure was read from.
function lineConfidence(detail, value) {
  const line = detail.lines.find((candidate) => candidate.text.replace(/[,，]/g, "").includes(value));
  return line ? line.confidence : null;
}

const percent = (value) => `${(value * 100).toFixed(0)}%`;

function takeCandidate(index) {
  const candidate = candidates(state.detail)[index];
  if (candidate) fill(candidate.field, candidate.value);
}

// Holdings of list pages, when the answer carries them: an editable table saved with the fields.
const HOLDING_FIELDS = ["fund_code", "fund_name", "hold_share", "available_share", "amount"];

function renderHoldings(detail) {
  state.holdingsEdited = false;
  const holdings = detail.holdings;
  $("holdings-part").hidden = !Array.isArray(holdings) || holdings.length === 0;
  $("holdings").tBodies[0].replaceChildren(...($("holdings-part").hidden ? [] : holdings.map(holdingRow)));
}

function holdingRow(holding) {
  const row = document.createElement("tr");
  for (const name of HOLDING_FIELDS) {
    const cell = document.createElement("td");
    const input = document.createElement("input");
    input.name = name;
    input.value = holding[name] ?? "";
    input.setAttribute("aria-label", name);
    input.addEventListener("input", () => (state.holdingsEdited = true));
    cell.append(input);
    row.append(cell);
  }
  const cell = document.createElement("td");
  const remove = document.createElement("button");
  remove.type = "button";
  remove.textContent = "×";
  remove.title = "not a holding: remove the row";
  remove.addEventListener("click", () => {
    state.holdingsEdited = true;
    row.remove();
  });
  cell.append(remove);
  row.append(cell);
  return row;
}

// The table as the clerk left it, when they changed it; untouched, the holdings stay as read (a page of one
// fund is corrected through its fields).
function editedHoldings() {
  if ($("holdings-part").hidden || !state.holdingsEdited) return undefined;
  return [...$("holdings").tBodies[0].rows].map((row) => {
    const holding = {};
    for (const input of row.querySelectorAll("input")) holding[input.name] = input.value.trim() || null;
    return holding;
  });
}

function renderHistory(history) {
  $("history").tBodies[0].replaceChildren(
    ...history
      .slice()
      .reverse()
      .map((change) => {
        const row = document.createElement("tr");
        const describe = (values) =>
          `${values.fund_code || "—"} / ${values.hold_share || "—"}` +
          (Array.isArray(values.holdings) ? ` · ${values.holdings.length} holdings` : "");
        const same = JSON.stringify(change.old) === JSON.stringify(change.new);
        for (const text of [
          new Date(change.at).toLocaleString(),
          change.author || "(no key)",
          same ? `accepted as is: ${describe(change.new)}` : `${describe(change.old)} → ${describe(change.new)}`,
        ]) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.append(cell);
        }
        return row;
      }),
  );
}

// --- saving ---------------------------------------------------------------------------------------------

function clearErrors() {
  for (const id of ["fund-code-error", "hold-share-error", "save-error"]) $(id).textContent = "";
}

async function save() {
  if (!state.detail) return;
  clearErrors();
  const body = { image_url: state.detail.image_url };
  const code = $("fund-code").value.trim();
  const share = $("hold-share").value.trim();
  const holdings = editedHoldings();
  if (holdings !== undefined) body.update_holdings = holdings;
  // A list page may be corrected through its holdings alone; otherwise the API says what is missing.
  if (holdings === undefined || code || share) Object.assign(body, { update_fund_code: code, update_hold_share: share });
  busy(true); // until the next result is on screen (finished)
  try {
    await api("POST", "/ocr_info_update", body);
  } catch (error) {
    busy(false);
    showError(error);
    return;
  }
  await finished(`Saved #${state.detail.id}: ${body.update_fund_code} / ${body.update_hold_share}.`);
}

async function accept() {
  if (!state.detail) return;
  clearErrors();
  busy(true); // until the next result is on screen (finished)
  try {
    await api("POST", `/results/${state.detail.id}/accept`);
  } catch (error) {
    busy(false);
    showError(error);
    return;
  }
  await finished(`Accepted #${state.detail.id} as it was.`);
}

function showError(error) {
  if (error.status === 401 || error.status === 403) {
    sessionStorage.removeItem(KEY_STORAGE);
    askForKey("The key is no longer accepted.");
    return;
  }
  const field = Object.keys(fields).find((id) => fields[id] === error.body.field); // else a holding's, or none
  $(field ? `${field}-error` : "save-error").textContent = error.message;
  if (field) $(field).focus();
  const holding = /^update_holdings\[(\d+)\](?:\.(\w+))?$/.exec(error.body.field || "");
  const row = holding && $("holdings").tBodies[0].rows[Number(holding[1])];
  const input = row && (row.querySelector(`input[name="${holding[2]}"]`) || row.querySelector("input"));
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

async function finished(message) {
  const id = state.detail.id;
  state.done.add(id);
  document.activeElement.blur();
  try {
    await refreshCounts();
    await moveOn();
  } finally {
    busy(false);
  }
  $("status").textContent = `${message} Press p to see it again.`;
}

// --- keyboard -------------------------------------------------------------------------------------------

function onKey(event) {
  if ($("key-dialog").open || !state.detail || state.busy || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target instanceof HTMLInputElement;
  if (event.key === "Escape" && typing) {
    event.target.blur();
    return;
  }
  if (event.key === "Enter") {
    event.preventDefault();
    save();
    return;
  }
  if (typing) return;
  const actions = {
    a: accept,
    n: () => show(state.index + 1),
    p: () => show(state.index - 1),
    c: () => $("fund-code").focus(),
    s: () => $("hold-share").focus(),
  };
  if (actions[event.key]) {
    event.preventDefault();
    actions[event.key]();
  } else if (/^[1-9]$/.test(event.key)) {
    event.preventDefault();
    takeCandidate(Number(event.key) - 1);
  }
}

function wire() {
  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("key-input").value.trim());
    $("key-input").value = "";
    start();
  });
  $("key-dialog").addEventListener("cancel", (event) => event.preventDefault()); // no way around the key
  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
  $("fields").addEventListener("submit", (event) => event.preventDefault()); // Enter is handled in onKey
  $("save").addEventListener("click", save);
  $("accept").addEventListener("click", accept);
  $("next").addEventListener("click", () => show(state.index + 1));
  $("previous").addEventListener("click", () => show(state.index - 1));
  for (const id of Object.keys(fields)) $(id).addEventListener("focus", () => (state.activeField = id));
  document.addEventListener("keydown", onKey);
}

wire();
start();

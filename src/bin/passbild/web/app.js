// The counter's page: choose, drop or photograph a picture, see the verdict, the photo with the
// measurements drawn on it and every check. Talks only to this service's /v1 API.
"use strict";

const $ = (id) => document.getElementById(id);
const STATUS_WORDS = {
  en: { pass: "pass", fail: "fail", warn: "warning", not_assessed: "not assessed" },
  de: { pass: "erfüllt", fail: "nicht erfüllt", warn: "Hinweis", not_assessed: "nicht bewertet" },
};
const VERDICT_WORDS = {
  en: {
    pass: "The photo meets the rules",
    warn: "The photo meets the rules; read the notes",
    fail: "The photo does not meet the rules",
    not_assessed: "The photo could not be assessed in full",
  },
  de: {
    pass: "Das Foto erfüllt die Anforderungen",
    warn: "Das Foto erfüllt die Anforderungen; Hinweise beachten",
    fail: "Das Foto erfüllt die Anforderungen nicht",
    not_assessed: "Das Foto konnte nicht vollständig bewertet werden",
  },
};
const COLOURS = { pass: "#1f9d3a", warn: "#e0a800", fail: "#e02020", not_assessed: "#8a8a8a" };

let lastPhoto = null;
let lastReport = null;
let reportUrl = null;
/** Tries of a check the service answered busy (503) before the page shows that answer. */
const BUSY_RETRIES = 3;
/** The check whose answer the page waits for; an earlier one still running is cancelled. */
let pendingCheck = null;

function language() {
  return $("lang").value;
}

function translate() {
  document.documentElement.lang = language();
  for (const element of document.querySelectorAll("[data-en]")) {
    element.textContent = element.dataset[language()];
  }
}

/** Calls the API, with the bearer token if this service wants one. */
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers);
  const token = sessionStorage.getItem("passbild-token");
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && !options.retried) {
    const given = window.prompt(language() === "de" ? "Zugangsschlüssel des Dienstes" : "The service's access token");
    if (given) {
      sessionStorage.setItem("passbild-token", given);
      return api(path, Object.assign({}, options, { retried: true }));
    }
  }
  // A token refused even so is wrong: ask again next time rather than send it on.
  if (response.status === 401) sessionStorage.removeItem("passbild-token");
  return response;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return `${body.error.message} (${body.error.code})`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = false;
}

async function loadProfiles() {
  const response = await api("v1/profiles").catch((error) => networkFailure(error));
  if (!response.ok) {
    showError(await errorText(response));
    return;
  }
  const data = await response.json();
  $("profile").replaceChildren();
  for (const profile of data.profiles) {
    const option = new Option(profile.name, profile.name);
    option.title = profile.description;
    $("profile").add(option);
  }
  $("profile").value = data.default;
}

/** The query of a check: the service's default profile until the list of profiles has loaded. */
function query() {
  const profile = $("profile").value;
  return `${profile ? `profile=${encodeURIComponent(profile)}&` : ""}lang=${language()}`;
}

/** A response-like answer for a request that never reached the service. */
function networkFailure(error) {
  return { ok: false, status: 0, json: async () => ({ error: { code: "network", message: String(error) } }) };
}

async function check(photo) {
  $("error").hidden = true;
  lastPhoto = photo;
  if (pendingCheck) pendingCheck.abort();
  const controller = new AbortController();
  pendingCheck = controller;
  const current = () => pendingCheck === controller;
  // The list may have failed to load (a token asked for and refused at first).
  if (!$("profile").options.length) await loadProfiles();
  $("result").setAttribute("aria-busy", "true");
  const send = () =>
    api(`v1/check?${query()}`, {
      method: "POST",
      body: photo,
      headers: { "content-type": "application/octet-stream" },
      signal: controller.signal,
    }).catch((error) => networkFailure(error));
  let response = await send();
  // A busy service says when to come back: a few tries before its answer is shown.
  for (let tries = 0; response.status === 503 && tries < BUSY_RETRIES && current(); tries++) {
    const seconds = Number(response.headers.get("retry-after")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 10) * 1000));
    if (current()) response = await send();
  }
  // A newer photo, profile or language was chosen meanwhile: its answer is the one to show.
  if (!current()) return;
  if (!response.ok) {
    $("result").hidden = true;
    $("result").removeAttribute("aria-busy");
    showError(await errorText(response));
    return;
  }
  const report = await response.json();
  if (!current()) return;
  lastReport = report;
  $("result").removeAttribute("aria-busy");
  await show(report, photo);
}

function checkById(report, id) {
  return report.checks.find((check) => check.id === id);
}

function formatValue(check) {
  if (check.value === null || check.value === undefined) return "–";
  const digits = Math.abs(check.value) >= 100 ? 0 : Math.abs(check.value) >= 10 ? 1 : 3;
  const text = check.value.toFixed(digits);
  return language() === "de" ? text.replace(".", ",") : text;
}

async function show(report, photo) {
  const verdict = $("verdict");
  verdict.dataset.verdict = report.verdict;
  verdict.textContent = VERDICT_WORDS[language()][report.verdict];
  const body = $("checks").tBodies[0];
  body.replaceChildren();
  for (const check of report.checks) {
    const row = body.insertRow();
    row.className = check.status;
    row.dataset.id = check.id;
    row.insertCell().textContent = check.id;
    const status = row.insertCell();
    status.className = "status";
    status.textContent = STATUS_WORDS[language()][check.status];
    row.insertCell().textContent = formatValue(check);
    row.insertCell().textContent = check.message;
  }
  if (reportUrl) URL.revokeObjectURL(reportUrl);
  reportUrl = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: "application/json" }));
  $("download-report").href = reportUrl;
  $("result").hidden = false;
  await drawOverlay(report, photo);
}

/** The photo with the face box, eye line, chin and crown, and the profile's target zones. */
async function drawOverlay(report, photo) {
  const canvas = $("overlay");
  const context = canvas.getContext("2d");
  canvas.width = report.image.width;
  canvas.height = report.image.height;
  try {
    const bitmap = await createImageBitmap(photo, { imageOrientation: "from-image" });
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  } catch {
    // A format the browser cannot show (TIFF, JPEG 2000): the drawing stays on grey.
    context.fillStyle = "#cfcfcf";
    context.fillRect(0, 0, canvas.width, canvas.height);
  }
  const width = canvas.width;
  const height = canvas.height;
  const line = Math.max(2, width / 300);
  const colourOf = (id) => COLOURS[(checkById(report, id) || {}).status] || "#2f5d8a";
  const stroke = (colour, dashed, draw) => {
    context.strokeStyle = colour;
    context.lineWidth = line;
    context.setLineDash(dashed ? [line * 4, line * 3] : []);
    context.beginPath();
    draw();
    context.stroke();
  };
  const band = (id, horizontal) => {
    const check = checkById(report, id);
    if (!check || check.min === undefined || check.max === undefined) return;
    stroke(COLOURS[check.status], true, () => {
      for (const fraction of [check.min, check.max]) {
        if (horizontal) {
          context.moveTo(0, fraction * height);
          context.lineTo(width, fraction * height);
        } else {
          context.moveTo(fraction * width, 0);
          context.lineTo(fraction * width, height);
        }
      }
    });
  };
  band("geometry.eye_line_height", true);
  band("geometry.horizontal_centring", false);
  const face = report.face;
  if (!face) return;
  stroke(colourOf("face.count"), false, () => context.rect(face.box.x, face.box.y, face.box.width, face.box.height));
  const marks = face.landmarks;
  stroke(colourOf("geometry.eye_line_height"), false, () => {
    context.moveTo(marks.right_eye_centre.x, marks.right_eye_centre.y);
    context.lineTo(marks.left_eye_centre.x, marks.left_eye_centre.y);
  });
  const headCheck = checkById(report, "geometry.chin_to_crown_de") ? "geometry.chin_to_crown_de" : "geometry.head_height";
  stroke(colourOf(headCheck), false, () => {
    context.moveTo(marks.chin.x, marks.chin.y);
    context.lineTo(marks.crown.x, marks.crown.y);
    for (const point of [marks.chin, marks.crown]) {
      context.moveTo(point.x + line * 4, point.y);
      context.arc(point.x, point.y, line * 4, 0, 2 * Math.PI);
    }
  });
}

async function downloadCrop() {
  if (!lastPhoto) return;
  $("error").hidden = true;
  const response = await api(`v1/crop?${query()}`, {
    method: "POST",
    body: lastPhoto,
    headers: { "content-type": "application/octet-stream" },
  }).catch((error) => networkFailure(error));
  if (!response.ok) {
    showError(await errorText(response));
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `passbild-${$("profile").value}.jpg`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Stops the camera, if it runs, and hides its view. */
function stopCamera() {
  const video = $("video");
  if (video.srcObject) {
    for (const track of video.srcObject.getTracks()) track.stop();
    video.srcObject = null;
  }
  $("camera-view").hidden = true;
}

async function startCamera() {
  stopCamera();
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1440 } } });
    $("video").srcObject = stream;
    $("camera-view").hidden = false;
  } catch (error) {
    showError(String(error));
  }
}

function snap() {
  const video = $("video");
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  stopCamera();
  canvas.toBlob((blob) => check(blob), "image/jpeg", 0.95);
}

function setUp() {
  translate();
  $("lang").addEventListener("change", () => {
    translate();
    if (lastPhoto) check(lastPhoto);
  });
  $("profile").addEventListener("change", () => lastPhoto && check(lastPhoto));
  $("file").addEventListener("change", () => {
    if (!$("file").files[0]) return;
    stopCamera();
    check($("file").files[0]);
  });
  const drop = $("drop");
  // The file chooser from the keyboard too: the drop zone takes the focus, the input is hidden.
  drop.addEventListener("keydown", (event) => {
    if (event.target === drop && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      $("file").click();
    }
  });
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (!event.dataTransfer.files[0]) return;
    stopCamera();
    check(event.dataTransfer.files[0]);
  });
  $("camera").addEventListener("click", startCamera);
  $("snap").addEventListener("click", snap);
  $("download-crop").addEventListener("click", downloadCrop);
  loadProfiles();
}

setUp();

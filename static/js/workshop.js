// The workshop screens' small enhancements. Everything here is optional:
// the pages work as plain HTML forms without it.

// Sound at zero: off unless the facilitator turns it on, remembered in this
// browser only. Browsers let a page play sound only after someone has
// clicked on it: the click that starts the timer readies it.
const SOUND = "workshop-timer-sound";
let audio = null;
function soundOn() {
  try {
    return localStorage.getItem(SOUND) === "on";
  } catch {
    return false;
  }
}
function readyAudio() {
  const Context = window.AudioContext ?? window.webkitAudioContext;
  if (!soundOn() || !Context) return;
  audio ??= new Context();
  if (audio.state === "suspended") audio.resume();
}
function beep() {
  readyAudio();
  if (!audio) return;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = 880;
  volume.gain.setValueAtTime(0.2, audio.currentTime);
  volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.8);
  tone.connect(volume).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.8);
}
function showSoundToggle() {
  for (const toggle of document.querySelectorAll("[data-timer-sound]")) {
    toggle.hidden = false;
    const box = toggle.querySelector("input");
    if (box) box.checked = soundOn();
  }
}
showSoundToggle();
document.addEventListener("htmx:load", showSoundToggle);
document.addEventListener("change", (event) => {
  if (!event.target.closest?.("[data-timer-sound]")) return;
  try {
    if (event.target.checked) localStorage.setItem(SOUND, "on");
    else localStorage.removeItem(SOUND);
  } catch {
    // Private browsing without storage: no sound.
  }
  readyAudio();
});
document.addEventListener("click", readyAudio);

// The room clock (templates/workshops/includes/timer.html): a visual cue
// only, the same on the facilitator's screen, presenter mode and every
// phone. The server renders the time left as text; this counts it down to
// the room's deadline (data-deadline, in ms on the server's clock), so
// every screen reaches zero together, however late its copy arrived.
// How far this device's clock is off the server's (a phone set minutes
// wrong still agrees) comes from the server's clock read as it arrives:
// the "now" each stream opens with, and the data-now of a clock drawn for
// this screen (a page, a phone's room). Each reading is the true
// difference less the time it took to arrive, so the largest is the
// nearest. A clock pushed to every screen (drawn once, sent later)
// carries no data-now: its deadline needs none.
let serverAhead = null; // ms the server's clock is ahead of this device's
function serverSaid(now, arrived) {
  const ahead = Number(now) - arrived;
  if (Number.isFinite(ahead)) serverAhead = Math.max(serverAhead ?? ahead, ahead);
}
const navigation = performance.getEntriesByType?.("navigation")[0];
// When this page's own HTML arrived (its first byte), else now.
const pageArrived = navigation ? performance.timeOrigin + navigation.responseStart : Date.now();
for (const timer of document.querySelectorAll("[data-timer][data-now]")) {
  serverSaid(timer.dataset.now, pageArrived);
  timer.dataset.synced = "true";
}
const secondsLeft = (timer) =>
  timer.dataset.running === "true"
    ? Math.max(0, Math.ceil((Number(timer.dataset.deadline) - Date.now() - (serverAhead ?? 0)) / 1000))
    : Number(timer.dataset.remaining) || 0;

// A polite word for screen readers at one minute left and at zero, once
// each per run of the clock (never the countdown itself), and the
// facilitator's beep at zero if they turned it on.
let heard = null; // the running clock last seen: its deadline and seconds left
function say(words) {
  const region = document.querySelector("[data-timer-announce]");
  if (region) region.textContent = words;
}
function listen(timer, left) {
  const deadline = timer.dataset.running === "true" ? timer.dataset.deadline : null;
  if (heard?.deadline === deadline) {
    if (heard.left > 60 && left <= 60 && left > 0) say("One minute left.");
    if (heard.left > 0 && left === 0) {
      say("Time is up.");
      // Only the screen the facilitator turned it on for: not presenter
      // mode open in the same browser.
      if (soundOn() && document.querySelector("[data-timer-sound]")) beep();
    }
  } else if (deadline) {
    say(""); // a new run: its words are heard afresh
  }
  heard = deadline ? { deadline, left } : null;
}

function tick() {
  for (const timer of document.querySelectorAll("[data-timer]")) {
    if (timer.dataset.now && !timer.dataset.synced) {
      serverSaid(timer.dataset.now, Date.now()); // drawn for this screen, just swapped in
      timer.dataset.synced = "true";
    }
    const left = secondsLeft(timer);
    const display = timer.querySelector("[data-timer-display]");
    const shows = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    if (display && display.textContent !== shows) display.textContent = shows;
    const label = timer.querySelector("[data-timer-label]");
    const state = left === 0 ? "time is up" : "running";
    if (label && timer.dataset.running === "true" && label.textContent !== state) {
      label.textContent = state;
    }
    timer.classList.toggle("app-timer--done", left === 0);
    listen(timer, left);
  }
}
tick();
// Four times a second: screens side by side turn over together, not up to
// a second apart.
setInterval(tick, 250);
document.addEventListener("htmx:load", tick);

// A clock pushed again with the same state (every vote redraws the shared
// screen) is left alone: the minutes being chosen stay chosen.
const sameClock = (timer, state) =>
  timer?.matches?.("[data-timer]") && state != null && timer.dataset.timerState === state;
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const state = /data-timer-state="([^"]*)"/.exec(event.detail.data ?? "")?.[1];
  if (sameClock(event.target, state)) event.preventDefault();
});
document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const state = event.detail.fragment?.firstElementChild?.dataset?.timerState;
  if (sameClock(event.target, state)) event.detail.shouldSwap = false;
});


// Autosaving notes needs nothing here: the form's hx-trigger saves after a
// pause in typing and on "change", which fires when the field loses focus, so
// clicking "Next" sends the last words before the page moves on.

// A dropped connection must not look like a save: say so beside the notes.
// The text stays in the form and is sent again every few seconds until it
// lands (an app server restarting, conference Wi-Fi), so notes typed just
// before the connection dropped are not lost. A retry carries the revision
// the text started from, so it can never overwrite newer notes.
const RETRY_MS = 2000;
function notSaved(event) {
  const form = event.detail.elt.closest?.("form[data-autosave]");
  const status = form?.querySelector("#record-status");
  if (!status) return;
  status.textContent =
    "Not saved yet: the connection dropped. Your text is still here and is saved as soon as the connection is back.";
  status.classList.add("app-record__status--error");
  if (form.dataset.retrying) return;
  form.dataset.retrying = "true";
  setTimeout(() => {
    delete form.dataset.retrying;
    if (form.isConnected) window.htmx?.trigger(form, "change");
  }, RETRY_MS);
}
document.addEventListener("htmx:sendError", notSaved);
document.addEventListener("htmx:responseError", notSaved);
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) {
    event.detail.elt.closest?.("form[data-autosave]")
      ?.querySelector("#record-status")
      ?.classList.remove("app-record__status--error");
  }
});

// Moving on (Next, a step, Reveal, Pause) must not drop notes still being
// saved: a save queued behind one in flight would never be sent once the
// page navigates. So a form submitted while the notes differ from what was
// last saved, or while a save is in flight, waits for the save to land, then
// goes. If the save cannot land (the service is down), the page stays, with
// the notes in it.
function notesState(form) {
  const data = new FormData(form);
  return ["area", "score", "helps", "holds_back"].map((name) => data.get(name) ?? "").join("\u0000");
}
document.addEventListener("htmx:load", () => {
  for (const form of document.querySelectorAll("form[data-autosave]")) {
    form.dataset.saved ??= notesState(form);
  }
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest?.("form[data-autosave]");
  if (form) form.dataset.sending = notesState(form);
});
function landed(event) {
  // A conflict or an invalid form answers with the form redrawn elsewhere.
  return event.detail.successful && !event.detail.xhr.getResponseHeader("HX-Retarget");
}
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt.closest?.("form[data-autosave]");
  if (form && landed(event)) form.dataset.saved = form.dataset.sending;
});
document.addEventListener(
  "submit",
  (event) => {
    const notes = document.querySelector("form[data-autosave]");
    const leaving = event.target;
    if (!notes || !window.htmx || leaving === notes || leaving.dataset.afterSave) return;
    const busy = notes.classList.contains("htmx-request");
    if (!busy && notes.dataset.saved === notesState(notes)) return;
    event.preventDefault();
    event.stopPropagation(); // htmx-driven forms (Reveal) wait too
    const submitter = event.submitter;
    const proceed = (done) => {
      if (!notes.contains(done.detail.elt) && done.detail.elt !== notes) return;
      if (!landed(done) || notes.dataset.saved !== notesState(notes)) return;
      document.removeEventListener("htmx:afterRequest", proceed);
      leaving.dataset.afterSave = "true";
      leaving.requestSubmit(submitter);
    };
    document.addEventListener("htmx:afterRequest", proceed);
    if (!busy) window.htmx.trigger(notes, "change");
  },
  true,
);

// While the service cannot be reached, say so once at the top of the page.
// Polling carries on by itself; the notice goes when a request gets through.
let offline = null;
function showOffline(event) {
  keepVote(event);
  if (!offline) {
    offline = document.createElement("div");
    offline.className = "nhsuk-warning-callout app-offline";
    offline.setAttribute("role", "alert");
    document.querySelector("main")?.prepend(offline);
  }
  const lines = [
    "We cannot reach the service just now. Keep this page open: it carries on by itself when the connection is back.",
  ];
  if (pendingVote) {
    lines.push(
      `Your vote (level ${pendingVote.data.level}) is not in yet. This phone sends it again by itself as soon as the service answers.`,
    );
  }
  offline.replaceChildren(
    ...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })),
  );
}
function clearOffline() {
  if (offline) {
    offline.remove();
    offline = null;
  }
}
document.addEventListener("htmx:afterRequest", (event) => {
  // The notice stays while a vote is still to be sent again.
  if (event.detail.successful && !pendingVote) clearOffline();
});

// A vote the service did not take (no answer, or a 5xx such as the 503 of
// a database fail-over) is kept and sent again by itself, after the
// Retry-After the service gave or a few seconds, until the service answers.
// Only the latest: a newer vote replaces it.
let pendingVote = null;
let voteTimer = null;
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.detail.elt.closest?.("form[data-vote-form]");
  if (!form) return;
  const data = Object.fromEntries(event.detail.formData ?? new FormData(form));
  form.dataset.sent = JSON.stringify({ url: event.detail.path, data });
});
function keepVote(event) {
  // Called for htmx:sendError and htmx:responseError, before the notice.
  const form = event.detail.elt.closest?.("form[data-vote-form]");
  if (!form?.dataset.sent) return;
  pendingVote = JSON.parse(form.dataset.sent);
  retryVote(event.detail.xhr?.getResponseHeader("Retry-After"));
}
document.addEventListener("htmx:afterRequest", (event) => {
  const status = event.detail.xhr?.status ?? 0;
  if (event.detail.elt.closest?.("form[data-vote-form]") && status && status < 500) {
    pendingVote = null; // this vote was answered: the one kept is older
  }
});
function retryVote(retryAfter) {
  clearTimeout(voteTimer);
  const seconds = Number.parseInt(retryAfter, 10);
  const wait = (Number.isFinite(seconds) ? seconds : 2) * 1000 + Math.random() * 1000;
  voteTimer = setTimeout(sendPendingVote, wait);
}
async function sendPendingVote() {
  const vote = pendingVote;
  if (!vote) return;
  try {
    const response = await fetch(vote.url, {
      method: "POST",
      body: new URLSearchParams(vote.data),
      headers: { "HX-Request": "true", "X-CSRFToken": vote.data.csrfmiddlewaretoken ?? "" },
      credentials: "same-origin",
    });
    if (response.status >= 500) {
      retryVote(response.headers.get("Retry-After"));
      return;
    }
    if (pendingVote === vote) pendingVote = null;
    clearOffline();
    if (response.redirected) {
      location.assign(response.url); // no longer in the room: the join page says why
      return;
    }
    // Taken (what changed of this phone's own), or refused with the reason
    // (voting closed meanwhile: the phone's room, drawn as after any vote).
    await answered(response, null);
  } catch {
    retryVote(null); // still no answer
  }
}
document.addEventListener("htmx:sendError", showOffline);
document.addEventListener("htmx:responseError", showOffline);

// After a vote the phone's voting region is redrawn: keep keyboard and
// screen reader users on the level they chose (it now says "Your vote").
document.addEventListener("htmx:afterSwap", (event) => {
  if (!event.detail.requestConfig?.verb || event.detail.requestConfig.verb !== "post") return;
  const chosen = document.querySelector("#room .app-vote--chosen");
  if (chosen) chosen.focus();
});

// Print button on the summary: shown only when it can work.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Phones: announce what changed (a reveal, voting opened again, the notes
// or the dots shown) in a live region that stays in the page while the
// room's region is redrawn, so a screen reader hears it once.
let announced = document.querySelector("#room")?.dataset.announce ?? null;
function announce() {
  const room = document.querySelector("#room");
  const region = document.querySelector("#announce");
  if (!room || !region) return;
  if (room.dataset.announce !== announced) {
    announced = room.dataset.announce;
    region.textContent = announced;
  }
}
document.addEventListener("htmx:afterSwap", announce);

// A phone's own: its votes ("area:round" to level), its notes by area and
// its dots by area, as the service drew them into its room (#mine), and
// as each of its posts' answers says they now are. The room pushed to
// every phone alike (workshops/streams.py) shows nobody's; this phone
// marks its own on it, and again after each of its posts, without asking
// the service for its room.
function readMine(root) {
  try {
    return JSON.parse(root?.querySelector?.("#mine")?.textContent ?? "null");
  } catch {
    return null;
  }
}
let mine = readMine(document);
function noteItem(template, note, number) {
  const item = template.content.firstElementChild.cloneNode(true);
  item.className = `app-my-note app-my-note--${note.kind}`;
  item.querySelector("[data-note-label]").textContent = note.label;
  const text = item.querySelector("[data-note-text]");
  text.replaceChildren();
  note.text.split("\n").forEach((line, index) => {
    if (index) text.append(document.createElement("br"));
    text.append(line);
  });
  const edit = item.querySelector("[data-note-edit]");
  if (edit) edit.setAttribute("href", `?edit=${note.id}#note-form`);
  const remove = item.querySelector("[data-note-delete]");
  if (remove) remove.value = String(note.id);
  for (const span of item.querySelectorAll("[data-note-number]")) span.textContent = String(number);
  return item;
}
function markMine(room = document.querySelector("#room")) {
  if (!room || !mine) return;
  const welcome = room.querySelector("[data-mine-welcome]");
  if (welcome) welcome.textContent = mine.name ? `Welcome, ${mine.name}. ` : "";
  for (const part of room.querySelectorAll("[data-mine-summary]")) {
    part.hidden = (part.dataset.mineSummary === "by-email") === Boolean(mine.summary);
  }
  const level = mine.votes?.[room.dataset.voteKey];
  for (const button of room.querySelectorAll("button.app-vote")) {
    const chosen = level != null && button.value === String(level);
    button.classList.toggle("app-vote--chosen", chosen);
    button.setAttribute("aria-pressed", String(chosen));
    const tag = button.querySelector(".app-vote__mine");
    if (tag) tag.hidden = !chosen;
  }
  for (const part of room.querySelectorAll("[data-mine-chose]")) {
    part.hidden = (part.dataset.mineChose === "none") === (level != null);
  }
  const chose = room.querySelector("[data-mine-level]");
  if (chose) chose.textContent = level ?? "";
  const list = room.querySelector("[data-my-notes]");
  const template = room.querySelector("template[data-my-note]");
  if (list && template) {
    const notes = mine.notes?.[list.dataset.myNotes] ?? [];
    list.replaceChildren(...notes.map((note, index) => noteItem(template, note, index + 1)));
    list.hidden = !notes.length;
    window.htmx?.process(list);
    const left = Math.max(Number(room.dataset.notesPerArea) - notes.length, 0);
    const form = room.querySelector("form[data-note-form]");
    const editing = Boolean(form?.querySelector("input[name=note]"));
    if (form && !editing) form.hidden = !left;
    const full = room.querySelector("[data-notes-full]");
    if (full) full.hidden = Boolean(left || editing);
    for (const count of room.querySelectorAll("[data-notes-left]")) count.textContent = String(left);
  }
  const rows = room.querySelectorAll("[data-dot-area]");
  if (rows.length) {
    const placed = Object.values(mine.dots ?? {}).reduce((sum, n) => sum + n, 0);
    const left = Math.max(Number(room.dataset.dotsPerParticipant) - placed, 0);
    const count = room.querySelector("[data-dots-left]");
    if (count) count.textContent = String(left);
    for (const row of rows) {
      const n = mine.dots?.[row.dataset.dotArea] ?? 0;
      const shown = row.querySelector("[data-my-dots]");
      if (shown) shown.textContent = String(n);
      const remove = row.querySelector("[data-dot-remove]");
      if (remove) remove.hidden = !n;
      const add = row.querySelector("[data-dot-add]");
      if (add) add.disabled = !left;
    }
  }
}
// A room drawn for this phone (a page, a poll's answer, a refused post's
// answer) brings its own; one pushed to every phone is marked.
document.addEventListener("htmx:afterSwap", () => {
  const room = document.querySelector("#room");
  mine = readMine(room) ?? mine;
  markMine(room);
});
// A post taken: its answer (workshops/phone.py `_taken`) is what changed
// of this phone's own and what to say. Any error the room showed from an
// earlier refusal goes with it.
function taken(answer, form) {
  mine = {
    ...(mine ?? {}),
    votes: { ...(mine?.votes ?? {}), ...(answer.mine.votes ?? {}) },
    notes: { ...(mine?.notes ?? {}), ...(answer.mine.notes ?? {}) },
    dots: answer.mine.dots ?? mine?.dots ?? {},
  };
  const room = document.querySelector("#room");
  if (!room) return;
  for (const error of room.querySelectorAll(".app-phone-error, .nhsuk-error-message, #kept-note")) {
    error.remove();
  }
  for (const group of room.querySelectorAll(".nhsuk-form-group--error")) {
    group.classList.remove("nhsuk-form-group--error");
  }
  for (const field of room.querySelectorAll(".nhsuk-textarea--error")) {
    field.classList.remove("nhsuk-textarea--error");
  }
  room.querySelector("fieldset[aria-describedby=vote-error]")?.removeAttribute("aria-describedby");
  if (form?.matches("form[data-note-form]")) {
    const drafts = read(DRAFTS, {});
    delete drafts[draftKey(form)];
    write(DRAFTS, drafts);
    form.querySelector("textarea[name=text]").value = "";
    for (const kind of form.querySelectorAll("input[name=kind]")) kind.checked = false;
  }
  markMine(room);
  const said = room.querySelector(answer.where === "vote" ? "[data-vote-said]" : "[data-phone-said]");
  if (said) said.textContent = answer.said;
  if (answer.where === "vote") room.querySelector(".app-vote--chosen")?.focus();
}
document.addEventListener("htmx:afterRequest", (event) => {
  const xhr = event.detail.xhr;
  if (!event.detail.successful || xhr?.getResponseHeader("X-Phone-Answer") !== "mine") return;
  try {
    taken(JSON.parse(xhr.responseText), event.detail.elt.closest?.("form"));
  } catch {
    window.htmx?.trigger(document.querySelector("#room"), "refresh");
  }
});
// What a post sent again by this page itself (a vote or a note kept while
// the service could not be reached) was answered: the change, or the room.
async function answered(response, form) {
  if (response.headers.get("X-Phone-Answer") === "mine") {
    taken(await response.json(), form);
    return;
  }
  const room = document.querySelector("#room");
  if (room && response.ok) {
    room.outerHTML = await response.text();
    const fresh = document.querySelector("#room");
    mine = readMine(fresh) ?? mine;
    window.htmx?.process(fresh);
  }
}

// A note is never lost on the phone. What is typed is kept in
// localStorage as it is typed (so a redraw of the screen, a reload or a
// closed tab keeps it); a note sent while the service cannot be reached
// is kept in a queue on the phone and sent again every few seconds until
// the service says it is saved (X-Note-Saved), and the phone says so.
const DRAFTS = "workshop-note-drafts";
const QUEUE = "workshop-note-queue";
const read = (name, fallback) => {
  try {
    return JSON.parse(localStorage.getItem(name)) ?? fallback;
  } catch {
    return fallback;
  }
};
const write = (name, value) => {
  try {
    localStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Private browsing without storage: the note stays in the form.
  }
};
function noteForm() {
  return document.querySelector("form[data-note-form]");
}
function draftKey(form) {
  const editing = form.querySelector("input[name=note]")?.value;
  return `${form.dataset.noteForm}:${editing || "new"}`;
}
function saveDraft(form) {
  const drafts = read(DRAFTS, {});
  const text = form.querySelector("textarea[name=text]")?.value ?? "";
  if (text.trim()) drafts[draftKey(form)] = text;
  else delete drafts[draftKey(form)];
  write(DRAFTS, drafts);
}
function restoreDraft() {
  const form = noteForm();
  if (!form) return;
  const area = form.querySelector("textarea[name=text]");
  const draft = read(DRAFTS, {})[draftKey(form)];
  if (area && draft && !area.value) area.value = draft;
  showQueued();
}
function showQueued() {
  const status = noteForm()?.querySelector("[data-note-status]");
  const waiting = read(QUEUE, []).length;
  if (!status) return;
  status.textContent = waiting
    ? `${waiting === 1 ? "1 note is" : `${waiting} notes are`} kept on this phone: we cannot reach the service just now. ${waiting === 1 ? "It is" : "They are"} sent as soon as the connection is back.`
    : "";
  status.classList.toggle("app-note-status--waiting", waiting > 0);
}
document.addEventListener("input", (event) => {
  const form = event.target.closest?.("form[data-note-form]");
  if (form) saveDraft(form);
});
document.addEventListener("htmx:load", restoreDraft);
// Saved: forget the draft before the new screen is drawn (it would be
// restored into the empty form otherwise). The form is the request's
// element: htmx sets the event's own `elt` to the swap's target (#room).
document.addEventListener("htmx:beforeSwap", (event) => {
  const form = event.detail.requestConfig?.elt?.closest?.("form[data-note-form]");
  if (form && event.detail.xhr?.getResponseHeader("X-Note-Saved")) {
    const drafts = read(DRAFTS, {});
    delete drafts[draftKey(form)];
    write(DRAFTS, drafts);
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt.closest?.("form[data-note-form]");
  if (!form || event.detail.xhr?.getResponseHeader("X-Note-Saved")) return;
  const status = event.detail.xhr?.status ?? 0;
  // Not reached (no answer, or the server failed): queue it on the phone.
  if (!event.detail.successful && (status === 0 || status >= 500)) {
    const data = Object.fromEntries(new FormData(form));
    const queue = read(QUEUE, []);
    queue.push({ url: form.action, data });
    write(QUEUE, queue);
    const drafts = read(DRAFTS, {});
    delete drafts[draftKey(form)];
    write(DRAFTS, drafts);
    form.querySelector("textarea[name=text]").value = "";
    showQueued();
  }
});
// Someone typing a note is not interrupted by the room redrawing itself:
// it tries again in two seconds (the draft is kept either way).
document.addEventListener("htmx:beforeSwap", (event) => {
  const typing = document.activeElement?.closest?.("form[data-note-form]");
  if (typing && event.detail.requestConfig?.verb === "get" && typing.closest("#room")) {
    if (document.activeElement.value?.trim()) {
      event.detail.shouldSwap = false;
      setTimeout(refreshRoom, POLL_MS);
    }
  }
});
let flushing = false;
async function flushQueue() {
  const queue = read(QUEUE, []);
  if (flushing || !queue.length) return;
  flushing = true;
  try {
    while (queue.length) {
      const { url, data } = queue[0];
      const response = await fetch(url, {
        method: "POST",
        body: new URLSearchParams(data),
        headers: { "HX-Request": "true", "X-CSRFToken": data.csrfmiddlewaretoken ?? "" },
        credentials: "same-origin",
      });
      if (!response.ok) break;
      queue.shift();
      write(QUEUE, queue);
      // Taken, or refused (the notes were shown meanwhile, or the limit
      // reached): the answer shows the reason with the text back in the form.
      await answered(response, null);
      restoreRefused(data.text);
    }
  } catch {
    // Still unreachable: try again shortly.
  } finally {
    flushing = false;
    showQueued();
  }
}
function restoreRefused(text) {
  const area = noteForm()?.querySelector("textarea[name=text]");
  if (area && !area.value && document.querySelector("#room .app-phone-error")) area.value = text;
}
setInterval(flushQueue, 3000);
window.addEventListener("online", flushQueue);

// The live room, pushed (workshops/streams.py). Each screen holds one
// server-sent events stream through htmx's SSE extension:
// - a phone is sent the room's key and asks for its own room again when the
//   key it shows is not the room's;
// - the shared screen and presenter mode are sent their live region and the
//   cards, which the extension swaps in (data-sse-swap), and "reload" when
//   the step moves on.
// The browser reconnects a dropped stream by itself (after the server's
// "retry", spread out), and the extension backs off when it is refused;
// each new stream starts with the current state. A "ping" comes every
// LIVE_HEARTBEAT_SECONDS. If nothing comes for 10 s after the page opens
// or twice the heartbeat later (a proxy that buffers, a browser without
// EventSource), or the stream drops, the page polls every 2 s instead,
// until the stream speaks again.
const POLL_MS = 2000;
// The phones' room, pushed: the same for every phone, with the room's key
// as its id. This phone marks its own on it. Someone typing a note is not
// interrupted: it waits until they pause (the draft is kept either way).
let pushed = null;
function pushedRoom(html, key) {
  pushed = { html, key };
  latestKey = key;
  const room = document.querySelector("#room[data-key]");
  if (!room || room.dataset.key === key) {
    pushed = null;
    return;
  }
  const typing = document.activeElement?.closest?.("form[data-note-form]");
  if (typing && room.contains(typing) && document.activeElement.value?.trim()) {
    setTimeout(() => pushed && pushedRoom(pushed.html, pushed.key), POLL_MS);
    return;
  }
  pushed = null;
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const fresh = holder.querySelector("#room");
  if (!fresh) return;
  room.replaceWith(fresh);
  markMine(fresh);
  window.htmx?.process(fresh);
  announce();
}
const FIRST_WORD_MS = 10000;
let latestKey = null;
let quietAfter = Date.now() + FIRST_WORD_MS;
let polling = null;
function refreshRoom() {
  const room = document.querySelector("#room[data-key]");
  if (room && latestKey !== null && room.dataset.key !== latestKey) {
    window.htmx?.trigger(room, "refresh");
  }
}
// The room changed again while it was being asked for (the timer started,
// then paused at once): ask again as soon as the answer is in, rather than
// at the next ping.
document.addEventListener("htmx:afterSettle", refreshRoom);
function poll() {
  const region = document.querySelector("[data-live-poll]");
  if (region) window.htmx?.trigger(region, "refresh");
}
function stopPolling() {
  if (polling !== null) {
    clearInterval(polling);
    polling = null;
  }
}
let heartbeatMs = 15000;
// What this screen shows: a phone its room's key, a shared screen the
// workshop's version its live region was drawn at.
function shown() {
  const room = document.querySelector("#room[data-key]");
  if (room) return room.dataset.key;
  try {
    return String(JSON.parse(document.querySelector("[data-live-poll]")?.dataset.hxVals).v);
  } catch {
    return null;
  }
}
// A shared screen that has been sent nothing but pings for this long asks
// for its live region once (a 204 if nothing changed), in case it missed
// a change; a phone's check is the key every ping carries.
const RECHECK_MS = 60000;
let lastState = Date.now();
function hear(event) {
  if (quietAfter === Number.POSITIVE_INFINITY) return;
  if (event.type === "ping") {
    heartbeatMs = 1000 * (Number(event.data) || 15);
    // The ping names what this screen was last sent: if the screen shows
    // something else, it asks for the room now.
    const id = event.lastEventId;
    if (id && id !== "None" && shown() !== null && id !== shown()) {
      if (document.querySelector("#room[data-key]")) {
        latestKey = id;
        refreshRoom();
      } else {
        poll();
      }
      lastState = Date.now();
    } else if (!document.querySelector("#room") && Date.now() - lastState > RECHECK_MS) {
      poll();
      lastState = Date.now();
    }
  } else {
    lastState = Date.now();
  }
  quietAfter = Date.now() + 2 * heartbeatMs + 5000;
  stopPolling();
  // The service answers again: the notice that it could not be reached goes.
  if (offline) {
    offline.remove();
    offline = null;
  }
}
const stream = document.querySelector("[data-live-stream]");
let leaving = false;
// A plain form post (not htmx's) takes this page somewhere: from then on a
// reload told by the stream would only race it.
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented && !event.target.closest("[data-hx-post]")) leaving = true;
});
window.addEventListener("pageshow", () => {
  leaving = false;
});
if (stream) {
  stream.addEventListener("htmx:sseOpen", (event) => {
    const source = event.detail.source;
    for (const name of ["room", "live", "cards", "timer", "reload", "ping", "close"]) {
      source.addEventListener(name, hear);
    }
    source.addEventListener("now", (message) => serverSaid(message.data, Date.now()));
    source.addEventListener("room", (message) => pushedRoom(message.data, message.lastEventId));
    // The step moved on: this page is over. Close the stream first (the
    // server ends it too), so its end is not taken for a dropped connection,
    // then open the screen afresh (never re-send a form this page came
    // from). Not while this page is itself leaving: the facilitator's own
    // button (Next, Close) is already taking it where it goes.
    source.addEventListener("reload", () => {
      source.close();
      quietAfter = Number.POSITIVE_INFINITY;
      if (!leaving) window.location.assign(stream.dataset.page || window.location.href);
    });
    // The workshop has closed: nothing more will come, and nothing to poll.
    source.addEventListener("close", () => {
      quietAfter = Number.POSITIVE_INFINITY;
    });
  });
  const startPolling = () => {
    if (polling === null && window.htmx) {
      poll();
      polling = setInterval(poll, POLL_MS);
    }
  };
  setInterval(() => {
    if (Date.now() > quietAfter) startPolling();
  }, 1000);
  // The stream dropped (a restart, the network): the browser reconnects by
  // itself, and until it has, the page polls, so a change is not missed and
  // a service that is really down says so (the notice above).
  stream.addEventListener("htmx:sseError", () => {
    if (quietAfter !== Number.POSITIVE_INFINITY) startPolling();
  });
}

// A level's description opens on demand; on a screen tall and wide enough
// for every description beside the step's controls (a 1080p projector),
// they open by themselves. The facilitator can still close or open each.
const roomy = window.matchMedia("(min-width: 100em) and (min-height: 60em)");
function openLevels() {
  for (const level of document.querySelectorAll("[data-level-details]")) level.open = roomy.matches;
}
openLevels();
roomy.addEventListener("change", openLevels);

// Live capture (feedback/capture.html). No inline scripts: a Content Security Policy forbids them.
// - Enter saves; the field is cleared and ready again at once.
// - Every item carries a key made here; a retry sends the same key, so it never duplicates.
// - What is not saved yet stays on the page (and in localStorage) with a visible Retry.
// - Other facilitators' items arrive by polling a partial with a "since" cursor.
(() => {
  "use strict";
  const root = document.getElementById("capture");
  if (!root) return;

  const meeting = root.dataset.meeting;
  const postUrl = root.dataset.postUrl;
  const pollUrl = root.dataset.pollUrl;
  const sectionUrl = root.dataset.sectionUrl;
  const canCapture = root.dataset.canCapture === "1";
  const POLL_MS = 1500;
  const RETRY_MS = 5000;
  let cursor = parseInt(root.dataset.cursor, 10) || 0;
  let revision = root.dataset.rev;

  const list = document.getElementById("capture-items");
  const countEl = document.getElementById("capture-count");
  const emptyEl = document.getElementById("capture-empty");
  const live = document.getElementById("capture-live");
  const form = document.getElementById("capture-form");
  const pendingList = document.getElementById("capture-pending");
  const pendingSection = document.getElementById("capture-pending-section");
  const storageKey = (name) => `openchair:capture:${meeting}:${name}`;
  // Texts in the reader's language, from the page (data-* on #capture-messages); the
  // English fallback keeps the script working on a page without them.
  const messages = document.getElementById("capture-messages");
  const say = (key, fallback, value = "") =>
    ((messages && messages.dataset[key]) || fallback).replace("{value}", value);

  const store = {
    get(name, fallback) {
      try {
        const raw = window.localStorage.getItem(storageKey(name));
        return raw === null ? fallback : JSON.parse(raw);
      } catch (_error) {
        return fallback;
      }
    },
    set(name, value) {
      try {
        window.localStorage.setItem(storageKey(name), JSON.stringify(value));
      } catch (_error) {
        /* private mode or full: the page itself still holds the text */
      }
    },
  };

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"] || "";
    } catch (_error) {
      return "";
    }
  }

  function announce(message) {
    if (live) live.textContent = message;
  }

  // ---- the list of saved items (newest first) ----------------------------------------
  // The page shows the latest items and loads older ones on demand ("Older items"), so
  // the count is the server's (data-total, with every poll that brought changes), plus
  // the items this page saw arrive since.
  let total = parseInt(root.dataset.total, 10) || 0;
  function updateCount() {
    const shown = list.querySelectorAll(":scope > li").length;
    if (countEl) countEl.textContent = String(Math.max(total, shown));
    if (emptyEl) emptyEl.hidden = shown > 0;
  }

  function oldestShown() {
    const last = list.lastElementChild;
    return last ? parseInt(last.dataset.number, 10) || 0 : 0;
  }

  function placeRow(row) {
    const existing = document.getElementById(row.id);
    if (existing) {
      if (existing.dataset.editing === "1") return;
      existing.replaceWith(row);
    } else {
      const number = parseInt(row.dataset.number, 10);
      const after = Array.from(list.children).find((li) => parseInt(li.dataset.number, 10) < number);
      list.insertBefore(row, after || null);
      total += 1;
    }
    if (window.htmx) window.htmx.process(row);
  }

  function rowsFrom(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  // ---- polling: everyone's items within two seconds ------------------------------------
  let polling = false;
  // The balance meter's clock: asked for every METER_POLLS polls (about half a minute),
  // and at the next poll after this page moved the section.
  const METER_POLLS = 20;
  let pollsSinceMeter = 0;
  let meterWanted = false;
  async function poll() {
    // A page of older items (?before=, the "Older items" link without htmx) stays put.
    if (polling || root.dataset.paged === "1") return;
    polling = true;
    pollsSinceMeter += 1;
    const meter = meterWanted || pollsSinceMeter >= METER_POLLS;
    if (meter) {
      pollsSinceMeter = 0;
      meterWanted = false;
    }
    try {
      const response = await fetch(`${pollUrl}?since=${cursor}&rev=${encodeURIComponent(revision)}&from=${oldestShown()}${meter ? "&meter=1" : ""}`, {
        credentials: "same-origin",
        headers: { "X-Capture-Client": "1" },
      });
      if (!response.ok) return;
      const content = rowsFrom(await response.text());
      const meta = content.getElementById("capture-poll");
      if (!meta) return;
      const rows = Array.from(meta.querySelectorAll("li.capture-item"));
      if (meta.dataset.full === "1") {
        const keep = new Set(rows.map((row) => row.id));
        Array.from(list.children).forEach((li) => {
          if (!keep.has(li.id) && li.dataset.editing !== "1") li.remove();
        });
      }
      rows.forEach(placeRow);
      if (meta.dataset.total !== undefined) total = parseInt(meta.dataset.total, 10) || 0;
      // The kind suggestion and the balance meter, recounted by the server whenever
      // items arrived or changed (and the meter's clock every half minute). The open
      // state of the meter's time table is kept.
      meta.querySelectorAll("section.kind-suggestion, section.balance-meter").forEach((fresh) => {
        const shown = document.getElementById(fresh.id);
        if (!shown) return;
        const openBefore = shown.querySelector("details[open]");
        const details = fresh.querySelector("details");
        if (openBefore && details) details.open = true;
        shown.replaceWith(fresh);
      });
      cursor = parseInt(meta.dataset.cursor, 10) || cursor;
      revision = meta.dataset.rev;
      adoptSection(meta.dataset.section);
      updateCount();
    } catch (_error) {
      /* offline for a moment: the next poll catches up */
    } finally {
      polling = false;
    }
  }
  window.setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });
  document.body.addEventListener("htmx:afterSwap", updateCount);
  document.body.addEventListener("htmx:afterSettle", updateCount);

  if (!canCapture || !form) return;

  // ---- capturing ------------------------------------------------------------------------
  const text = form.querySelector("textarea[name=text]");
  const sectionSelect = form.querySelector("select[name=section]");
  const nextSection = document.getElementById("next-section");
  const kindRadios = Array.from(form.querySelectorAll("input[name=kind]"));
  const sentimentRadios = Array.from(form.querySelectorAll("input[name=sentiment]"));
  const sourceRadios = Array.from(form.querySelectorAll("input[name=source]"));
  const moreSummary = document.getElementById("more-summary");
  const defaults = {
    kind: (kindRadios.find((r) => r.defaultChecked) || kindRadios[0] || {}).value,
    sentiment: (sentimentRadios.find((r) => r.defaultChecked) || sentimentRadios[0] || {}).value,
  };
  let pending = store.get("pending", []);

  function check(radios, value) {
    const radio = radios.find((r) => r.value === value);
    if (radio) radio.checked = true;
  }

  function fieldsOf() {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    const fields = {};
    data.forEach((value, name) => {
      fields[name] = String(value);
    });
    fields.idempotency_key = newKey();
    return fields;
  }

  function savePending() {
    store.set("pending", pending.map(({ fields, state, error }) => ({ fields, state, error })));
    if (pendingSection) pendingSection.hidden = pending.length === 0;
  }

  function renderPending(entry) {
    let row = entry.row;
    if (!row) {
      row = document.createElement("li");
      row.className = "capture-item capture-item--pending";
      const textEl = document.createElement("p");
      textEl.className = "capture-item__text";
      const status = document.createElement("p");
      status.className = "capture-item__status small";
      status.setAttribute("role", "status");
      const actions = document.createElement("div");
      actions.className = "capture-item__actions";
      const retry = document.createElement("button");
      retry.type = "button";
      retry.className = "button--small";
      retry.textContent = say("retry", "Retry");
      retry.addEventListener("click", () => send(entry));
      const back = document.createElement("button");
      back.type = "button";
      back.className = "button--small button--secondary";
      back.textContent = say("putBack", "Put back in the field");
      back.addEventListener("click", () => {
        if (text.value.trim()) return announce(say("emptyFirst", "Empty the field first."));
        text.value = entry.fields.text;
        saveDraft();
        dropPending(entry);
        text.focus();
      });
      actions.append(retry, back);
      row.append(textEl, status, actions);
      entry.row = row;
      entry.retryButton = retry;
      pendingList.prepend(row);
    }
    row.querySelector(".capture-item__text").textContent = entry.fields.text;
    const status = row.querySelector(".capture-item__status");
    row.dataset.state = entry.state;
    if (entry.state === "saving") {
      status.textContent = say("saving", "Saving…");
    } else if (entry.state === "rejected") {
      status.textContent = say(
        "notSaved",
        "Not saved: {value}",
        entry.error || say("refused", "the server refused it."),
      );
    } else {
      status.textContent = say(
        "notSavedConnection",
        "Not saved — connection or server problem. Retry (automatic every few seconds).",
      );
    }
    entry.retryButton.disabled = entry.state === "saving";
  }

  function dropPending(entry) {
    pending = pending.filter((e) => e !== entry);
    if (entry.row) entry.row.remove();
    savePending();
  }

  async function send(entry) {
    if (entry.state === "saving") return;
    entry.state = "saving";
    renderPending(entry);
    const body = new URLSearchParams(entry.fields);
    body.set("csrfmiddlewaretoken", csrfToken());
    try {
      const response = await fetch(postUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Capture-Client": "1", "X-CSRFToken": csrfToken() },
      });
      if (response.ok) {
        const content = rowsFrom(await response.text());
        const row = content.querySelector("li.capture-item");
        // Anything but the saved row (a login page at the end of a redirect, a proxy's
        // page) is not a saved item: keep the text and offer Retry.
        if (!row) throw new Error("unexpected answer");
        dropPending(entry);
        placeRow(row);
        announce(`Item ${row.dataset.number} saved.`);
        updateCount();
        return;
      }
      const message = (await response.text()).slice(0, 300);
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        throw new Error(message);
      }
      entry.state = "rejected";
      entry.error = response.status === 403 ? "your session may have ended: reload the page, then Retry." : message;
    } catch (_error) {
      entry.state = "failed";
      entry.failedAt = Date.now();
    }
    renderPending(entry);
    savePending();
  }

  function submitItem() {
    const value = text.value.trim();
    if (!value) {
      announce(say("typeFirst", "Type what was said first."));
      return;
    }
    const entry = { fields: fieldsOf(), state: "new" };
    entry.fields.text = value;
    pending.push(entry);
    savePending();
    text.value = "";
    saveDraft();
    check(kindRadios, defaults.kind);
    check(sentimentRadios, defaults.sentiment);
    const tags = form.querySelector("input[name=tags]");
    if (tags) tags.value = "";
    updateMoreSummary();
    text.focus();
    send(entry);
  }

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.getAttribute("form") === "section-form") return;
    event.preventDefault();
    submitItem();
  });

  text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      submitItem();
    }
  });

  // ---- draft text survives a reload ----------------------------------------------------
  function saveDraft() {
    store.set("draft", text.value);
  }
  text.addEventListener("input", saveDraft);
  const draft = store.get("draft", "");
  if (draft && !text.value) text.value = draft;

  // ---- shortcuts ------------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const digit = /^Digit(\d)$/.exec(event.code);
    if (digit) {
      const n = parseInt(digit[1], 10);
      if (n >= 1 && n <= kindRadios.length) {
        kindRadios[n - 1].checked = true;
        announce(say("kind", "Kind: {value}", kindRadios[n - 1].parentElement.textContent.trim().split("\n")[0]));
      } else if (n >= 7 && n <= 6 + sentimentRadios.length) {
        sentimentRadios[n - 7].checked = true;
        announce(say("sentiment", "Sentiment: {value}", sentimentRadios[n - 7].parentElement.textContent.trim().split("\n")[0]));
      } else {
        return;
      }
      event.preventDefault();
    } else if (event.code === "KeyG" && sourceRadios.length) {
      const current = sourceRadios.findIndex((r) => r.checked);
      const next = sourceRadios[(current + 1) % sourceRadios.length];
      next.checked = true;
      announce(say("from", "From: {value}", next.parentElement.textContent.trim()));
      event.preventDefault();
    } else if (event.code === "KeyN") {
      event.preventDefault();
      advanceSection();
    }
  });

  // ---- the agenda section, shared by everyone capturing --------------------------------
  let sectionChangedAt = 0;
  function adoptSection(section) {
    if (!section || !sectionSelect || sectionSelect.value === section) return;
    // Someone else moved on; don't fight a change made here a moment ago.
    if (Date.now() - sectionChangedAt < 3000 || document.activeElement === sectionSelect) return;
    sectionSelect.value = section;
    meterWanted = true;
    const name = sectionSelect.options[sectionSelect.selectedIndex].text;
    announce(say("moved", "Another facilitator moved everyone to: {value}", name));
  }

  async function postSection(params) {
    sectionChangedAt = Date.now();
    meterWanted = true;
    const body = new URLSearchParams(params);
    body.set("csrfmiddlewaretoken", csrfToken());
    try {
      const response = await fetch(sectionUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Capture-Client": "1", "X-CSRFToken": csrfToken() },
      });
      if (response.ok) {
        const section = (await response.text()).trim();
        if (sectionSelect && section) sectionSelect.value = section;
        sectionChangedAt = Date.now();
        announce(say("nowOn", "Now on: {value}", sectionSelect.options[sectionSelect.selectedIndex].text));
      }
    } catch (_error) {
      announce(say("sectionFailed", "The section did not change for the others: connection problem."));
    }
  }

  function advanceSection() {
    postSection({ advance: "next" });
  }
  if (nextSection) {
    nextSection.addEventListener("click", (event) => {
      event.preventDefault();
      advanceSection();
    });
  }
  if (sectionSelect) {
    sectionSelect.addEventListener("change", () => postSection({ section: sectionSelect.value }));
  }

  // ---- stage and tags summary -----------------------------------------------------------
  function updateMoreSummary() {
    if (!moreSummary) return;
    const stage = form.querySelector("select[name=stage]");
    const tags = form.querySelector("input[name=tags]");
    const parts = [];
    if (stage && stage.value) parts.push(stage.options[stage.selectedIndex].text);
    if (tags && tags.value.trim()) parts.push(tags.value.trim());
    moreSummary.textContent = parts.length ? `(${parts.join(" · ")})` : "";
  }
  form.addEventListener("change", updateMoreSummary);
  updateMoreSummary();

  // ---- what was not saved before a reload is sent again ----------------------------------
  const restored = pending;
  pending = [];
  restored.forEach((saved) => {
    if (!saved || !saved.fields || !saved.fields.text) return;
    const entry = { fields: saved.fields, state: "failed", error: saved.error };
    pending.push(entry);
    renderPending(entry);
  });
  savePending();
  pending.forEach((entry) => send(entry));

  // Automatic retries leave a failed item alone for a few seconds, so its Retry button is usable.
  window.setInterval(() => {
    pending
      .filter((entry) => entry.state === "failed" && Date.now() - (entry.failedAt || 0) >= RETRY_MS)
      .forEach((entry) => send(entry));
  }, 1000);
  window.addEventListener("online", () => {
    pending.filter((entry) => entry.state === "failed").forEach((entry) => send(entry));
  });
})();

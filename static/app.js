/* Progressive enhancement only: every page works without this file.
   Service worker, update banner, install, save for offline, offline notes, clear my traces. */
(function () {
  "use strict";
  const doc = document;
  const text = (doc.getElementById("js-text") || {}).dataset || {};
  const lang = doc.documentElement.lang;
  const sw = navigator.serviceWorker;
  const $ = (selector) => doc.querySelector(selector);
  const show = (el) => el && el.removeAttribute("hidden");
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
  const kb = (bytes) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.ceil(bytes / 1024)) + " KB";

  // Quick exit (GOV.UK "Exit this page"): the button, or Shift pressed three times, blanks the
  // page at once and replaces it in history, so Back does not come back here.
  const exit = $(".exit");
  const leave = (event) => {
    if (event) event.preventDefault();
    doc.body.hidden = true;
    doc.title = "";
    location.replace(exit.href);
  };
  if (exit) {
    exit.addEventListener("click", leave);
    let presses = [];
    doc.addEventListener("keydown", (event) => {
      if (event.key !== "Shift" || event.repeat) return;
      const now = Date.now();
      presses = presses.filter((t) => now - t < 1000).concat(now);
      if (presses.length >= 3) leave();
    });
  }

  // Listen: only where the phone has a voice for the page's language; nothing is downloaded.
  const listen = $("#listen");
  const speech = window.speechSynthesis;
  if (listen && speech) {
    const base = lang.split("-")[0];
    const voiceFor = () => speech.getVoices().find((v) => v.lang.toLowerCase().split(/[-_]/)[0] === base);
    const offer = () => {
      if (!voiceFor()) return;
      show(listen);
      const [play, pause, stop] = listen.querySelectorAll("button");
      play.onclick = () => {
        if (speech.paused) return speech.resume();
        speech.cancel();
        const utterance = new SpeechSynthesisUtterance($("article").innerText);
        utterance.lang = lang;
        utterance.voice = voiceFor();
        speech.speak(utterance);
      };
      pause.onclick = () => speech.pause();
      stop.onclick = () => speech.cancel();
    };
    offer();
    speech.addEventListener("voiceschanged", offer);
  }

  // A page served from the offline store says when it was saved.
  const savedAt = doc.documentElement.dataset.savedAt;
  if (savedAt && text.savedOn) {
    const note = $("#saved-note");
    note.textContent = fill(text.savedOn, { date: new Date(savedAt).toLocaleDateString(lang, { dateStyle: "long" }) });
    show(note);
  }

  // Clear my traces: every cache, the worker, local storage; then the server's Clear-Site-Data.
  const clearButton = $("#clear-traces");
  if (clearButton) {
    show(clearButton);
    clearButton.addEventListener("click", async () => {
      if (window.caches) for (const name of await caches.keys()) await caches.delete(name);
      if (sw) for (const registration of await sw.getRegistrations()) await registration.unregister();
      try { localStorage.clear(); sessionStorage.clear(); } catch (error) { /* storage disabled */ }
      location.replace(clearButton.dataset.next);
    });
  }

  // After clearing traces, do not store anything again until the reader moves on.
  if (!sw || !/^https?:$/.test(location.protocol) || $("#traces-cleared")) return;

  sw.register("/sw.js", { scope: "/" }).then((registration) => {
    const offerUpdate = (worker) => {
      const banner = $("#update-banner");
      if (!banner || !sw.controller) return;
      show(banner);
      $("#update-reload").addEventListener("click", () => worker.postMessage({ type: "skip-waiting" }));
    };
    if (registration.waiting) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker.addEventListener("statechange", () => worker.state === "installed" && offerUpdate(worker));
    });
  }).catch(() => {});
  let reloading = false;
  sw.addEventListener("controllerchange", () => {
    // Only after the reader asked for the update: a first install must not reload the page.
    if ($("#update-banner") && !$("#update-banner").hidden && !reloading) { reloading = true; location.reload(); }
  });
  sw.ready.then((registration) => registration.active.postMessage({ type: "pack", lang }));
  window.addEventListener("online", () => sw.ready.then((r) => r.active.postMessage({ type: "refresh" })));

  // Install: the browser's prompt where offered; instructions on iOS Safari.
  const install = $("#install");
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    show(install);
    install.querySelector("button").addEventListener("click", () => event.prompt(), { once: true });
  });
  if (/iphone|ipad|ipod/i.test(navigator.userAgent) && !navigator.standalone) show($("#install-ios"));

  // The offline page lists what this phone has stored in this language.
  const available = $("#offline-available");
  if (available && window.caches) {
    fetch("/api/offline/" + lang + ".json").then((r) => r.json()).then(async (list) => {
      const all = list.emergency.concat(...Object.values(list.topics).map((t) => t.pages));
      for (const page of all) {
        if (!page.url.endsWith("/offline") && (await caches.match(page.url))) {
          const item = doc.createElement("li");
          const link = doc.createElement("a");
          link.href = page.url;
          link.textContent = page.title;
          item.append(link);
          available.append(item);
        }
      }
      available.dataset.ready = "yes";
    }).catch(() => {});
  }
  // Save for offline: a topic or the whole language, with size, progress and storage estimate.
  const saver = $("#save-offline");
  if (saver && window.caches) fetch("/api/offline/" + lang + ".json").then((r) => r.json()).then(async (list) => {
    const topic = saver.dataset.topic;
    const pages = topic ? list.topics[topic].pages : Object.values(list.topics).flatMap((t) => t.pages);
    const urls = pages.map((p) => p.url);
    const bytes = pages.reduce((sum, p) => sum + p.bytes, 0);
    const status = saver.querySelector("[role=status]");
    const button = saver.querySelector("button");
    const cache = await caches.open("saved-" + lang);
    const stored = await Promise.all(urls.map((u) => cache.match(u)));
    const setStatus = async (template, values) => {
      let free = "";
      if (navigator.storage && navigator.storage.estimate) {
        const estimate = await navigator.storage.estimate();
        free = " " + fill(text.space, { free: kb(estimate.quota - estimate.usage) });
      }
      status.textContent = fill(template, values) + free;
    };
    saver.dataset.saved = stored.every(Boolean) ? "yes" : "no";
    await setStatus(stored.every(Boolean) ? text.saved : text.size, { size: kb(bytes) });
    show(saver);
    button.addEventListener("click", async () => {
      button.disabled = true;
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      const registration = await sw.ready;
      const key = topic || "all";
      sw.addEventListener("message", async (event) => {
        const data = event.data || {};
        if (data.key !== key) return;
        if (data.type === "save-progress") status.textContent = fill(text.progress, { done: data.done, total: data.total });
        if (data.type === "save-done") { saver.dataset.saved = "yes"; button.disabled = false; await setStatus(text.saved, { size: kb(bytes) }); }
        if (data.type === "save-failed") { button.disabled = false; status.textContent = text.failed; }
      });
      registration.active.postMessage({ type: "save", lang, key, urls });
    });
  }).catch(() => {});

})();

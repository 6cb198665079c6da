/* Service worker. The server prepends `const CONFIG = {version, shell, offline, max_pages}`; see
   offline/__init__.py (the static export rewrites `offline` to its file layout).
   Pages: network first (short timeout), then any cache, then the language's offline page.
   Static files: cache first (their URLs carry a content hash). */
const V = CONFIG.version;
const SHELL = "shell-" + V;
const PAGES = "pages-" + V;
const pack = (lang) => "pack-" + lang + "-" + V;
const SAVED = "saved-"; // saved-<lang>: pages a reader chose to keep; survive updates, refreshed
const MAX_PAGES = CONFIG.max_pages;
const TIMEOUT_MS = 3000;

// Background fetches say so, and the server does not count them as page views (stats/).
const prefetch = (kind, headers = {}) => ({ credentials: "omit", headers: { ...headers, "X-Migrant-Prefetch": kind } });

const langOf = (path) => (path.match(/^\/([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\//) || [])[1];

function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("x-saved-at", new Date().toISOString());
  return response.blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

async function store(cacheName, request, response) {
  const cache = await caches.open(cacheName);
  await cache.put(request, await stamped(response));
  if (cacheName === PAGES) {
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
  }
}

async function fetchAll(cacheName, urls, progress, kind) {
  let done = 0;
  for (const url of urls) {
    const response = await fetch(url, prefetch(kind));
    if (response.ok) await store(cacheName, url, response);
    done += 1;
    if (progress) progress(done, urls.length);
  }
}

async function cachePack(lang) {
  // Pages ask for the pack on every load: only the first storing (per site version) is a save.
  const had = await (await caches.open(pack(lang))).match("/api/offline/" + lang + ".json");
  const response = await fetch("/api/offline/" + lang + ".json", prefetch(had ? "refresh" : "pack"));
  if (!response.ok) return;
  await store(pack(lang), "/api/offline/" + lang + ".json", response.clone());
  const list = await response.json();
  await fetchAll(pack(lang), list.emergency.map((e) => e.url), null, "pack");
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    await (await caches.open(SHELL)).addAll(CONFIG.shell);
    const windows = await self.clients.matchAll({ includeUncontrolled: true, type: "window" });
    for (const client of windows) {
      const url = new URL(client.url);
      const lang = langOf(url.pathname);
      if (lang) await cachePack(lang).catch(() => {});
      await fetch(url.pathname + url.search, prefetch("install")).then((r) => r.ok && store(PAGES, url.pathname + url.search, r)).catch(() => {});
    }
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (!name.endsWith(V) && !name.startsWith(SAVED) && name !== "push-prefs") await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function fromCache(request) {
  const hit = await caches.match(request);
  if (!hit) return null;
  const pages = await caches.open(PAGES);
  if (await pages.match(request)) { // read again: move to the end, so the least recently used go first
    await pages.delete(request);
    await pages.put(request, hit.clone());
  }
  if (!(hit.headers.get("content-type") || "").startsWith("text/html")) return hit;
  const saved = hit.headers.get("x-saved-at") || "";
  const html = (await hit.text()).replace("<html ", '<html data-saved-at="' + saved + '" ');
  return new Response(html, { headers: hit.headers });
}

async function networkFirst(request) {
  const network = fetch(request).then(async (response) => {
    if (response.ok) await store(PAGES, request, response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS, null));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
    return (await fromCache(request)) || (await network);
  } catch (error) {
    const cached = await fromCache(request);
    if (cached) return cached;
    const lang = langOf(new URL(request.url).pathname) || "en";
    return (await fromCache(new Request(CONFIG.offline.replace("{lang}", lang)))) || Response.error();
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/clear" || url.pathname.endsWith("/clear")) return;
  if (url.pathname.startsWith("/static/")) event.respondWith(cacheFirst(request));
  else if (request.mode === "navigate" || url.pathname.startsWith("/api/offline/")) event.respondWith(networkFirst(request));
});

async function refreshSaved() {
  for (const name of await caches.keys()) {
    if (!name.startsWith(SAVED) && !name.startsWith("pack-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const old = await cache.match(request);
      const etag = old && old.headers.get("etag");
      const response = await fetch(request.url, prefetch("refresh", etag ? { "If-None-Match": etag } : {})).catch(() => null);
      if (response && response.status === 200) await cache.put(request, await stamped(response));
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.source && event.source.postMessage(message);
  if (data.type === "skip-waiting") self.skipWaiting();
  else if (data.type === "pack") event.waitUntil(cachePack(data.lang).then(() => reply({ type: "pack-done", lang: data.lang })).catch(() => {}));
  else if (data.type === "refresh") event.waitUntil(refreshSaved());
  else if (data.type === "save") {
    event.waitUntil(fetchAll(SAVED + data.lang, data.urls, (done, total) => reply({ type: "save-progress", key: data.key, done, total }), "save")
      .then(() => reply({ type: "save-done", key: data.key }))
      .catch(() => reply({ type: "save-failed", key: data.key })));
  }
});

/* Push notices: show them in the language they were sent in; tapping opens the page. */
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "Migrant info", {
    body: data.body || "", lang: data.lang || "", icon: "/static/icons/icon-192.png",
    tag: "notice-" + (data.id || "latest"), data: { url: data.url || "/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data.url || "/", self.location.origin).href;
  event.waitUntil((async () => {
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      if (client.url === url && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(url);
  })());
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const saved = await caches.match("/push-prefs");
    if (!saved) return;
    const prefs = await saved.json();
    const key = (await (await fetch("/api/push/key")).json()).publicKey;
    const bytes = Uint8Array.from(atob(key.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const subscription = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
    await fetch("/api/push/subscriptions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subscription: subscription.toJSON(), ...prefs }) });
  })());
});

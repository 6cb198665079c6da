/* "Get warnings": subscribe this phone to push notices. The permission prompt appears only
   after the reader taps the button; nothing happens on page load. */
(function () {
  "use strict";
  const panel = document.getElementById("push-panel");
  if (!panel) return;
  if (/iphone|ipad|ipod/i.test(navigator.userAgent) && !navigator.standalone) {
    document.getElementById("push-ios").hidden = false; // iOS: push only in an installed app
    return;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  panel.hidden = false;
  const lang = document.documentElement.lang;
  const form = document.getElementById("push-form");
  const status = document.getElementById("push-status");
  const start = document.getElementById("push-start");
  const stop = document.getElementById("push-stop");
  const state = (on) => { status.textContent = on ? panel.dataset.on : panel.dataset.off; stop.hidden = !on; };
  const bytes = (b64) => Uint8Array.from(atob(b64.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const registration = () => navigator.serviceWorker.ready;
  let acted = false; // the first state check may finish late: never overwrite what a tap said
  registration().then((r) => r.pushManager.getSubscription()).then((s) => acted || state(!!s)).catch(() => {});

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    acted = true;
    start.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") { status.textContent = panel.dataset.denied; return; }
      const key = (await (await fetch("/api/push/key")).json()).publicKey;
      const reg = await registration();
      const subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(key) });
      const country = form.elements.countries.value;
      const prefs = { lang, topics: [...form.querySelectorAll("input[name=topics]:checked")].map((i) => i.value), countries: country ? [country] : [] };
      const response = await fetch("/api/push/subscriptions", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subscription: subscription.toJSON(), ...prefs }) });
      if (!response.ok) throw new Error(String(response.status));
      await (await caches.open("push-prefs")).put("/push-prefs", new Response(JSON.stringify(prefs)));
      state(true);
    } catch (error) {
      status.textContent = panel.dataset.failed;
    } finally {
      start.disabled = false;
    }
  });

  stop.addEventListener("click", async () => {
    acted = true;
    const subscription = await (await registration()).pushManager.getSubscription();
    if (subscription) {
      await fetch("/api/push/subscriptions", { method: "DELETE", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ endpoint: subscription.endpoint }) });
      await subscription.unsubscribe();
    }
    await caches.delete("push-prefs");
    state(false);
  });
})();

// Tending's service worker. It keeps static files and one offline page, and nothing else:
// never a page someone is signed in to, never a fragment. Pages always come from the server.
const OFFLINE = {{ offline_url|safe }};
const SHELL = {{ shell|safe }};
const STATIC = {{ static_prefix|safe }};
const CACHE = "tending-" + SHELL.join("|").length + "-" + SHELL[0];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // Without cookies: the offline page is the same for everyone.
      cache.addAll([new Request(OFFLINE, { credentials: "omit" }), ...SHELL])
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)))
    ).then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC)) {
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request).then((hit) => hit || fetch(request).then((response) => {
          if (response.ok) cache.put(request, response.clone());
          return response;
        }))
      )
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});

// Web Push: the payload never says anything private; tapping opens Today.
self.addEventListener("push", (event) => {
  let text = "Something new in Tending";
  try {
    const data = event.data ? event.data.json() : null;
    if (data && typeof data.body === "string") text = data.body;
  } catch (e) { /* a payload we can't read still gets the plain words */ }
  event.waitUntil(self.registration.showNotification("Tending", {
    body: text, icon: SHELL[1], tag: "tending",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    for (const w of windows) { if ("focus" in w) { w.navigate("/"); return w.focus(); } }
    return self.clients.openWindow("/");
  }));
});

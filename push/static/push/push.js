// Turning notifications on for this browser: ask, subscribe with the server's VAPID key,
// and send the subscription in an ordinary form post. Without JavaScript the page explains.
(function () {
  "use strict";
  function b64urlToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function bytesToB64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function label() {
    var ua = navigator.userAgent, browser = /Firefox\//.test(ua) ? "Firefox" : /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "A browser";
    var system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iPhone or iPad" : /Mac OS X/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    return system ? browser + " on " + system : browser;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("push-subscribe");
    if (!form || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
    form.hidden = false;
    var unsupported = document.getElementById("push-unsupported");
    if (unsupported) unsupported.hidden = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      Notification.requestPermission().then(function (answer) {
        if (answer !== "granted") throw new Error("not allowed");
        return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
          return navigator.serviceWorker.ready;
        });
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: b64urlToBytes(form.dataset.key),
        });
      }).then(function (subscription) {
        form.elements.endpoint.value = subscription.endpoint;
        form.elements.p256dh.value = bytesToB64url(subscription.getKey("p256dh"));
        form.elements.auth.value = bytesToB64url(subscription.getKey("auth"));
        form.elements.label.value = label();
        form.submit();
      }).catch(function () {
        var note = document.createElement("p");
        note.className = "error";
        note.setAttribute("role", "status");
        note.textContent = "Notifications weren't turned on. If your browser asked, you can allow them in its site settings, then try again.";
        form.after(note);
      });
    });
  });
})();

// Installing Tending like an app: register the service worker (it caches static files and
// the offline page only). Pages work the same without it.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
})();

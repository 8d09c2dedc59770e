// Passkeys: ask the browser to make one (settings) or use one (the sign-in's second step),
// then send its answer in an ordinary form post. The server checks everything; this only
// turns base64url into bytes and back. Without support for passkeys, the page explains.
(function () {
  "use strict";
  function toBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function toText(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function withIds(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }
  function ask(mode, options) {
    options.challenge = toBytes(options.challenge);
    if (mode === "create") {
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = withIds(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }
    options.allowCredentials = withIds(options.allowCredentials);
    return navigator.credentials.get({ publicKey: options });
  }
  function answer(credential) {
    var response = credential.response;
    var sent = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toText(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      sent.response.attestationObject = toText(response.attestationObject);
      sent.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      sent.response.authenticatorData = toText(response.authenticatorData);
      sent.response.signature = toText(response.signature);
      sent.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return JSON.stringify(sent);
  }
  function say(form, words) {
    var note = form.querySelector("[data-passkey-note]");
    if (note) note.textContent = words;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-passkey]");
    var supported = window.isSecureContext && "PublicKeyCredential" in window && navigator.credentials;
    if (!supported) return;
    Array.prototype.forEach.call(forms, function (form) {
      form.hidden = false;
      var place = form.closest("[data-passkey-place]") || document;
      Array.prototype.forEach.call(place.querySelectorAll("[data-passkey-unsupported]"), function (el) {
        el.hidden = true;
      });
      form.addEventListener("submit", function (event) {
        var name = form.querySelector("input[name=name]");
        if (name && !name.value.trim()) return; // the server asks for a name
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        say(form, "Waiting for your passkey…");
        ask(form.dataset.passkey, JSON.parse(form.dataset.passkeyOptions)).then(function (credential) {
          form.querySelector("[data-passkey-answer]").value = answer(credential);
          say(form, "");
          form.submit();
        }).catch(function () {
          button.disabled = false;
          say(form, "The passkey wasn't used. You can try again whenever you're ready.");
        });
      });
    });
  });
})();

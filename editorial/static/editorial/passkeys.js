// Passkeys in the admin (editorial.passkeys): adding one, and signing with one.
//
// A static file, since the admin's policy runs only the site's own scripts; what it
// needs comes from json_script blocks and data- attributes.
//
// Adding: a button with data-passkey-register, data-options-id (the json_script id of
// the options) and data-error-id, in a form with a hidden input passkey_response.
//
// Signing: a button with data-passkey-sign and data-options-url (the "passkey signing
// options" view), in a form with a hidden input passkey_response and either an input
// content_hash or the button's data-content-hash. Pressed, it asks that view for a
// challenge, has the authenticator sign it, puts the answer in passkey_response and
// submits the form (with the button's own name and value, as if it had been pressed).
// Errors go to the element named by data-error-id, or a role=alert line after it.
"use strict";
(function () {
  function fromBase64url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0)).buffer;
  }

  function toBase64url(buffer) {
    let binary = "";
    new Uint8Array(buffer).forEach((byte) => {
      binary += String.fromCharCode(byte);
    });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptor(json) {
    return Object.assign({}, json, { id: fromBase64url(json.id) });
  }

  // The browser's own JSON helpers where it has them (WebAuthn level 3), else by hand.
  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: fromBase64url(json.challenge),
      user: Object.assign({}, json.user, { id: fromBase64url(json.user.id) }),
      excludeCredentials: (json.excludeCredentials || []).map(descriptor),
    });
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: fromBase64url(json.challenge),
      allowCredentials: (json.allowCredentials || []).map(descriptor),
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      return credential.toJSON();
    }
    const response = credential.response;
    const json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  function explain(error) {
    const name = error && error.name;
    if (name === "NotAllowedError") {
      return "The passkey was not used: the request was cancelled or timed out. Press the button to try again.";
    }
    if (name === "InvalidStateError") {
      return "This authenticator already holds one of your passkeys: use it, or choose another authenticator.";
    }
    if (name === "SecurityError") {
      return "This browser refused passkeys for this address.";
    }
    return (error && error.message) || "The passkey could not be used.";
  }

  function errorLine(button) {
    const id = button.getAttribute("data-error-id");
    let line = id ? document.getElementById(id) : null;
    if (!line) {
      line = document.createElement("p");
      line.className = "errornote";
      line.setAttribute("role", "alert");
      line.hidden = true;
      button.insertAdjacentElement("afterend", line);
      button.setAttribute("data-error-id", (line.id = "passkey-error-" + Date.now()));
    }
    return line;
  }

  function start(button) {
    const line = errorLine(button);
    line.hidden = true;
    line.textContent = "";
    if (!window.PublicKeyCredential || !navigator.credentials) {
      fail(button, new Error("This browser cannot use passkeys."));
      return false;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    return true;
  }

  function fail(button, error) {
    const line = errorLine(button);
    line.hidden = false;
    line.textContent = explain(error);
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.focus();
  }

  function answer(form, credential) {
    form.elements.passkey_response.value = JSON.stringify(credentialJSON(credential));
  }

  function register(button) {
    if (!start(button)) {
      return;
    }
    const form = button.form;
    const options = JSON.parse(document.getElementById(button.dataset.optionsId).textContent);
    Promise.resolve()
      .then(() => navigator.credentials.create({ publicKey: creationOptions(options) }))
      .then((credential) => {
        answer(form, credential);
        form.submit();
      })
      .catch((error) => fail(button, error));
  }

  function signingOptions(button) {
    const form = button.form;
    const hash = button.dataset.contentHash || (form.elements.content_hash || {}).value || "";
    const body = new FormData();
    body.append("content_hash", hash);
    return fetch(button.dataset.optionsUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    }).then((response) =>
      response
        .json()
        .catch(() => ({}))
        .then((data) => {
          if (!response.ok) {
            throw new Error(data.error || "The server could not prepare the passkey signature.");
          }
          return data;
        }),
    );
  }

  function sign(button) {
    if (!start(button)) {
      return;
    }
    const form = button.form;
    signingOptions(button)
      .then((options) => navigator.credentials.get({ publicKey: requestOptions(options) }))
      .then((credential) => {
        answer(form, credential);
        if (button.name) {
          const pressed = document.createElement("input");
          pressed.type = "hidden";
          pressed.name = button.name;
          pressed.value = button.value;
          form.appendChild(pressed);
        }
        form.submit();
      })
      .catch((error) => fail(button, error));
  }

  window.imprimaturPasskeys = { register: register, sign: sign };

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button");
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-passkey-register")) {
      register(button);
    } else if (button.hasAttribute("data-passkey-sign")) {
      sign(button);
    }
  });
})();

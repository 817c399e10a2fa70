/* govhall passkeys: sign in with a passkey, and add, rename and remove one's passkeys.
 *
 * Plain JavaScript with no build step, loaded by the templates portal/account/_passkey_sign_in.html
 * (which also serves the second step of a staff sign-in: data-ceremony="second-factor") and
 * portal/account/_passkeys.html. Progressive enhancement: the controls are rendered hidden
 * and shown here only when the browser can use them (PublicKeyCredential for the ceremonies,
 * any script at all for renaming and removing), so without WebAuthn the pages simply offer the
 * other ways to sign in. Every text shown comes from the template (data-msg-* attributes), so it
 * is translated with the rest of the page. The server keeps the challenges; this file only
 * converts between the JSON the API speaks (base64url) and the ArrayBuffers the browser wants.
 */
(function () {
  "use strict";

  if (window.govhallPasskeys) {
    return; // both snippets on one page load this file twice
  }

  var webauthn = !!(
    window.PublicKeyCredential &&
    navigator.credentials &&
    typeof navigator.credentials.create === "function" &&
    typeof navigator.credentials.get === "function"
  );

  // --- base64url <-> ArrayBuffer -------------------------------------------------------

  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      var descriptor = { type: item.type, id: toBuffer(item.id) };
      if (item.transports) {
        descriptor.transports = item.transports;
      }
      return descriptor;
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  /* The JSON form of a PublicKeyCredential (what py_webauthn parses). */
  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults()
        : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports =
        typeof response.getTransports === "function" ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  // --- talking to the API ----------------------------------------------------------------

  function csrfToken(root) {
    var field = root.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  /* Resolves with the JSON body; rejects with {problem} (RFC 9457) or the network error. */
  function api(root, method, path, body) {
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(root) }
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return window.fetch(root.getAttribute("data-api") + path, init).then(function (response) {
      if (response.status === 204) {
        return null;
      }
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok) {
            throw { problem: data };
          }
          return data;
        });
    });
  }

  function message(root, name) {
    return root.getAttribute("data-msg-" + name) || "";
  }

  /* The text to show for a failure: the server's own message, or one for a browser error. */
  function failure(root, error) {
    if (error && error.problem) {
      var problem = error.problem;
      if (problem.errors && problem.errors.length && problem.errors[0].message) {
        return problem.errors[0].message;
      }
      return problem.detail || message(root, "failed");
    }
    if (error && error.name === "NotAllowedError") {
      return message(root, "cancelled");
    }
    if (error && error.name === "InvalidStateError") {
      return message(root, "exists") || message(root, "failed");
    }
    return message(root, "failed");
  }

  function say(root, text, kind) {
    var status = root.querySelector("[data-passkey-status]");
    if (!status) {
      return;
    }
    status.textContent = text;
    status.className = text ? "notice" + (kind === "error" ? " notice--error" : "") : "";
    status.setAttribute("data-kind", kind || "");
  }

  function reveal(root, selector, show) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (element) {
      element.hidden = !show;
    });
  }

  // --- sign-in page --------------------------------------------------------------------

  function setUpSignIn(root) {
    if (!webauthn) {
      reveal(root, "[data-passkey-unsupported]", true); // the page's other ways remain
      return;
    }
    reveal(root, "[data-passkey-webauthn]", true);
    // "sign-in", or "second-factor": confirming a pending staff sign-in (same messages).
    var ceremony = root.getAttribute("data-ceremony") || "sign-in";
    var button = root.querySelector("[data-passkey-sign-in-button]");
    button.addEventListener("click", function () {
      button.disabled = true;
      say(root, message(root, "working"));
      api(root, "POST", ceremony + "/options", {})
        .then(function (options) {
          return navigator.credentials.get({ publicKey: requestOptions(options) });
        })
        .then(function (credential) {
          return api(root, "POST", ceremony + "/verify", {
            credential: credentialJSON(credential),
            next: root.getAttribute("data-next") || ""
          });
        })
        .then(function (result) {
          say(root, message(root, "success"), "success");
          window.location.assign(result.redirect);
        })
        .catch(function (error) {
          say(root, failure(root, error), "error");
          button.disabled = false;
        });
    });
  }

  // --- account page ----------------------------------------------------------------------

  function formatTime(root, iso) {
    var date = new Date(iso);
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: root.getAttribute("data-time-zone") || undefined
      }).format(date);
    } catch (ignored) {
      return date.toLocaleString();
    }
  }

  function showEmptyState(root) {
    var list = root.querySelector("[data-passkey-list]");
    reveal(root, "[data-passkey-empty]", list.children.length === 0);
  }

  function wireCard(root, card) {
    var uuid = card.getAttribute("data-passkey");
    var form = card.querySelector("[data-passkey-rename]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[name=name]");
      var submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      api(root, "PATCH", uuid, { name: input.value })
        .then(function (passkey) {
          card.querySelector("[data-passkey-name]").textContent = passkey.name;
          input.value = passkey.name;
          card.querySelector("details").open = false;
          say(root, message(root, "renamed"), "success");
        })
        .catch(function (error) {
          say(root, failure(root, error), "error");
          input.focus();
        })
        .then(function () {
          submit.disabled = false;
        });
    });
    var remove = card.querySelector("[data-passkey-remove]");
    remove.addEventListener("click", function () {
      if (!window.confirm(message(root, "confirm-remove"))) {
        return;
      }
      remove.disabled = true;
      api(root, "DELETE", uuid)
        .then(function () {
          card.parentNode.removeChild(card);
          showEmptyState(root);
          say(root, message(root, "removed"), "success");
          // The focused button is gone: move focus to the message that says what happened.
          root.querySelector("[data-passkey-status]").focus();
        })
        .catch(function (error) {
          say(root, failure(root, error), "error");
          remove.disabled = false;
        });
    });
  }

  function addCard(root, passkey) {
    var template = root.querySelector("template[data-passkey-template]");
    var holder = document.createElement("ul");
    holder.innerHTML = template.innerHTML.replace(/__UUID__/g, passkey.uuid);
    var card = holder.firstElementChild;
    card.querySelector("[data-passkey-name]").textContent = passkey.name;
    card.querySelector("input[name=name]").value = passkey.name;
    var created = card.querySelector("[data-passkey-created]");
    created.setAttribute("datetime", passkey.created_at);
    created.textContent = formatTime(root, passkey.created_at);
    root.querySelector("[data-passkey-list]").appendChild(card);
    reveal(card, "[data-passkey-js]", true);
    wireCard(root, card);
    showEmptyState(root);
  }

  function setUpManagement(root) {
    reveal(root, "[data-passkey-js]", true);
    Array.prototype.forEach.call(root.querySelectorAll("[data-passkey-list] > li"), function (card) {
      wireCard(root, card);
    });
    if (!webauthn) {
      reveal(root, "[data-passkey-unsupported]", true);
      return;
    }
    reveal(root, "[data-passkey-webauthn]", true);
    var form = root.querySelector("[data-passkey-add]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[name=name]");
      var submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      say(root, message(root, "working"));
      api(root, "POST", "register/options", {})
        .then(function (options) {
          return navigator.credentials.create({ publicKey: creationOptions(options) });
        })
        .then(function (credential) {
          return api(root, "POST", "register/verify", {
            credential: credentialJSON(credential),
            name: input.value
          });
        })
        .then(function (passkey) {
          addCard(root, passkey);
          input.value = "";
          say(root, message(root, "added"), "success");
          // Staff confined to adding a passkey go on where they were headed.
          var next = root.getAttribute("data-after-add");
          if (next) {
            window.location.assign(next);
          }
        })
        .catch(function (error) {
          say(root, failure(root, error), "error");
        })
        .then(function () {
          submit.disabled = false;
        });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-sign-in]"), setUpSignIn);
    Array.prototype.forEach.call(document.querySelectorAll("[data-passkeys]"), setUpManagement);
  }

  window.govhallPasskeys = { supported: webauthn, toBuffer: toBuffer, toBase64url: toBase64url };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

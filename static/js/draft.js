// Keeps what the user typed in this browser until the server has saved it: survives an expired
// session, a failed save (stale CSRF token, conflict) or a closed browser. Progressive
// enhancement only; the server stays the source of truth.
(function () {
  "use strict";
  var form = document.getElementById("fragebogen");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-draft-key");
  var notice = document.getElementById("entwurf-hinweis");

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      // the answer versions the user saw travel with the draft: restoring it later must still
      // detect a colleague's save in between (optimistic locking), never overwrite it silently
      if (!el.name || el.name === "csrf_token" || el.type === "submit") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function apply(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
      } else if (el.type !== "submit") {
        el.value = data[el.name][0] || "";
      }
    });
  }

  function answersOnly(data) {
    var out = {};
    Object.keys(data || {}).sort().forEach(function (name) {
      // what the page was loaded with (versions, answers) and where the user was are no answers
      if (!/^(v-|o-|anker$)/.test(name)) { out[name] = data[name]; }
    });
    return JSON.stringify(out);
  }

  var saved = form.getAttribute("data-draft-saved") === "true";
  var stored = null;
  try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  var serverState = answersOnly(snapshot());
  if (stored && saved && answersOnly(stored) !== serverState) {
    apply(stored);
    notice.textContent = "Nicht gespeicherte Eingaben aus diesem Browser wurden wiederhergestellt. Bitte prüfen und speichern Sie sie.";
    notice.hidden = false;
  } else if (stored && answersOnly(stored) === serverState) {
    window.localStorage.removeItem(key);
  }
  function remember() {
    try { window.localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or disabled */ }
  }
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
})();

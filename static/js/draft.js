// Keeps what the user typed in this browser until the server has saved it: survives an expired
// session, a failed save (stale CSRF token, conflict) or a closed browser. Progressive
// enhancement only; the server stays the source of truth.
//
// The draft holds only the items the user changed on this page, each with the answer version and
// the loaded answer it was changed against (`v-`/`o-` fields): restoring it later still lets the
// server tell a colleague's save in between (optimistic locking), never overwrite it silently.
(function () {
  "use strict";
  var form = document.getElementById("fragebogen");
  if (!form || !window.localStorage) { return; }
  var key = form.getAttribute("data-draft-key");
  var notice = document.getElementById("entwurf-hinweis");
  var BASE = /^[vo]-(.+)$/;

  function itemOf(el) {
    var fieldset = el.closest("fieldset.item");
    if (fieldset) { return fieldset.id.replace(/-fieldset$/, ""); }
    var match = BASE.exec(el.name);
    return match ? match[1] : null;
  }

  // item name -> {answer: {field: [values]}, base: {field: value}}
  function snapshot() {
    var items = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name, item = name && el.type !== "submit" ? itemOf(el) : null;
      if (!item) { return; }
      if (el.closest("fieldset[hidden]")) { return; }  // a question not asked (skip.js): the server ignores it
      var entry = items[item] = items[item] || {answer: {}, base: {}};
      if (BASE.test(name)) {
        entry.base[name] = el.value;
      } else if (el.type === "radio" || el.type === "checkbox") {
        entry.answer[name] = entry.answer[name] || [];
        if (el.checked) { entry.answer[name].push(el.value); }
      } else if (el.type !== "hidden") {
        entry.answer[name] = [el.value];
      }
    });
    return items;
  }

  function answerText(entry) {
    var answer = {};
    Object.keys(entry.answer).sort().forEach(function (name) {
      if (name.indexOf("k-") !== 0) { answer[name] = entry.answer[name]; }  // the conflict choice is no answer
    });
    return JSON.stringify(answer);
  }

  function apply(entry) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name in entry.base) {
        el.value = entry.base[el.name];
      } else if (el.name in entry.answer) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = entry.answer[el.name].indexOf(el.value) !== -1;
        } else if (el.type !== "hidden") {
          el.value = entry.answer[el.name][0] || "";
        }
      }
    });
  }

  function tookTheirs(item, entry) {
    return (entry.answer["k-" + item] || []).indexOf("theirs") !== -1;
  }

  var loaded = snapshot();
  var stored = null;
  try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  var saved = form.getAttribute("data-draft-saved") === "true";
  // a page that came back unsaved (errors, conflicts) shows what was sent: the draft's items stay in it
  var carried = saved ? {} : stored || {};
  var restored = 0;
  if (stored && saved) {
    Object.keys(stored).forEach(function (item) {
      var entry = stored[item], now = loaded[item];
      if (!now || !entry || !entry.answer || tookTheirs(item, entry) || answerText(entry) === answerText(now)) { return; }
      apply(entry);  // with its own base: a colleague's save in between comes back as a conflict
      restored += 1;
    });
  }
  if (restored) {
    notice.textContent = "Nicht gespeicherte Eingaben aus diesem Browser wurden wiederhergestellt. Bitte prüfen und speichern Sie sie.";
    notice.hidden = false;
  }

  function remember() {
    var now = snapshot(), draft = {}, any = false;
    Object.keys(now).forEach(function (item) {
      if (loaded[item] && (item in carried || answerText(now[item]) !== answerText(loaded[item]))) {
        // the base the change was made against: the restored one, if the change came from a draft
        draft[item] = {answer: now[item].answer, base: now[item].base};
        any = true;
      }
    });
    try {
      if (any) { window.localStorage.setItem(key, JSON.stringify(draft)); } else { window.localStorage.removeItem(key); }
    } catch (e) { /* storage full or disabled */ }
  }
  remember();
  form.addEventListener("input", remember);
  form.addEventListener("change", remember);
})();

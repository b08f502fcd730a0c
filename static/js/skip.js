// Shows and hides the questions that apply only after certain answers, as the user answers.
// Progressive enhancement: each such question carries `data-applies-if` from the server, namely
// per condition the answers to another question that hide it, as the values a browser posts
// (`hide`, sorted) and, for a number question, as ranges (`numbers`). Without JavaScript every
// question is shown, and the server hides those that do not apply once the page is saved; the
// server also ignores answers posted for them. A hidden question counts as "Trifft nicht zu",
// so a question depending on a hidden one is hidden too.
(function () {
  "use strict";
  var form = document.getElementById("fragebogen");
  if (!form) { return; }
  var dependents = Array.prototype.map.call(form.querySelectorAll("fieldset[data-applies-if]"), function (fieldset) {
    return {
      fieldset: fieldset,
      note: document.getElementById(fieldset.id.replace(/-fieldset$/, "-entfaellt")),
      conditions: JSON.parse(fieldset.getAttribute("data-applies-if"))
    };
  });
  if (!dependents.length) { return; }

  function hides(condition) {
    var source = document.getElementById(condition.item + "-fieldset");
    if (source && source.hidden) { return true; }
    var chosen = [], typed = [];
    condition.fields.forEach(function (name) {
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) { chosen.push(input.value); }
        } else if (input.value.trim()) {
          typed.push(input.value.trim());
        }
      });
    });
    if (typed.length) {  // a number, unless a reserved answer is chosen as well (then the server asks which)
      if (chosen.length || !/^[+-]?[0-9]+$/.test(typed[0])) { return false; }
      var number = parseInt(typed[0], 10);
      return condition.numbers.some(function (range) { return number >= range[0] && number <= range[1]; });
    }
    var key = JSON.stringify(chosen.sort());
    return condition.hide.some(function (values) { return JSON.stringify(values) === key; });
  }

  var status = document.getElementById("entfall-status");

  function update(event) {
    var before = dependents.map(function (d) { return d.fieldset.hidden; });
    // a question may depend on one that is itself hidden: repeat until nothing changes (no cycles)
    for (var pass = 0; pass <= dependents.length; pass += 1) {
      var changed = false;
      dependents.forEach(function (d) {
        var hidden = d.conditions.some(hides);
        if (d.fieldset.hidden !== hidden) {
          d.fieldset.hidden = hidden;
          if (d.note) { d.note.hidden = !hidden; }
          changed = true;
        }
      });
      if (!changed) { break; }
    }
    var gone = 0, back = 0;
    dependents.forEach(function (d, i) {
      if (d.fieldset.hidden && !before[i]) { gone += 1; }
      if (!d.fieldset.hidden && before[i]) { back += 1; }
    });
    if (event && status && (gone || back)) {  // said to screen readers; the notes show it on the page
      status.textContent = gone ? (gone === 1 ? "Eine Frage entfällt" : gone + " Fragen entfallen") + " nach Ihrer Antwort."
        : (back === 1 ? "Eine Frage wird" : back + " Fragen werden") + " wieder gestellt.";
    }
  }

  // capturing: questions are shown or hidden before draft.js takes its snapshot of the change
  form.addEventListener("change", update, true);
  form.addEventListener("input", update, true);
  update();
})();

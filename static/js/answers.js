// The area page's answers, a little more comfortable with JavaScript (the server applies the same
// rules without it, see scoring/item_kinds.py): a typed number chooses "Keine davon" beside it,
// a reserved answer empties the number, a box that stands alone ("Weiß nicht", an exclusive
// option) unticks the others and the other way round. The item the user was at goes with the
// form (`anker`), so "Zwischenspeichern" and Enter come back to it.
(function () {
  "use strict";
  var form = document.getElementById("fragebogen");
  if (!form) { return; }
  var anchor = form.elements.namedItem("anker");

  function item(el) { return el.closest ? el.closest("fieldset.item") : null; }
  function inputs(name) {
    var found = form.elements.namedItem(name);
    return !found ? [] : found.length === undefined ? [found] : Array.prototype.slice.call(found);
  }

  form.addEventListener("focusin", function (event) {
    var fieldset = item(event.target);
    if (fieldset && anchor) { anchor.value = fieldset.id; }
  });

  // capture: runs before draft.js remembers the form, so the draft holds the tidied answers
  form.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.classList.contains("number") || el.value.trim() === "") { return; }
    inputs(el.name + "-special").forEach(function (radio) { radio.checked = radio.value === ""; });
  }, true);

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.checked || !item(el)) { return; }
    if (el.type === "radio" && el.value !== "" && /-special$/.test(el.name)) {
      inputs(el.name.replace(/-special$/, "")).forEach(function (number) { number.value = ""; });
    } else if (el.type === "checkbox") {
      var alone = el.parentNode.classList.contains("alone");
      inputs(el.name).forEach(function (box) {
        if (box !== el && (alone || box.parentNode.classList.contains("alone"))) { box.checked = false; }
      });
    }
  }, true);
})();

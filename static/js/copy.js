// "Link kopieren": a button with data-copy="ID" copies the text of the element with that id.
// Progressive enhancement: without JavaScript (or clipboard access) the button stays hidden and
// the link can be selected and copied by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var id = button.getAttribute("data-copy");
    var source = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = "Der Link ist in der Zwischenablage."; }
      }, function () {
        if (status) { status.textContent = "Kopieren nicht möglich: Bitte markieren und kopieren Sie den Link selbst."; }
      });
    });
  });
}());

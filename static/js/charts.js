// Render every server-built Plotly figure on the page (no inline scripts: CSP allows 'self' only).
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-figure-source]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-figure-source"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(node, figure.data, figure.layout, { displaylogo: false, responsive: true })
      .then(function () { node.setAttribute("data-rendered", "true"); });
  });
})();

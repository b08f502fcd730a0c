// Render every server-built Plotly figure on the page (no inline scripts: CSP allows 'self' only).
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-figure-source]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-figure-source"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    // no mode bar: its buttons (English, zoom/lasso, "share" to Chart Studio) would be focusable
    // inside the role="img" chart, hidden from screen readers; the data table carries the numbers
    window.Plotly.newPlot(node, figure.data, figure.layout, { displaylogo: false, displayModeBar: false, responsive: true })
      .then(function () { node.setAttribute("data-rendered", "true"); });
  });
})();

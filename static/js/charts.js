// Render every server-built Plotly figure on the page (no inline scripts: CSP allows 'self' only).
// One chart per task: the benchmark report has eight, and drawing them all in one go would block
// the page for a few hundred milliseconds; between two charts the browser answers input.
(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var nodes = Array.prototype.slice.call(document.querySelectorAll("[data-figure-source]"));

  function draw(node) {
    var source = document.getElementById(node.getAttribute("data-figure-source"));
    if (!source) { return Promise.resolve(); }
    var figure = JSON.parse(source.textContent);
    // the figure's own height, on the container: the placeholder's min-height would otherwise pad short
    // charts, and on a window resize Plotly's responsive mode drops layout.height for the container's
    var height = figure.layout && figure.layout.height;
    if (height) { node.style.height = node.style.minHeight = height + "px"; }
    // no mode bar: its buttons (English, zoom/lasso, "share" to Chart Studio) would be focusable
    // inside the role="img" chart, hidden from screen readers; the data table carries the numbers
    return window.Plotly.newPlot(node, figure.data, figure.layout, {
      displaylogo: false, displayModeBar: false, responsive: true,
      // nothing leaves the municipal network: no "edit in Chart Studio" link, no map data from plotly's CDN
      showLink: false, showSendToCloud: false, topojsonURL: ""
    })
      .then(function () { node.setAttribute("data-rendered", "true"); });
  }

  function next() {
    var node = nodes.shift();
    if (node) { draw(node).then(function () { setTimeout(next, 0); }); }
  }
  setTimeout(next, 0);
})();

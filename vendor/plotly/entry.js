// plotly.js core (scatter, cartesian axes, hover, legend) plus the two traces the benchmark report
// draws: box (the quartiles per group) and heatmap (the share per level). Nothing else is bundled.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/box'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;

#!/usr/bin/env bash
# Builds static/vendor/plotly-digicheck.min.js: plotly.js at the version pinned in package.json
# (and package-lock.json) with only the traces the benchmark report draws (entry.js), minified
# by esbuild with plotly.js's own settings. Also copies plotly.js's licence beside it.
#
# Run it after changing entry.js or the pinned version, then commit both files in static/vendor/.
# Needs node and npm with the npm registry; the app and its tests need neither.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../static/vendor"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund
version="$(node -p "require('plotly.js/package.json').version")"
copyright="$(grep -m1 '^Copyright' node_modules/plotly.js/LICENSE)"
banner="/**
* plotly.js v$version, Digi-Check bundle (core, box, heatmap; built by vendor/plotly/build.sh)
* $copyright
* Licensed under the MIT license (plotly-digicheck.LICENSE.txt)
*/"
# maplibre's stylesheet is only required by map traces, which this bundle leaves out
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty \
  --banner:js="$banner" --log-level=warning --outfile="$out/plotly-digicheck.min.js"
cp node_modules/plotly.js/LICENSE "$out/plotly-digicheck.LICENSE.txt"
echo "built $out/plotly-digicheck.min.js from plotly.js $version ($(wc -c <"$out/plotly-digicheck.min.js") bytes)"

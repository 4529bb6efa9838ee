#!/usr/bin/env bash
# Rebuild static/vendor/ from the npm registry, pinned by package.json and package-lock.json.
# The result is committed, so running the app needs neither npm nor a network.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --omit=optional --no-audit --no-fund --loglevel=error; else npm install --omit=optional --no-audit --no-fund --loglevel=error; fi
rm -rf static/vendor/katex
mkdir -p static/vendor/katex/contrib
cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css static/vendor/katex/
cp node_modules/katex/dist/contrib/auto-render.min.js static/vendor/katex/contrib/
cp -r node_modules/katex/dist/fonts static/vendor/katex/fonts
cp node_modules/katex/LICENSE static/vendor/katex/LICENSE
rm -rf static/vendor/swagger-ui
mkdir -p static/vendor/swagger-ui
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
rm -rf static/vendor/hls
mkdir -p static/vendor/hls
cp node_modules/hls.js/dist/hls.min.js node_modules/hls.js/LICENSE static/vendor/hls/
# PDF.js for the textbook reader: the library and its worker only (our own page renderer, not
# pdf_viewer; no cmaps or standard fonts: textbooks embed their fonts, and browsers have the
# standard 14; no wasm decoders or scripting). Its optional dependency (a canvas for Node) is
# not installed.
rm -rf static/vendor/pdfjs
mkdir -p static/vendor/pdfjs
cp node_modules/pdfjs-dist/build/pdf.min.mjs node_modules/pdfjs-dist/build/pdf.worker.min.mjs \
   node_modules/pdfjs-dist/LICENSE static/vendor/pdfjs/
echo "static/vendor: pdfjs-dist $(node -p "require('./node_modules/pdfjs-dist/package.json').version")"
echo "static/vendor: hls.js $(node -p "require('./node_modules/hls.js/package.json').version")"
echo "static/vendor: swagger-ui-dist $(node -p "require('./node_modules/swagger-ui-dist/package.json').version")"
echo "static/vendor: katex $(node -p "require('./node_modules/katex/package.json').version")"

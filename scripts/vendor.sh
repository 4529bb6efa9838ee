#!/usr/bin/env bash
# Rebuild static/vendor/ from the npm registry, pinned by package.json and package-lock.json.
# The result is committed, so running the app needs neither npm nor a network.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
rm -rf static/vendor/katex
mkdir -p static/vendor/katex/contrib
cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css static/vendor/katex/
cp node_modules/katex/dist/contrib/auto-render.min.js static/vendor/katex/contrib/
cp -r node_modules/katex/dist/fonts static/vendor/katex/fonts
cp node_modules/katex/LICENSE static/vendor/katex/LICENSE
echo "static/vendor: katex $(node -p "require('./node_modules/katex/package.json').version")"

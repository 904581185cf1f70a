#!/bin/sh
# Renders the Mermaid block of test/golden/plan.md to docs/img/plan-graph.png with headless
# Chromium and the mermaid package's browser build (no network). Run by hand when the picture
# should change: sh scripts/render-mermaid.sh
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
block=$(awk '/^```mermaid$/{f=1;next} /^```$/{if(f){exit}} f' "$root/test/golden/plan.md")
cat > "$tmp/page.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><style>body{margin:16px;background:#fff;font-family:sans-serif}</style></head>
<body><pre class="mermaid">
$block
</pre>
<script src="file://$root/node_modules/mermaid/dist/mermaid.min.js"></script>
<script>mermaid.initialize({ startOnLoad: true, securityLevel: 'strict' });</script></body></html>
HTML
chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files --hide-scrollbars \
  --virtual-time-budget=5000 --window-size=900,420 --screenshot="$root/docs/img/plan-graph.png" "file://$tmp/page.html" 2>/dev/null
rm -rf "$tmp"
echo "wrote docs/img/plan-graph.png"

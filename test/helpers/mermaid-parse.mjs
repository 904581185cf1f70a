// Checks Mermaid text with Mermaid's own parser (mermaid.parse), in a jsdom window: mermaid sanitizes
// labels with DOMPurify, which needs a DOM. Reads a JSON array of diagram texts on stdin and prints a
// JSON array of { ok, type?, error? } — one per text, in order.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
for (const k of ['Element', 'HTMLElement', 'Node', 'DocumentFragment', 'NodeFilter', 'NamedNodeMap', 'HTMLFormElement', 'Text', 'Comment']) globalThis[k] = dom.window[k];

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const r = await mermaid.parse(text);
    out.push({ ok: true, type: r.diagramType });
  } catch (e) {
    out.push({ ok: false, error: String(e && e.message ? e.message : e) });
  }
}
process.stdout.write(JSON.stringify(out));

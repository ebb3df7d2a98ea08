// Parses every Mermaid file named on the command line with mermaid's own
// parser inside a jsdom window (mermaid needs a DOM even to parse) and exits
// non-zero when any file fails. One process checks every file.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ["Element", "HTMLElement", "Node", "DOMParser", "XMLSerializer", "getComputedStyle"]) {
  if (globalThis[name] === undefined && dom.window[name] !== undefined) {
    globalThis[name] = dom.window[name];
  }
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  try {
    const result = await mermaid.parse(text);
    if (!result || result.diagramType !== "flowchart-v2") {
      throw new Error(`expected a flowchart, parsed ${result ? result.diagramType : "nothing"}`);
    }
    console.log(`ok       mermaid  ${file}`);
  } catch (err) {
    failed += 1;
    console.log(`FAILED   mermaid  ${file}: ${String(err && err.message ? err.message : err).split("\n").slice(0, 6).join(" | ")}`);
  }
}
process.exit(failed === 0 ? 0 : 1);

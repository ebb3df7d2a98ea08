// Parses every AsyncAPI document named on the command line with the official
// parser and exits non-zero when any diagnostic has Error severity (0).
// Warnings and hints are printed but do not fail the check.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const { document, diagnostics } = await parser.parse(text, { source: file });
  const errors = diagnostics.filter((d) => d.severity === 0);
  for (const d of diagnostics) {
    if (d.severity !== 0 && d.severity !== 1) continue;
    const level = d.severity === 0 ? "error" : "warning";
    console.log(`  ${level} ${d.code} at ${(d.path || []).join(".")}: ${d.message}`);
  }
  if (errors.length > 0 || document === undefined) {
    failed += 1;
    console.log(`FAILED   asyncapi ${file}: ${errors.length} error(s)`);
  } else {
    console.log(`ok       asyncapi ${file} (AsyncAPI ${document.version()})`);
  }
}
process.exit(failed === 0 ? 0 : 1);

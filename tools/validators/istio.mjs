// Validates every Istio resource in the YAML files named on the command line
// against the models of @kubernetes-models/istio (generated from Istio's CRD
// schemas) and exits non-zero on any failure, including a kind it does not know.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import * as v1beta1 from "@kubernetes-models/istio/networking.istio.io/v1beta1";
import * as v1alpha3 from "@kubernetes-models/istio/networking.istio.io/v1alpha3";

const models = {
  "networking.istio.io/v1beta1": v1beta1,
  "networking.istio.io/v1alpha3": v1alpha3,
};

let failed = 0;
for (const file of process.argv.slice(2)) {
  let docs;
  try {
    docs = yaml.loadAll(readFileSync(file, "utf8")).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    failed += 1;
    console.log(`FAILED   istio    ${file}: ${err.message}`);
    continue;
  }
  let fileFailed = false;
  for (const doc of docs) {
    const where = `${doc.kind}/${doc.metadata && doc.metadata.name}`;
    const group = models[doc.apiVersion];
    const Model = group && group[doc.kind];
    if (!Model) {
      fileFailed = true;
      console.log(`  ${where}: unknown apiVersion/kind ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (err) {
      fileFailed = true;
      console.log(`  ${where}: ${err.message}`);
    }
  }
  if (fileFailed) {
    failed += 1;
    console.log(`FAILED   istio    ${file}`);
  } else {
    console.log(`ok       istio    ${file} (${docs.length} resources)`);
  }
}
process.exit(failed === 0 ? 0 : 1);

// Validates rendered Kubernetes manifests (multi-document YAML on stdin, e.g. `kubectl kustomize k8s | node
// scripts/validate-manifests.mjs`, or files named as arguments) against the API schemas: built-in kinds with npm's
// kubernetes-models, Prometheus Operator kinds with @kubernetes-models/prometheus-operator, Strimzi's KafkaTopic with
// the openAPIV3Schema of the CRD that Strimzi's own crd-generator makes from its api artifact (scripts/test-setup.sh
// installs all of them into .tools/). An object of a kind with no schema here is an error too, so nothing passes
// unchecked.
// Prints "valid <apiVersion> <kind> <namespace>/<name>" per object; exits 1 after printing every invalid one. Given
// files, each file's lines follow a line "file <path>" (one process loads the schemas once for all of them).
// Limit: like the API server's schemas, these accept fields they do not know (the API server drops or refuses them
// depending on --validate), so a misspelled optional field passes here.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const tools = resolve(dirname(fileURLToPath(import.meta.url)), "../.tools");
const require = createRequire(resolve(tools, "package.json"));
const { parseAllDocuments } = require("yaml");
const Ajv = require("ajv").default;

/** The models of one API group version of an (ESM-only) models package in .tools, or null when it has none. */
async function models(pkg, apiVersion) {
  const index = resolve(tools, "node_modules", pkg, apiVersion, "index.js");
  return existsSync(index) ? import(pathToFileURL(index).href) : null;
}

/** Strimzi CRD files by API group, made by scripts/test-setup.sh. */
const CRDS = { "kafka.strimzi.io": [resolve(tools, "strimzi/kafkatopic-crd.yaml")] };

/** Validator of one object's apiVersion and kind: a model's validate(), or a CRD schema's. */
async function validatorFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") {
    return modelValidator(await models("@kubernetes-models/prometheus-operator", apiVersion), kind);
  }
  if (CRDS[group]) {
    return crdValidator(group, version, kind);
  }
  if (group === "" || group.endsWith(".k8s.io") || !group.includes(".")) {
    return modelValidator(await models("kubernetes-models", apiVersion), kind);
  }
  return null;
}

function modelValidator(group, kind) {
  const Model = group?.[kind];
  return Model && ((object) => new Model(object).validate());
}

const ajv = new Ajv({ allErrors: true, strict: false });

function crdValidator(group, version, kind) {
  for (const file of CRDS[group]) {
    for (const crd of parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS())) {
      if (crd?.spec?.group !== group || crd.spec.names.kind !== kind) continue;
      const served = crd.spec.versions.find((v) => v.name === version && v.served);
      if (!served) return null;
      const check = ajv.compile(served.schema.openAPIV3Schema);
      return (object) => {
        if (!check(object)) {
          throw new Error(check.errors.map((e) => `${e.instancePath || "/"} ${e.message}`
              + (e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : "")).join("; "));
        }
      };
    }
  }
  return null;
}

/** Validates every object of one multi-document YAML text; how many were invalid. */
async function validateAll(input) {
  let invalid = 0;
  for (const document of parseAllDocuments(input)) {
    if (document.errors.length) {
      console.log(`invalid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      invalid++;
      continue;
    }
    const object = document.toJS();
    if (object == null) continue;
    const name = `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ""}/${object.metadata?.name}`;
    const validate = await validatorFor(String(object.apiVersion), String(object.kind));
    if (!validate) {
      console.log(`invalid ${name}: no schema for this apiVersion and kind`);
      invalid++;
      continue;
    }
    try {
      validate(object);
      console.log(`valid ${name}`);
    } catch (error) {
      console.log(`invalid ${name}: ${error.message}`);
      invalid++;
    }
  }
  return invalid;
}

const files = process.argv.slice(2);
let invalid = 0;
if (files.length === 0) {
  invalid = await validateAll(readFileSync(0, "utf8"));
}
for (const file of files) {
  console.log(`file ${file}`);
  invalid += await validateAll(readFileSync(file, "utf8"));
}
process.exit(invalid ? 1 : 0);

// Renders /simulator/openapi.json: operations by tag, each with its parameters, request body and
// answers; schemas as tables of fields, nested schemas expandable.
"use strict";

function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let components = {};

function refName(ref) {
  return ref.split("/").pop();
}

/** A short type description: `string`, `integer[]`, `DeliveryReportV3`, `A | null`. */
function typeOf(schema) {
  if (!schema) return "any";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.anyOf || schema.oneOf) return (schema.anyOf || schema.oneOf).map(typeOf).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  if (schema.type === "object" && schema.additionalProperties) return `map of ${typeOf(schema.additionalProperties)}`;
  return schema.type || "any";
}

function refsIn(schema, found = new Set()) {
  if (!schema || typeof schema !== "object") return found;
  if (schema.$ref) found.add(refName(schema.$ref));
  for (const value of Object.values(schema)) refsIn(value, found);
  return found;
}

function schemaTable(name, seen = new Set()) {
  const schema = components[name];
  if (!schema || seen.has(name)) return h("p", { class: "muted" }, name);
  seen.add(name);
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([field, prop]) =>
    h("tr", {}, h("td", {}, h("code", {}, field)), h("td", {}, typeOf(prop)),
      h("td", {}, required.has(field) ? "required" : ""), h("td", { class: "muted" }, prop.description || "")));
  const nested = [...refsIn(schema.properties || {})].filter((n) => !seen.has(n));
  return h("div", { class: "schema" },
    h("strong", {}, name), schema.description ? h("span", { class: "muted" }, ` — ${schema.description}`) : "",
    rows.length ? h("table", { class: "schema" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, typeOf(schema)),
    nested.map((n) => h("details", {}, h("summary", {}, n), schemaTable(n, seen))));
}

function schemaOf(content) {
  const [type, media] = Object.entries(content || {})[0] || [];
  if (!media) return h("p", { class: "muted" }, "No body.");
  const schema = media.schema || {};
  if (schema.$ref) return schemaTable(refName(schema.$ref));
  return h("p", {}, `${type}: ${typeOf(schema)}`);
}

function operation(path, method, op) {
  const params = op.parameters || [];
  return h("details", { class: "op", id: op.operationId },
    h("summary", {}, h("span", { class: `method ${method}` }, method.toUpperCase()), h("code", {}, path),
      h("span", { class: "muted" }, op.summary), op.security && !op.security.length ? h("span", { class: "pill" }, "no key") : ""),
    h("div", { class: "body" },
      params.length ? [h("h3", {}, "Parameters"), h("table", { class: "schema" }, h("tbody", {}, params.map((p) =>
        h("tr", {}, h("td", {}, h("code", {}, p.name)), h("td", {}, p.in), h("td", {}, typeOf(p.schema)),
          h("td", {}, p.required ? "required" : "")))))] : "",
      op.requestBody ? [h("h3", {}, "Request body"), schemaOf(op.requestBody.content)] : "",
      Object.entries(op.responses).map(([status, answer]) =>
        [h("h3", {}, `${status} — ${answer.description}`), schemaOf(answer.content)])));
}

async function main() {
  const response = await fetch("/simulator/openapi.json");
  const doc = await response.json();
  components = doc.components.schemas;
  document.querySelector("#intro").textContent =
    `${doc.info.title} ${doc.info.version}. ${doc.info.description} Authenticate with ` +
    "Authorization: App <key> (or Basic, IBSSO, Bearer) unless marked “no key”.";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, method, op));
    }
  }
  document.querySelector("#operations").replaceChildren(
    ...[...byTag].map(([tag, ops]) => h("section", {}, h("h2", {}, tag), ops)));
}

main();

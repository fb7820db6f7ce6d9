// Run a few queries with Comunica against a live kgserver and print what came back, as JSON.
// Usage: node comunica_check.mjs <base URL of the server>
import { QueryEngine } from "@comunica/query-sparql";

const base = process.argv[2];
const endpoint = { type: "sparql", value: `${base}/sparql` };
const engine = new QueryEngine();
const PLAN = "https://w3id.org/esskg/ontology#Plan";
const out = {};

const rows = await (await engine.queryBindings(
  `SELECT ?s WHERE { ?s a <${PLAN}> } ORDER BY ?s`, { sources: [endpoint] })).toArray();
out.select = rows.map((b) => b.get("s").value);
out.ask = await engine.queryBoolean("ASK { ?s a ?o }", { sources: [endpoint] });
const quads = await (await engine.queryQuads(
  `CONSTRUCT { ?s a <${PLAN}> } WHERE { ?s a <${PLAN}> }`, { sources: [endpoint] })).toArray();
out.construct = quads.map((q) => q.subject.value).sort();
// a resource IRI's own document, by content negotiation (Comunica dereferences it as linked data)
const doc = await (await engine.queryBindings(
  "SELECT ?o WHERE { <https://w3id.org/esskg/id/territory/barcelona> <https://w3id.org/esskg/ontology#ineCode> ?o }",
  { sources: [`${base}/id/territory/barcelona`] })).toArray();
out.document = doc.map((b) => b.get("o").value);
console.log(JSON.stringify(out));

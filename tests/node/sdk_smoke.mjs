// Drive the official Infobip Node SDK (@infobip-api/sdk 0.3.2, axios 1.x inside) against the simulator.
//
//   SIM_BASE_URL=http://127.0.0.1:PORT SIM_API_KEY=key node sdk_smoke.mjs send <to> <text>
//                                                     node sdk_smoke.mjs reports [messageId]
//                                                     node sdk_smoke.mjs logs [messageId]
//
// Prints the SDK's parsed response body (response.data) as JSON on stdout; on failure prints what was
// sent and what came back on stderr and exits 1.
//
// What the SDK does on the wire (read from its source, confirmed against a capture server):
// - baseUrl: used as-is if it starts with "http" (http://127.0.0.1:PORT works, port kept, no forced
//   https; a trailing "/" is fine). Without a scheme it prepends "https://". Any path in baseUrl is
//   kept as a prefix.
// - Headers on EVERY request, GETs included: `Authorization: App <apiKey>`,
//   `Content-Type: application/json` (GETs have no body but still send this), axios's
//   `Accept: application/json, text/plain, */*`, `User-Agent: axios/<ver>`,
//   `Accept-Encoding: gzip, compress, deflate, br`.
// - send: POST /sms/2/text/advanced. The body is the object passed to sms.send() plus a top-level
//   `"type": "text"` the SDK adds itself (it mutates the caller's object), e.g.
//   {"messages":[{"destinations":[{"to":"41793026727"}],"text":"Hello"}],"type":"text"}
//   The server must ignore that unknown `type` field. Client-side validation only: messages[] with
//   destinations[].to (string, <= 50 chars); `from`/`text` are not checked.
// - sms.reports.get(filter): GET /sms/1/reports, filter object -> query string via axios
//   (e.g. ?messageId=abc&limit=1); no filter -> no query string at all.
// - sms.logs.get(filter): GET /sms/1/logs, same filter handling.
// - Responses: no validation of shape. It returns the whole axios response (body in `.data`,
//   JSON-parsed when parseable, else left a string). Non-2xx statuses and validation failures are NOT
//   thrown: every method catches and *returns* the Error (an AxiosError with `.response` for HTTP errors).
// - axios honours HTTP(S)_PROXY/NO_PROXY env vars; the pytest driver strips them for 127.0.0.1.
import { Infobip, AuthType } from '@infobip-api/sdk';

function env(name) {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
}

function fail(message) {
  process.stderr.write(`sdk_smoke: ${message}\n`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
const sms = new Infobip({
  baseUrl: env('SIM_BASE_URL'),
  apiKey: env('SIM_API_KEY'),
  authType: AuthType.ApiKey,
}).channels.sms;

const filter = (messageId) => (messageId ? { messageId } : undefined);
const commands = {
  send: (to, text) => sms.send({ messages: [{ destinations: [{ to }], text }] }),
  reports: (messageId) => sms.reports.get(filter(messageId)),
  logs: (messageId) => sms.logs.get(filter(messageId)),
};

if (!commands[command]) fail(`usage: sdk_smoke.mjs send <to> <text> | reports [messageId] | logs [messageId]`);

const result = await commands[command](...args);
if (result instanceof Error) {
  const { config = {}, response } = result;
  fail(
    `${command} failed: ${result.message}\n` +
      `  request: ${String(config.method).toUpperCase()} ${config.baseURL ?? ''}${config.url ?? ''}` +
      ` params=${JSON.stringify(config.params ?? null)} body=${config.data ?? ''}\n` +
      `  response: ${response ? `${response.status} ${JSON.stringify(response.data)}` : '(none)'}`
  );
}
if (typeof result.data !== 'object' || result.data === null) {
  fail(`${command}: HTTP ${result.status} body is not JSON: ${JSON.stringify(result.data)}`);
}
process.stdout.write(JSON.stringify(result.data) + '\n');

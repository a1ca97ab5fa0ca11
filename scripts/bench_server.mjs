#!/usr/bin/env node
// Load test of a running `tern-cli serve`: C clients, each sending R chat completions one after the
// other (distinct prompts, so no answer reuses another's cache), then requests/s, completion
// tokens/s, latency, and the server's resident memory when its PID is given.
//
//   node scripts/bench_server.mjs --url http://127.0.0.1:8080 --clients 2 [--requests 4]
//        [--max-tokens 32] [--pid PID] [--key KEY]
//   node scripts/bench_server.mjs --url ... --overhead 6   # HTTP layer: client time vs engine time
import { readFileSync } from "node:fs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = arg("url", "http://127.0.0.1:8080");
const clients = Number(arg("clients", 1));
const requests = Number(arg("requests", 4));
const maxTokens = Number(arg("max-tokens", 32));
const pid = arg("pid");
const key = arg("key");
const overhead = Number(arg("overhead", 0));
const headers = { "Content-Type": "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}) };

const rssMiB = () =>
  pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024 : NaN;

async function post(path, body) {
  const t0 = performance.now();
  const r = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`${r.status}: ${JSON.stringify(j)}`);
  return { ms: performance.now() - t0, j };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (overhead > 0) {
  // Whole answers to two prompts in turn (each shares only BOS with the other, so each prefills in
  // full): the client's wall time against the engine's own prefill + decode time.
  const prompts = ["The history of the printing press", "A recipe for tomato soup"];
  const rows = [];
  for (let i = 0; i < overhead; i++) {
    const { ms, j } = await post("/v1/completions", { prompt: prompts[i % 2], max_tokens: maxTokens, temperature: 0 });
    rows.push({ client_ms: ms, engine_ms: j.tern.prefill_ms + j.tern.decode_ms, ttft_ms: j.tern.ttft_ms,
                prefill_ms: j.tern.prefill_ms, decode_tps: j.tern.decode_tokens_per_second, n: j.usage.completion_tokens });
  }
  // And streamed: the client's time to the first text chunk.
  const ttft = [];
  for (let i = 0; i < overhead; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url}/v1/completions`, {
      method: "POST", headers, body: JSON.stringify({ prompt: prompts[i % 2], max_tokens: 4, temperature: 0, stream: true }),
    });
    const reader = r.body.getReader();
    const { value } = await reader.read();
    ttft.push(performance.now() - t0);
    if (!new TextDecoder().decode(value).startsWith("data: ")) throw new Error("not a stream");
    while (!(await reader.read()).done);
  }
  const added = rows.map((r) => r.client_ms - r.engine_ms);
  console.log(JSON.stringify({
    requests: rows.length, max_tokens: maxTokens,
    client_ms_median: median(rows.map((r) => r.client_ms)), engine_ms_median: median(rows.map((r) => r.engine_ms)),
    added_ms_median: median(added), added_ms_min: Math.min(...added), added_ms_max: Math.max(...added),
    prefill_ms_median: median(rows.map((r) => r.prefill_ms)), decode_tps_median: median(rows.map((r) => r.decode_tps)),
    server_ttft_ms_median: median(rows.map((r) => r.ttft_ms)), client_stream_ttft_ms_median: median(ttft),
  }, null, 1));
  process.exit(0);
}

const rssBefore = rssMiB();
const t0 = performance.now();
const latencies = [];
let tokens = 0;
await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; i < requests; i++) {
      const { ms, j } = await post("/v1/chat/completions", {
        messages: [{ role: "user", content: `Client ${c}, question ${i}: what is a ternary weight?` }],
        max_tokens: maxTokens, temperature: 0,
      });
      latencies.push(ms);
      tokens += j.usage.completion_tokens;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  clients, requests: clients * requests, seconds: +seconds.toFixed(2),
  requests_per_second: +(clients * requests / seconds).toFixed(3),
  completion_tokens_per_second: +(tokens / seconds).toFixed(2),
  latency_ms_median: Math.round(median(latencies)),
  rss_mib_before: +rssBefore.toFixed(0), rss_mib_after: +rssMiB().toFixed(0),
}));

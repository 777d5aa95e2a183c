// Fault injection: 1,000 StartCopyJob calls with bounded concurrency through a raw TCP proxy on
// 127.0.0.1 that breaks 30 % of the requests in every way a network and a proxy can (5xx,
// throttling, HTML error pages, connections dropped before and after the job was committed,
// answers later than the timeout, truncated bodies) in front of the SigV4-verifying emulator;
// some calls are aborted at random moments (also during backoff sleeps and credential fetches).
// Checked: no duplicate job, no call resolved without its job, every call ends by its deadline,
// every failure typed, every abort honoured at once. Prints the distributions.

import assert from "node:assert/strict";
import {
  BackupClient,
  DeserializationError,
  NetworkError,
  RequestTimeoutError,
  ServiceException,
  StandardRetryStrategy,
  startCopyJob,
} from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";

const CALLS = 1000;
const CONCURRENCY = 32;
const FAULT_RATE = 0.3;
const REQUEST_TIMEOUT_MS = 1000;
const CALL_TIMEOUT_MS = 8000;
const ABORT_SHARE = 0.2;
/** Slack for "ends by its deadline" and "abort honoured" on a loaded 2-core machine. */
const DEADLINE_SLACK_MS = 1000;
const ABORT_BOUND_MS = 50;
const ABORT_SLACK_MS = 200;

const FAULTS = [
  "5xx",
  "throttling",
  "html",
  "reset-before-commit",
  "reset-after-commit",
  "delay-past-timeout",
  "truncated-body",
] as const;
type FaultKind = typeof FAULTS[number];

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function indexOf(data: Uint8Array, pattern: Uint8Array): number {
  outer: for (let i = 0; i + pattern.length <= data.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (data[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

const HEAD_END = encoder.encode("\r\n\r\n");

/** Reads one HTTP/1.1 message (head and Content-Length body); `until EOF` for responses. */
async function readMessage(conn: Deno.Conn, untilEof: boolean): Promise<Uint8Array | undefined> {
  let data = new Uint8Array(0);
  const buffer = new Uint8Array(64 * 1024);
  for (;;) {
    if (!untilEof) {
      const end = indexOf(data, HEAD_END);
      if (end >= 0) {
        const head = decoder.decode(data.subarray(0, end));
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (data.length >= end + 4 + length) return data.subarray(0, end + 4 + length);
      }
    }
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return untilEof ? data : undefined;
    const next = new Uint8Array(data.length + n);
    next.set(data);
    next.set(buffer.subarray(0, n), data.length);
    data = next;
  }
}

function rawResponse(status: string, headers: Record<string, string>, body: string): Uint8Array {
  const bytes = encoder.encode(body);
  const lines = Object.entries({ ...headers, "content-length": String(bytes.length) })
    .map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return encoder.encode(`HTTP/1.1 ${status}\r\n${lines}connection: close\r\n\r\n${body}`);
}

/** A TCP proxy that forwards each request unchanged (so its signature stays valid) or breaks it. */
function faultProxy(upstreamPort: number, random: () => number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const injected: Record<FaultKind | "none", number> = Object.fromEntries(
    [...FAULTS, "none"].map((k) => [k, 0]),
  ) as Record<FaultKind | "none", number>;
  const handlers = new Set<Promise<void>>();

  async function forward(request: Uint8Array): Promise<Uint8Array> {
    const upstream = await Deno.connect({ hostname: "127.0.0.1", port: upstreamPort });
    try {
      // One request per connection: ask the emulator to close, then read to the end.
      const lineEnd = indexOf(request, encoder.encode("\r\n"));
      const patched = new Uint8Array(request.length + 19);
      patched.set(request.subarray(0, lineEnd + 2));
      patched.set(encoder.encode("connection: close\r\n"), lineEnd + 2);
      patched.set(request.subarray(lineEnd + 2), lineEnd + 21);
      await upstream.write(patched);
      return (await readMessage(upstream, true))!;
    } finally {
      upstream.close();
    }
  }

  async function handle(conn: Deno.Conn) {
    try {
      const request = await readMessage(conn, false);
      if (!request) return;
      const kind: FaultKind | "none" = random() < FAULT_RATE
        ? FAULTS[Math.floor(random() * FAULTS.length)]
        : "none";
      injected[kind]++;
      const write = (bytes: Uint8Array) => conn.write(bytes).catch(() => 0);
      switch (kind) {
        case "5xx":
          return void await write(rawResponse("503 Service Unavailable", {
            "content-type": "application/json",
            "x-amzn-errortype": "ServiceUnavailableException",
          }, '{"message":"injected"}'));
        case "throttling":
          return void await write(rawResponse("400 Bad Request", {
            "content-type": "application/json",
            "x-amzn-errortype": "ThrottlingException",
            "x-amz-retry-after": "20",
          }, '{"message":"Rate exceeded"}'));
        case "html":
          return void await write(rawResponse("502 Bad Gateway", {
            "content-type": "text/html",
          }, "<html><body><h1>502 Bad Gateway</h1></body></html>"));
        case "reset-before-commit":
          return;
        case "reset-after-commit":
          await forward(request);
          return;
        case "delay-past-timeout": {
          const response = await forward(request);
          await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS * 1.5));
          return void await write(response);
        }
        case "truncated-body": {
          const response = await forward(request);
          const end = indexOf(response, HEAD_END) + 4;
          return void await write(response.subarray(0, end + (response.length - end) / 2));
        }
        default:
          return void await write(await forward(request));
      }
    } finally {
      conn.close();
    }
  }

  const accepting = (async () => {
    for await (const conn of listener) {
      const handler = handle(conn).catch(() => {});
      handlers.add(handler);
      handler.finally(() => handlers.delete(handler));
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    injected,
    async close() {
      listener.close();
      await accepting.catch(() => {});
      await Promise.all(handlers);
    },
  };
}

interface Outcome {
  index: number;
  copyJobId?: string;
  error?: unknown;
  elapsedMs: number;
  abortedAfterMs?: number;
  abortLatencyMs?: number;
  abortPhase?: Phase;
}

/** Where a call is when it is aborted, as its credential provider and fetch see it. */
type Phase = "validating" | "credentials" | "signing" | "fetch" | "reading" | "backoff";
interface PhaseTracker {
  now: Phase;
  set(now: Phase): void;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};
const summary = (values: number[]) =>
  `n=${values.length} p50=${percentile(values, 0.5).toFixed(1)} p95=${
    percentile(values, 0.95).toFixed(1)
  } p99=${percentile(values, 0.99).toFixed(1)} max=${Math.max(...values).toFixed(1)} ms`;

Deno.test("fault injection: 1,000 StartCopyJob calls, 30 % faults, random aborts", async () => {
  const seed = Number(Deno.env.get("FAULT_SEED") ?? Date.now() % 2 ** 31);
  const random = prng(seed);
  const emulator = await startEmulator({ maxConcurrentJobs: 1_000_000 });
  const proxy = faultProxy(emulator.port, random);
  try {
    let providerCalls = 0;
    // One retry strategy for all calls: one retry quota, as for a client shared by every call.
    const retryStrategy = new StandardRetryStrategy();
    /** A client per call, so its credential provider and fetch know which call they serve. */
    const clientFor = (phase: PhaseTracker) =>
      new BackupClient({
        region: DEMO_REGION,
        endpoint: proxy.url,
        // A provider that takes a while: aborts land in credential fetches too.
        credentials: async () => {
          providerCalls++;
          phase.set("credentials");
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(random() * 15)));
          phase.set("signing");
          return { ...DEMO_CREDENTIALS };
        },
        fetch: async (url, init) => {
          phase.set("fetch");
          try {
            const response = await fetch(url, init);
            // A failed answer is followed by the backoff sleep (reading it takes microseconds).
            phase.set(response.ok ? "reading" : "backoff");
            return response;
          } catch (e) {
            phase.set("backoff");
            throw e;
          }
        },
        retryStrategy,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        maxAttempts: 5,
      });
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const index = next++;
        const controller = new AbortController();
        const outcome: Outcome = { index, elapsedMs: 0 };
        const started = performance.now();
        let abortAt: number | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const abortIn = (ms: number) => {
          clearTimeout(timer);
          outcome.abortedAfterMs = Math.round(performance.now() - started + ms);
          timer = setTimeout(() => {
            abortAt = performance.now();
            outcome.abortPhase = phase.now;
            controller.abort(new Error(`abort ${index}`));
          }, ms);
        };
        // Some calls are aborted at a random moment; some a moment after they enter a phase
        // that random moments seldom hit (credential fetches, backoff sleeps).
        const draw = random();
        const abortOn: Phase | undefined = draw < ABORT_SHARE / 3
          ? "credentials"
          : draw < (2 * ABORT_SHARE) / 3
          ? "backoff"
          : undefined;
        if (draw >= (2 * ABORT_SHARE) / 3 && draw < ABORT_SHARE) {
          abortIn(Math.floor(random() * 400));
        }
        const phase: PhaseTracker = {
          now: "validating",
          set(now) {
            this.now = now;
            if (now === abortOn && abortAt === undefined) abortIn(Math.floor(random() * 3));
          },
        };
        const client = clientFor(phase);
        try {
          const output = await startCopyJob(client, {
            RecoveryPointArn: RECOVERY_POINT_OK_ARN,
            SourceBackupVaultName: DEFAULT_VAULT_NAME,
            DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
            // One role per call: the emulator's jobs say which call created them.
            IamRoleArn: `arn:aws:iam::${DEMO_ACCOUNT_ID}:role/fault-${index}`,
          }, { signal: controller.signal, timeoutMs: CALL_TIMEOUT_MS });
          outcome.copyJobId = output.CopyJobId;
        } catch (e) {
          outcome.error = e;
        }
        const ended = performance.now();
        clearTimeout(timer);
        outcome.elapsedMs = ended - started;
        if (abortAt !== undefined) outcome.abortLatencyMs = ended - abortAt;
        outcomes.push(outcome);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const jobsByRole = new Map<string, string[]>();
    for (const job of emulator.jobs()) {
      jobsByRole.set(job.IamRoleArn, [...jobsByRole.get(job.IamRoleArn) ?? [], job.CopyJobId]);
    }
    const duplicates = [...jobsByRole.values()].filter((ids) => ids.length > 1);
    assert.equal(duplicates.length, 0, `duplicate jobs: ${JSON.stringify(duplicates)}`);
    const resolved = outcomes.filter((o) => o.copyJobId !== undefined);
    for (const o of resolved) {
      const ids = jobsByRole.get(`arn:aws:iam::${DEMO_ACCOUNT_ID}:role/fault-${o.index}`);
      assert.deepEqual(ids, [o.copyJobId], `call ${o.index} resolved without its job`);
    }
    const rejected = outcomes.filter((o) => o.copyJobId === undefined);
    for (const o of rejected) {
      const e = o.error as Error;
      const typed = e instanceof ServiceException || e instanceof NetworkError ||
        e instanceof RequestTimeoutError || e instanceof DeserializationError ||
        e?.message === `abort ${o.index}`;
      assert.ok(typed, `call ${o.index}: untyped ${e?.name}: ${e?.message}`);
    }
    assert.equal(outcomes.length, CALLS);
    const late = outcomes.filter((o) => o.elapsedMs > CALL_TIMEOUT_MS + DEADLINE_SLACK_MS);
    assert.equal(late.length, 0, `calls past their deadline: ${late.map((o) => o.elapsedMs)}`);
    const aborted = outcomes.filter((o) => o.abortLatencyMs !== undefined);
    for (const o of aborted) {
      assert.equal((o.error as Error)?.message, `abort ${o.index}`, `call ${o.index}`);
    }
    const abortLatencies = aborted.map((o) => o.abortLatencyMs!);
    const slow = abortLatencies.filter((ms) => ms > ABORT_BOUND_MS + ABORT_SLACK_MS);
    assert.equal(slow.length, 0, `aborts honoured late: ${slow}`);
    const phases = new Map<string, number>();
    for (const o of aborted) phases.set(o.abortPhase!, (phases.get(o.abortPhase!) ?? 0) + 1);
    for (const phase of ["credentials", "fetch", "backoff"]) {
      assert.ok(phases.get(phase), `no abort landed in ${phase} (seed ${seed}): rerun`);
    }
    const faults = Object.entries(proxy.injected).filter(([k]) => k !== "none");
    for (const [kind, count] of faults) assert.ok(count > 0, `no ${kind} fault was injected`);
    assert.ok(emulator.requests.every((r) => r.signatureValid), "every signature verified");

    const requests = Object.values(proxy.injected).reduce((a, b) => a + b, 0);
    const errorNames = new Map<string, number>();
    for (const o of rejected) {
      const name = (o.error as Error).message === `abort ${o.index}`
        ? "aborted"
        : (o.error as Error).name;
      errorNames.set(name, (errorNames.get(name) ?? 0) + 1);
    }
    console.log(
      [
        `seed ${seed}: ${CALLS} calls, ${requests} requests, ${emulator.jobs().length} jobs, ` +
        `${providerCalls} credential fetches`,
        `faults: ${faults.map(([k, n]) => `${k} ${n}`).join(", ")} (${
          (100 * faults.reduce((a, [, n]) => a + n, 0) / requests).toFixed(1)
        } % of requests)`,
        `resolved ${resolved.length}; rejected: ${
          [...errorNames].map(([k, n]) => `${k} ${n}`).join(", ")
        }`,
        `call duration: ${summary(outcomes.map((o) => o.elapsedMs))}`,
        `abort → rejection: ${summary(abortLatencies)}; aborted while: ${
          [...phases].map(([k, n]) => `${k} ${n}`).join(", ")
        }`,
        `retry quota left: ${retryStrategy.tokens} tokens`,
      ].join("\n"),
    );
  } finally {
    await proxy.close();
    await emulator.close();
  }
});

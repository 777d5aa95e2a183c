// 2xx answers whose values do not fit the model, over real HTTP (a local server answers what
// each case scripts): each call rejects with a DeserializationError naming the field, and what
// fits is read. AWS Backup's own shapes (timestamps, 32-bit integers, longs, map values), and the
// restJson1 protocol-test model's floats and numeric headers (Backup has neither).

import assert from "node:assert/strict";
import { BackupClient, describeCopyJob, listCopyJobSummaries } from "../mod.ts";
import { testWithRestJson1Client } from "./support/protocol_client.ts";

interface Answer {
  headers?: Record<string, string>;
  body: string;
}

/** A local HTTP server that answers each request with the next scripted answer. */
function scriptedServer() {
  const answers: Answer[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.arrayBuffer();
    const answer = answers.shift() ?? { body: "{}" };
    return new Response(answer.body, {
      headers: { "content-type": "application/json", ...answer.headers },
    });
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    answer: (a: Answer) => void answers.push(a),
    close: () => server.shutdown(),
  };
}

const config = (endpoint: string) => ({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDWIRE", secretAccessKey: "wire" },
  endpoint,
  maxAttempts: 1,
});

/**
 * The message of the DeserializationError `call` rejects with (by name: the protocol client
 * imports its own copy of the runtime).
 */
async function misfit(call: Promise<unknown>): Promise<string> {
  const e = await call.then(() => assert.fail("the call resolved"), (e) => e);
  assert.ok(e instanceof Error && e.name === "DeserializationError", String(e));
  return e.message;
}

Deno.test("AWS Backup outputs: a value its Smithy type cannot hold is a DeserializationError naming it", async () => {
  const server = scriptedServer();
  try {
    const client = new BackupClient(config(server.endpoint));
    const cases: [string, string][] = [
      [
        '{"CopyJob":{"CreationDate":[1700000000]}}',
        "CopyJob.CreationDate: Invalid timestamp: an array",
      ],
      [
        '{"CopyJob":{"CompletionDate":{"s":1}}}',
        "CopyJob.CompletionDate: Invalid timestamp: a value of type object",
      ],
      [
        '{"CopyJob":{"BackupSizeInBytes":1.5}}',
        "CopyJob.BackupSizeInBytes: expected an integer, got 1.5",
      ],
      [
        '{"CopyJob":{"BackupSizeInBytes":1e400}}',
        "CopyJob.BackupSizeInBytes: expected an integer, got Infinity",
      ],
      [
        '{"CopyJob":{"BackupSizeInBytes":9007199254740993}}',
        "CopyJob.BackupSizeInBytes: expected a safe integer (from -(2^53 - 1) to 2^53 - 1), " +
        "got 9007199254740992",
      ],
      [
        '{"CopyJob":{"ChildJobsInState":{"RUNNING":2.5}}}',
        'CopyJob.ChildJobsInState["RUNNING"]: expected an integer, got 2.5',
      ],
    ];
    for (const [body, problem] of cases) {
      server.answer({ body });
      const message = await misfit(describeCopyJob(client, { CopyJobId: "job-1" }));
      assert.equal(message, `DescribeCopyJob: HTTP 200 body does not fit the model: ${problem}`);
    }
    // `Count` is a 32-bit integer.
    server.answer({ body: '{"CopyJobSummaries":[{"Count":2147483648}]}' });
    assert.match(
      await misfit(listCopyJobSummaries(client, {})),
      /CopyJobSummaries\[0\]\.Count: expected a 32-bit integer \(-2147483648 to 2147483647\), got 2147483648$/,
    );
    // What fits is read: the largest safe long, a fractional epoch second, a 32-bit bound.
    server.answer({
      body: '{"CopyJob":{"BackupSizeInBytes":9007199254740991,"CreationDate":1700000000.25,' +
        '"ChildJobsInState":{"RUNNING":-9007199254740991}}}',
    });
    const { CopyJob } = await describeCopyJob(client, { CopyJobId: "job-1" });
    assert.equal(CopyJob?.BackupSizeInBytes, Number.MAX_SAFE_INTEGER);
    assert.equal(CopyJob?.CreationDate?.getTime(), 1700000000250);
    assert.deepEqual(CopyJob?.ChildJobsInState, { RUNNING: -Number.MAX_SAFE_INTEGER });
    server.answer({ body: '{"CopyJobSummaries":[{"Count":2147483647}]}' });
    const summaries = await listCopyJobSummaries(client, {});
    assert.equal(summaries.CopyJobSummaries?.[0].Count, 2147483647);
  } finally {
    await server.close();
  }
});

await testWithRestJson1Client(
  "restJson1 outputs: floats are finite or the special strings; numeric headers are exact",
  "output-values",
  async (generated) => {
    const server = scriptedServer();
    try {
      const client = new generated.Client(config(server.endpoint));
      const scalars = (input = {}) =>
        generated.operations.get("SimpleScalarProperties")!(client, input);
      const headers = () => generated.operations.get("InputAndOutputWithHeaders")!(client, {});
      const problem = (op: string, p: string) =>
        `${op}: HTTP 200 body does not fit the model: ${p}`;
      // Special floats travel as strings and are read; a number that overflowed is not one.
      server.answer({ body: '{"floatValue":"NaN","DoubleDribble":"-Infinity"}' });
      const read = await scalars() as Record<string, unknown>;
      assert.ok(Number.isNaN(read.floatValue));
      assert.equal(read.doubleValue, -Infinity);
      for (
        const [body, p] of [
          ['{"DoubleDribble":1e400}', /^doubleValue: Expected a finite number .* got Infinity$/],
          ['{"floatValue":1e39}', /^floatValue: expected a 32-bit float, got 1e\+39$/],
          ['{"floatValue":["NaN"]}', /^floatValue: Expected a finite number .* got an array$/],
          ['{"integerValue":1.5}', /^integerValue: expected an integer, got 1.5$/],
        ] as const
      ) {
        server.answer({ body });
        const message = await misfit(scalars());
        assert.ok(message.startsWith(problem("SimpleScalarProperties", "")), message);
        assert.match(message.slice(problem("SimpleScalarProperties", "").length), p);
      }
      // Headers: `Number("")` was 0 and `Number("1.5")` an integer; each is now refused by name.
      const headerCases: [Record<string, string>, string][] = [
        [{ "x-integer": "1.5" }, "headerInteger: expected an integer, got 1.5"],
        [
          { "x-integer": "2147483648" },
          "headerInteger: expected a 32-bit integer " +
          "(-2147483648 to 2147483647), got 2147483648",
        ],
        [{ "x-long": "12abc" }, 'headerLong: expected a number, got "12abc"'],
        [{ "x-integerlist": "1, 2.5" }, "headerIntegerList: expected an integer, got 2.5"],
        [{ "x-boolean1": "yes" }, "headerTrueBool: Not a boolean: yes"],
      ];
      for (const [h, p] of headerCases) {
        server.answer({ headers: h, body: "" });
        assert.equal(await misfit(headers()), problem("InputAndOutputWithHeaders", p));
      }
      server.answer({
        headers: { "x-integer": "-2147483648", "x-double": "NaN", "x-long": "9007199254740991" },
        body: "",
      });
      const ok = await headers() as Record<string, unknown>;
      assert.equal(ok.headerInteger, -2147483648);
      assert.ok(Number.isNaN(ok.headerDouble));
      assert.equal(ok.headerLong, Number.MAX_SAFE_INTEGER);
    } finally {
      await server.close();
    }
  },
);

/**
 * Malformed and mutated AWS Backup events, from a printed seed (EVENT_FUZZ_SEED replays another):
 * `copyOnBackupEvent` returns a result or throws a `ValidationError` (then nothing was sent) —
 * never a `TypeError` or anything else — and `eventBridgeHandler` never answers 500 (which
 * EventBridge retries for 24 hours) to bad input: 400 for a bad event, a result otherwise.
 */

import assert from "node:assert/strict";
import {
  BackupClient,
  copyOnBackupEvent,
  type CopyRule,
  eventBridgeHandler,
  ValidationError,
} from "../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { backupJobCompleted, copyJobCompleted } from "./support/backup_events.ts";
import { Random } from "./support/schema_values.ts";

const SEED = Number(Deno.env.get("EVENT_FUZZ_SEED") ?? 20260415);
const ROUNDS = 400;
const KEY = { name: "x-backup-edge-key", value: "fuzz-connection-key-0123456789" };
const RULES: CopyRule[] = [
  {
    name: "all-to-west",
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  },
  {
    name: "orders-to-central",
    sourceBackupVaults: [DEFAULT_VAULT_NAME],
    resourceTypes: ["DynamoDB"],
    destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  },
];

/** A client for every place: the emulator's (other places get AWS's answers, not a crash). */
function clientsOf(emulator: Emulator) {
  const client = new BackupClient({
    region: emulator.region,
    endpoint: emulator.url,
    credentials: { ...DEMO_CREDENTIALS },
    maxAttempts: 1,
  });
  return () => client;
}

Deno.test("a Backup Job event whose vault name is no vault name: ValidationError naming it, 400", async () => {
  await using emulator = await startEmulator();
  const clients = clientsOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN, {
    detail: { backupVaultArn: undefined, backupVaultName: "a:b" },
  });
  const error = await copyOnBackupEvent(clients, event, { rules: RULES }).catch((e) => e);
  assert.ok(error instanceof ValidationError, String(error));
  assert.deepEqual(error.issues.map((i) => i.path), ["event.detail.backupVaultName"]);
  for (
    const [detail, path] of [
      [{ backupVaultArn: `${DEFAULT_VAULT_ARN}:x` }, "event.detail.backupVaultArn"],
      [
        { backupVaultArn: DEFAULT_VAULT_ARN.replace("Default", "a") },
        "event.detail.backupVaultArn",
      ],
      [{ resourceArn: "orders" }, "event.detail.resourceArn"],
    ] as const
  ) {
    const bad = await copyOnBackupEvent(
      clients,
      backupJobCompleted(RECOVERY_POINT_OK_ARN, { detail }),
      { rules: RULES },
    ).catch((e) => e);
    assert.ok(bad instanceof ValidationError, `${path}: ${bad}`);
    assert.deepEqual(bad.issues.map((i: { path: string }) => i.path), [path]);
  }
  const handler = eventBridgeHandler({
    client: clients,
    rules: RULES,
    authorization: { apiKey: KEY },
    log: false,
  });
  const response = await handler(post(JSON.stringify(event)));
  const body = await response.json();
  assert.equal(response.status, 400);
  assert.equal(body.issues[0].path, "event.detail.backupVaultName");
  assert.equal(emulator.requests.length, 0);
});

Deno.test("EFS automatic backups (vault aws/efs/automatic-backup-vault): ignored, not refused", async () => {
  await using emulator = await startEmulator();
  const managed =
    `arn:aws:backup:us-east-1:${DEMO_ACCOUNT_ID}:backup-vault:aws/efs/automatic-backup-vault`;
  for (
    const detail of [
      { backupVaultArn: managed, backupVaultName: "aws/efs/automatic-backup-vault" },
      { backupVaultArn: undefined, backupVaultName: "aws/efs/automatic-backup-vault" },
    ]
  ) {
    const result = await copyOnBackupEvent(
      clientsOf(emulator),
      backupJobCompleted(RECOVERY_POINT_OK_ARN, { detail }),
      { rules: RULES },
    );
    assert.equal(result.ignored?.code, "SOURCE_VAULT");
    assert.match(result.ignored!.message, /aws\/efs\/automatic-backup-vault is managed by AWS/);
  }
  assert.equal(emulator.requests.length, 0);
});

Deno.test(`every single-member mutation, then fuzzed events (seed ${SEED}): a result or a ValidationError with nothing sent; never a 500`, async () => {
  console.log(`event fuzz seed ${SEED} (EVENT_FUZZ_SEED=${SEED} replays it)`);
  await using emulator = await startEmulator({ jobDurationMs: 50 });
  const clients = clientsOf(emulator);
  const handler = eventBridgeHandler({
    client: clients,
    rules: RULES,
    authorization: { apiKey: KEY },
    log: false,
  });
  const counts = { results: 0, invalid: 0 };
  const judge = async (event: unknown, label: string) => {
    const before = emulator.requests.length;
    try {
      const result = await copyOnBackupEvent(clients, event, { rules: RULES });
      assert.equal(typeof result.eventId, "string", label);
      assert.ok(result.ignored || result.copies.length, label);
      counts.results++;
    } catch (error) {
      assert.ok(error instanceof ValidationError, `${label}\n${(error as Error)?.stack}`);
      assert.ok(error.issues.length > 0 && error.issues.every((i) => i.path), label);
      assert.equal(emulator.requests.length, before, `nothing sent: ${label}`);
      counts.invalid++;
    }
  };
  let n = 0;
  for (const event of singleMutations()) {
    await judge(event, `mutation ${n++}: ${JSON.stringify(event)}`);
  }

  const random = new Random(SEED);
  const statuses = new Map<number, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const event = fuzzedEvent(random);
    const label = `round ${round}: ${JSON.stringify(event)}`;
    await judge(event, label);
    const text = random.chance(0.05) ? JSON.stringify(event).slice(0, -1) : JSON.stringify(event);
    const response = await handler(post(text ?? "null"));
    const body = await response.json();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    assert.ok([200, 400, 422, 429, 503].includes(response.status), `${response.status}: ${label}`);
    assert.notEqual(body.error, "InternalError", label);
  }
  console.log(
    `${n} single mutations and ${ROUNDS} fuzzed events: ${counts.results} results, ` +
      `${counts.invalid} ValidationErrors; handler statuses`,
    statuses,
  );
  // The fuzzing reached both sides and AWS itself.
  assert.ok(counts.results > ROUNDS / 10 && counts.invalid > ROUNDS / 10, JSON.stringify(counts));
  assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0);
  assert.ok(emulator.requests.some((r) => r.operation === "StartCopyJob"));
});

function post(body: string): Request {
  return new Request("http://handler.test/", {
    method: "POST",
    headers: { [KEY.name]: KEY.value },
    body,
  });
}

const CONTINUOUS_ARN =
  `arn:aws:backup:us-east-1:${DEMO_ACCOUNT_ID}:recovery-point:continuous:orders-0123456789`;

/** Values a member is replaced with: wrong types, near misses of every shape the events use. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1e308,
  "",
  " ",
  "a",
  "a:b",
  "a/b",
  "💥\u0000",
  "x".repeat(300),
  [],
  {},
  ["x"],
  [1],
  { state: "COMPLETED" },
  "COMPLETED",
  "RUNNING",
  "FAILED",
  "aws.backup",
  "Backup Job State Change",
  "Copy Job State Change",
  "Recovery Point State Change",
  "2026-03-02T21:41:17Z",
  DEMO_ACCOUNT_ID,
  "444455556666",
  "us-east-1",
  "us-west-2",
  "Default",
  "aws/efs/automatic-backup-vault",
  DEFAULT_VAULT_ARN,
  DR_VAULT_WEST_ARN,
  CROSS_ACCOUNT_VAULT_ARN,
  `${DEFAULT_VAULT_ARN}:x`,
  DEFAULT_VAULT_ARN.replace("Default", "a b"),
  `arn:aws:backup:us-east-1:${DEMO_ACCOUNT_ID}:backup-vault:aws/efs/automatic-backup-vault`,
  RECOVERY_POINT_OK_ARN,
  CONTINUOUS_ARN,
  "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
  "arn:x",
  "EBS",
  "DynamoDB",
];

/** Where values go: the envelope, `resources`, and every `detail` member any event type reads. */
const PATHS: string[][] = [
  ...["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    .map((k) => [k]),
  ["resources", "0"],
  ["resources", "1"],
  ...[
    "state",
    "status",
    "backupJobId",
    "backupVaultArn",
    "backupVaultName",
    "resourceArn",
    "resourceType",
    "parentJobId",
    "parentRecoveryPointArn",
    "copyJobId",
    "sourceBackupVaultArn",
    "destinationBackupVaultArn",
    "destinationRecoveryPointArn",
  ].map((k) => ["detail", k]),
];

/** Well-formed events of the three types, and of a Backup Job event without its vault's ARN. */
const BASES: (() => Record<string, unknown>)[] = [
  () => backupJobCompleted(RECOVERY_POINT_OK_ARN),
  () => backupJobCompleted(RECOVERY_POINT_OK_ARN, { detail: { backupVaultArn: undefined } }),
  () => backupJobCompleted("", { resources: [] }),
  () => copyJobCompleted(RECOVERY_POINT_OK_ARN, CROSS_ACCOUNT_VAULT_ARN, RECOVERY_POINT_OK_ARN),
  () => ({
    ...backupJobCompleted(RECOVERY_POINT_OK_ARN),
    "detail-type": "Recovery Point State Change",
    detail: { backupVaultArn: DEFAULT_VAULT_ARN, status: "COMPLETED", resourceType: "DynamoDB" },
  }),
];

/** `event` with the member at `path` replaced by `value` (removed when `undefined`). */
function replaced(event: Record<string, unknown>, path: string[], value: unknown) {
  let at: Record<string, unknown> = event;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== "object" || next === null) return event;
    at = next as Record<string, unknown>;
  }
  if (value === undefined) delete at[path.at(-1)!];
  else at[path.at(-1)!] = structuredClone(value);
  return event;
}

/** Every event with one member replaced by one of the values. */
function* singleMutations(): Generator<unknown> {
  for (const base of BASES) {
    for (const path of PATHS) {
      for (const value of VALUES) yield replaced(structuredClone(base()), path, value);
    }
  }
}

/** A well-formed event with one to three members replaced at random, or a value that is none. */
function fuzzedEvent(random: Random): unknown {
  if (random.chance(0.03)) return random.pick(VALUES);
  const event = structuredClone(random.pick(BASES)());
  for (let n = random.int(1, 3); n > 0; n--) {
    replaced(event, random.pick(PATHS), random.pick(VALUES));
  }
  return event;
}

/**
 * `copy-vault`'s live progress line on a terminal. In process: every draw fits the width it was
 * drawn at (wide characters counted as two cells), the width is read again after a resize, and
 * the vault's listing has its own counter. Under a real terminal: the README's command typed at a
 * bash prompt inside tmux (a pseudo-terminal and a terminal emulator), its screen read back with
 * `capture-pane` — one progress line, no stale rows, the report; then resized and interrupted with
 * Ctrl-C; and `--verify`'s live line. Without tmux on PATH (`apt-get install tmux`; `.ci/run` installs it) those two are
 * skipped with the reason printed.
 */

import assert from "node:assert/strict";
import {
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorSeed,
  startEmulator,
} from "../emulator/mod.ts";
import {
  clientOf,
  FAST,
  LOCAL_DR_VAULT_ARN,
  SOURCE_VAULT,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";
import { copyRecoveryPoints } from "../mod.ts";
import { main as copyVault } from "../cli/copy_vault.ts";
import { displayWidth, fitWidth } from "../cli/progress_line.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** Carriage return and "erase line": how the live line is redrawn. */
const ERASE = "\r\x1b[2K";
const ENV = {
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: DEMO_REGION,
  AWS_SESSION_TOKEN: "",
};

/**
 * A seeded vault whose recovery point ids are katakana (two cells each on a terminal, one UTF-16
 * unit), so that a line measured in code units instead of cells would overflow the row.
 */
function wideSeed(count: number, tweak?: Parameters<typeof vaultSeed>[1]): EmulatorSeed {
  const seed = vaultSeed(count, tweak);
  for (const [i, point] of seed.recoveryPoints.entries()) {
    point.arn = `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:` +
      `バックアップ-${String(i).padStart(4, "0")}`;
  }
  return seed;
}

/** Cells of text made of ASCII, `·`, `…` and katakana: counted here independently. */
function cells(text: string): number {
  return [...text].reduce((n, c) => n + (/\p{Script=Katakana}/u.test(c) ? 2 : 1), 0);
}

function args(emulator: Emulator, ...more: string[]): string[] {
  return [
    "--source-vault",
    SOURCE_VAULT,
    "--destination-vault-arn",
    DR_VAULT_WEST_ARN,
    "--iam-role-arn",
    DEMO_IAM_ROLE_ARN,
    "--endpoint",
    emulator.url,
    "--poll-interval-ms",
    "50",
    ...more,
  ];
}

Deno.test("fitWidth cuts to display cells: wide characters count two, marks none, clusters stay whole", () => {
  assert.equal(displayWidth("abc"), 3);
  assert.equal(displayWidth("バックアップ"), 12);
  assert.equal(displayWidth("e\u0301"), 1);
  assert.equal(displayWidth("👍🏽"), 2);
  assert.equal(displayWidth("\x1b[1mbold\x1b[0m"), 4);
  assert.equal(fitWidth("short", 10), "short");
  assert.equal(fitWidth("abcdefghij", 5), "abcd…");
  assert.equal(fitWidth("バックアップ", 5), "バッ…");
  assert.equal(
    fitWidth("バックアップ", 6),
    "バッ…",
    "a wide character that does not fit is left out",
  );
  assert.equal(fitWidth("ab👍🏽cd", 4), "ab…", "an emoji is never split");
  assert.equal(fitWidth("e\u0301e\u0301e\u0301", 2), "e\u0301…");
  assert.equal(fitWidth("anything", 0), "");
});

Deno.test("copy-vault on a terminal (in process): every draw fits the width it was drawn at, read again after a resize", async () => {
  const seed = wideSeed(6, (f, i) => {
    if (i === 0) f.status = "EXPIRED";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 300 });
  let columns = 130;
  let resize = () => {};
  // The live row as it stands after each write that leaves the cursor on it, and the rows
  // that were ended with a newline (lines printed above, and the final state).
  const draws: { text: string; columns: number }[] = [];
  const ended: string[] = [];
  let row = "";
  let out = "";
  let err = "";
  const io = {
    out: (t: string) => out += t,
    err: (t: string) => {
      err += t;
      for (const [i, chunk] of t.split(ERASE).entries()) {
        if (i > 0) row = "";
        const [first, ...rest] = chunk.split("\n");
        row += first;
        for (const line of rest) ended.push(row), row = line;
      }
      if (row) draws.push({ text: row, columns });
      if (row.includes("バックアップ") && columns === 130) {
        columns = 40;
        resize();
      }
    },
    errIsTerminal: true,
    columns: () => columns,
    onResize: (listener: () => void) => {
      resize = listener;
      return () => resize = () => {};
    },
  };
  const code = await copyVault(args(emulator, "--run-id", "tty", "--concurrency", "5"), ENV, io);
  assert.equal(code, 0, err);
  for (const { text, columns } of draws) {
    assert.ok(cells(text) <= columns - 3, `${cells(text)} cells at ${columns} columns: ${text}`);
  }
  // The listing has its own counter; then a bar with counts and the jobs in flight.
  assert.ok(err.includes(`${ERASE}Listing prod… 1 found`), err);
  assert.doesNotMatch(err, /\[0\/0\]/);
  const wide = draws.find((d) => d.columns === 130 && d.text.includes("バックアップ"));
  // Cut at 127 cells, or 126 when the next character is a wide one.
  assert.ok(wide && cells(wide.text) >= 126 && wide.text.endsWith("…"), wide?.text);
  assert.ok(draws.some((d) => d.columns === 40 && d.text.endsWith("…")), "cut at 40 columns");
  assert.match(err, /in flight [1-5]: バックアップ/);
  // Redrawn in place, never a line per poll; ended copies scroll above it.
  assert.doesNotMatch(err, /^running /m);
  assert.equal(
    ended.filter((r) => /^completed +\[\d\/5\] .*バックアップ-\d{4} COMPLETED/.test(r)).length,
    5,
  );
  assert.equal(draws.at(-1)!.text, "[########################] 5/5 done …");
  assert.equal(ended.at(-1), "[########################] 5/5 done …", "the final state stays");
  assert.match(out, /Run tty: 6 found, 5 selected, 1 skipped; 5 completed/);
});

// ---- under a real terminal: tmux ----

/** Whether tmux runs here (spawning a missing program throws at once, not in the promise). */
async function hasTmux(): Promise<boolean> {
  try {
    const command = new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" });
    return (await command.output()).success;
  } catch {
    return false;
  }
}
const TMUX = await hasTmux();
const NO_TMUX = "tmux is not on PATH (apt-get install tmux; .ci/run installs it)";
if (!TMUX) console.warn(`cli_tty_test.ts: the tmux tests are skipped: ${NO_TMUX}`);
/** Appended to the name of a test that needs tmux, when it is skipped. */
const SKIP = TMUX ? "" : ` (SKIP: ${NO_TMUX})`;

const PROMPT = "PROMPT> ";

/** A terminal of its own (a private tmux server) running bash, as a person at a prompt. */
class Terminal implements AsyncDisposable {
  readonly #dir: string;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async open(columns: number, rows: number): Promise<Terminal> {
    const terminal = new Terminal(await Deno.makeTempDir());
    await terminal.tmux(
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      String(columns),
      "-y",
      String(rows),
      "bash --norc --noprofile",
    );
    await terminal.tmux("set-option", "-g", "history-limit", "5000");
    await terminal.type(`PS1='${PROMPT}'; cd '${ROOT}'; clear`);
    await terminal.waitFor((rows) => rows.at(-1) === PROMPT.trimEnd());
    return terminal;
  }

  async tmux(...args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-u", "-S", `${this.#dir}/socket`, "-f", "/dev/null", ...args],
      env: { ...ENV, LC_ALL: "C.UTF-8", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (!output.success) throw new Error(`tmux ${args[0]}: ${decoder.decode(output.stderr)}`);
    return decoder.decode(output.stdout);
  }

  /** Types a line and presses Enter. */
  async type(line: string): Promise<void> {
    await this.tmux("send-keys", "-t", "t", "-l", line);
    await this.tmux("send-keys", "-t", "t", "Enter");
  }

  /** The screen and its scrollback, one string per row, without trailing blank rows. */
  async screen(): Promise<string[]> {
    const text = await this.tmux("capture-pane", "-p", "-t", "t", "-S", "-");
    const rows = text.split("\n").map((r) => r.trimEnd());
    while (rows.length && rows.at(-1) === "") rows.pop();
    return rows;
  }

  /** Reads the screen until `done` holds (every 200 ms, at most `timeoutMs`). */
  async waitFor(done: (rows: string[]) => boolean, timeoutMs = 60_000): Promise<string[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.screen();
      if (done(rows)) return rows;
      if (Date.now() > end) throw new Error(`timed out; the screen:\n${rows.join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.tmux("kill-server").catch(() => {});
    await Deno.remove(this.#dir, { recursive: true });
  }
}

/** The README's command line. */
function readmeCommand(emulator: Emulator, ...more: string[]): string {
  return ["npx -y deno@2.9.6 task copy-vault --", ...args(emulator, ...more)].join(" ");
}

/** Rows of the live line: the bar with its counts. */
const isBarRow = (row: string) => / · ok \d+ · partial /.test(row);

for (
  const { columns, ids } of [{ columns: 100, ids: "ASCII" }, { columns: 130, ids: "katakana" }]
) {
  Deno.test({
    name:
      `copy-vault under a real terminal (tmux, ${columns} columns, ${ids} ids): one progress line redrawn in place, no stale rows, the report${SKIP}`,
    ignore: !TMUX,
    async fn() {
      // At 130 columns the ids show in the live line: measured in UTF-16 units instead of cells,
      // it would be wider than the row.
      const seed = ids === "ASCII" ? vaultSeed(5) : wideSeed(5);
      await using emulator = await startEmulator({ ...seed, jobDurationMs: 1200 });
      await using terminal = await Terminal.open(columns, 30);
      await terminal.type(readmeCommand(emulator, "--run-id", "screen", "--concurrency", "5"));
      await terminal.waitFor((rows) => rows.at(-1) === PROMPT.trimEnd() && rows.length > 2);
      await terminal.type("echo EXIT=$?");
      const rows = await terminal.waitFor((rows) => rows.some((r) => r.startsWith("EXIT=")));
      const screen = rows.join("\n");
      assert.ok(rows.includes("EXIT=0"), screen);
      // A wrapped live line leaves its first row behind at each redraw: all would hold the counts.
      assert.equal(rows.filter(isBarRow).length, 1, `one progress line:\n${screen}`);
      assert.match(
        rows.find(isBarRow)!,
        /^\[#{24}\] 5\/5 done · ok 5 · partial 0 · failed 0 · skipped 0 · in flight 0$/,
      );
      assert.ok(!rows.some((r) => r.startsWith("Listing ")), `no stale listing line:\n${screen}`);
      assert.equal(rows.filter((r) => /^completed +\[\d\/5\]/.test(r)).length, 5, screen);
      assert.match(screen, /^Run screen: 5 found, 5 selected, 0 skipped; 5 completed/m);
    },
  });
}

Deno.test({
  name:
    `copy-vault under a real terminal: resized from 60 to 100 columns, then Ctrl-C: what was done, how to resume, exit 130${SKIP}`,
  ignore: !TMUX,
  async fn() {
    const seed = vaultSeed(10);
    await using emulator = await startEmulator({ ...seed, jobDurationMs: 3000 });
    const dir = await Deno.makeTempDir();
    try {
      await using terminal = await Terminal.open(60, 40);
      const checkpoint = `${dir}/copy.json`;
      await terminal.type(
        readmeCommand(emulator, "--run-id", "ctrl-c", "--checkpoint", checkpoint),
      );
      await terminal.waitFor((rows) => rows.some(isBarRow));
      await terminal.tmux("resize-window", "-t", "t", "-x", "100", "-y", "40");
      // The live line is drawn again at the new width.
      await terminal.waitFor((rows) => rows.some((r) => isBarRow(r) && r.length > 60));
      await terminal.tmux("send-keys", "-t", "t", "C-c");
      await terminal.waitFor((rows) => rows.at(-1) === PROMPT.trimEnd());
      await terminal.type("echo EXIT=$?");
      const rows = await terminal.waitFor((rows) => rows.some((r) => r.startsWith("EXIT=")));
      const screen = rows.join("\n");
      const joined = await terminal.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-");
      assert.ok(rows.includes("EXIT=130"), screen);
      // The one live line stays as it was when interrupted (the terminal's ^C echo erased).
      assert.equal(rows.filter(isBarRow).length, 1, screen);
      assert.ok(!rows.some((r) => r.includes("^C")), screen);
      assert.match(screen, /^IN_FLIGHT +rp-\d{4} /m);
      assert.match(joined, /^Run ctrl-c interrupted: 10 found, 10 selected, .* \d in flight/m);
      assert.match(joined, /To resume where it stopped \(nothing is copied twice\), run:/);
      assert.match(
        joined,
        /^ {2}npx -y deno@2\.9\.6 task copy-vault -- --source-vault prod .* --run-id ctrl-c --checkpoint \S+copy\.json$/m,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    `copy-vault --verify under a real terminal (tmux, 130 columns): one live line, each verified point above it, the report, exit 1 for a missing copy${SKIP}`,
  ignore: !TMUX,
  async fn() {
    const seed = vaultSeed(5);
    await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
    // Every point but rp-0004 (the newest) copied to a vault of the same Region and account.
    await copyRecoveryPoints(clientOf(emulator), {
      ...FAST,
      destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
      createdBefore: new Date(seed.recoveryPoints[4].creationDateMs!),
    });
    await using terminal = await Terminal.open(130, 40);
    await terminal.type(
      [
        "npx -y deno@2.9.6 task copy-vault -- --verify --source-vault",
        SOURCE_VAULT,
        "--destination-vault-arn",
        LOCAL_DR_VAULT_ARN,
        "--endpoint",
        emulator.url,
      ].join(" "),
    );
    await terminal.waitFor((rows) => rows.at(-1) === PROMPT.trimEnd() && rows.length > 2);
    await terminal.type("echo EXIT=$?");
    const rows = await terminal.waitFor((rows) => rows.some((r) => r.startsWith("EXIT=")));
    const screen = rows.join("\n");
    const joined = await terminal.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-");
    assert.ok(rows.includes("EXIT=1"), screen);
    const isVerifyBar = (row: string) => / verified · completed \d+ · partial /.test(row);
    assert.equal(rows.filter(isVerifyBar).length, 1, `one progress line:\n${screen}`);
    assert.equal(
      rows.find(isVerifyBar),
      "[########################] 5/5 verified · completed 4 · partial 0 · running 0 · " +
        "failed 0 · expired 0 · missing 1 · skipped 0",
    );
    assert.ok(!rows.some((r) => r.startsWith("Verifying ")), `no stale listing line:\n${screen}`);
    assert.equal(joined.split("\n").filter((r) => /^verified +\[\d\/5\] /.test(r)).length, 5);
    assert.match(joined, /^verified +\[1\/5\] \S+rp-0004 MISSING: no copy job of it/m);
    assert.match(screen, /^MISSING +rp-0004 /m);
    assert.match(screen, /^Not ok: 1 of 5 selected recovery points have no completed copy\.$/m);
  },
});

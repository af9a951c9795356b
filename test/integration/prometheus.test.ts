// `msgtop --prometheus` scraped by a real Prometheus (Debian's package) on
// loopback: exact counts through /api/v1/query for a known workload, lint
// with promtool, every shipped rule and dashboard expression evaluated with
// data, the series cap, where it listens, and the systemd unit's
// capabilities. Fails (never skips) when anything it needs is missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cli, freePort, msggen, progsLeft, readableProgram, root, runGen, stopProcess } from './harness.js';

const RULES = join(root, 'deploy', 'prometheus', 'msgtop-rules.yml');
const DASHBOARD = join(root, 'deploy', 'grafana', 'msgtop-dashboard.json');
const UNIT = join(root, 'deploy', 'systemd', 'msgtop.service');
/** Distinct command names so other msggen runs on this machine cannot add to ours. */
const TAG = 'm' + randomBytes(3).toString('hex').slice(0, 5);
const COPIES = 20;

interface Exporter {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

/** Starts msgtop --prometheus and resolves once it says where it listens. */
function startExporter(args: string[], wrap: string[] = [], program = cli): Promise<Exporter> {
  const argv = [...wrap, process.execPath, program, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`msgtop did not start: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving http:\/\/[^ ]*:(\d+)\/metrics/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`msgtop exited (${code}): ${err}`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getText(url: string): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
}

type Vector = { metric: Record<string, string>; value: [number, string] }[];

describe('msgtop --prometheus scraped by a real Prometheus', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'msgtop-prom-'));
  let main: Exporter;
  let capped: Exporter;
  let prom: ChildProcess;
  let promPort: number;
  let promLog = '';
  let steady: ChildProcess | null = null;
  const gen = (name: string) => join(tmp, name);

  const query = async (q: string): Promise<Vector> => {
    const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Vector };
    };
    if (r.status !== 'success') throw new Error(`${q}: ${r.error}`);
    return r.data!.result;
  };
  const value = async (q: string): Promise<number | null> => {
    const v = await query(q);
    if (v.length > 1) throw new Error(`${q}: ${v.length} series`);
    return v.length ? Number(v[0]!.value[1]) : null;
  };
  /** Polls until the query gives `want` (Prometheus scrapes every second). */
  const until = async (q: string, want: number, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    let got: number | null = null;
    while (Date.now() < deadline) {
      got = await value(q);
      if (got === want) return;
      await sleep(300);
    }
    assert.equal(got, want, q);
  };

  before(async () => {
    for (const tool of ['prometheus', 'promtool', 'ss', 'setpriv']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} missing: run bash scripts/setup.sh --test`);
    }
    for (const name of [`${TAG}a`, `${TAG}b`, `${TAG}d`, ...Array.from({ length: COPIES }, (_, i) => `${TAG}c${i}`)]) {
      copyFileSync(msggen, gen(name));
    }
    // A tiny ring buffer with events for every process: the burst below must
    // drop some, so the drop counter and its alert have data.
    main = await startExporter(['--prometheus', '0', '--interval', '0.5', '--ipc', 'always', '--all-events', '--ringbuf-kb', '4', '--top', '20']);
    capped = await startExporter(['--prometheus', '0', '--interval', '0.5', '--ipc', 'off', '--comm', `${TAG}c`, '--max-series', '100']);
    promPort = await freePort();
    const config = join(tmp, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: [${JSON.stringify(RULES)}]`,
        'scrape_configs:',
        `  - { job_name: msgtop, static_configs: [{ targets: ["127.0.0.1:${main.port}"] }] }`,
        `  - { job_name: msgtop-capped, static_configs: [{ targets: ["127.0.0.1:${capped.port}"] }] }`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(tmp, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prom.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (prom.exitCode !== null) throw new Error(`prometheus exited: ${promLog}`);
      try {
        if ((await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`prometheus not ready: ${promLog}`);
      await sleep(200);
    }
    await until('count(up == 1)', 2);

    // The group's series exist before the burst (a first scrape is only a
    // baseline for rate()), then the known workload.
    runGen(['--sendmsg', '10', '--msgsnd', '1', '--eagain', '1'], undefined, gen(`${TAG}a`));
    await until(`msgtop_messages_total{comm="${TAG}a",syscall="sendmsg"}`, 10);
    await sleep(2500);
    // A steady 150 pairs/s for 8 s: a live process whose rate jumps.
    steady = spawn(gen(`${TAG}b`), ['--sendmsg', '1200', '--rate-hz', '150'], { stdio: 'ignore' });
    runGen(['--sendmsg', '1000', '--msgsnd', '50', '--eagain', '300'], undefined, gen(`${TAG}a`));
    for (let i = 0; i < COPIES; i++) runGen(['--sendmsg', String(10 + i)], undefined, gen(`${TAG}c${i}`));
  });

  after(async () => {
    if (steady) await stopProcess(steady);
    for (const p of [main?.child, capped?.child, prom]) if (p) await stopProcess(p, 'SIGINT');
    rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual(await progsLeft(), [], 'BPF programs left behind');
  });

  it('exact counts for the workload, through /api/v1/query', async () => {
    const a = `comm="${TAG}a",container="",job="msgtop"`;
    await until(`msgtop_messages_total{${a},syscall="sendmsg"}`, 1010);
    // Two runs: --sendmsg 10 --msgsnd 1 --eagain 1, then 1000 / 50 / 300.
    const want: [string, number][] = [
      [`msgtop_messages_total{${a},syscall="sendmsg",direction="send"}`, 1010],
      [`msgtop_messages_total{${a},syscall="recvmsg",direction="recv"}`, 1010],
      [`msgtop_calls_total{${a},syscall="recvmsg"}`, 1311],
      [`msgtop_bytes_total{${a},syscall="sendmsg"}`, 101_000],
      [`msgtop_messages_total{${a},syscall="msgsnd"}`, 51],
      [`msgtop_messages_total{${a},syscall="msgrcv"}`, 51],
      [`msgtop_bytes_total{${a},syscall="msgsnd"}`, 5_100],
      [`msgtop_errors_total{${a},syscall="recvmsg",errno="EAGAIN"}`, 301],
      [`sum(msgtop_errors_total{${a}})`, 301],
      // Each run writes its result line to our pipe, a unix socket.
      [`msgtop_calls_total{${a},syscall="write"}`, 2],
    ];
    for (const [q, n] of want) assert.equal(await value(q), n, q);
  });

  it('promtool check metrics passes on /metrics', async () => {
    for (const e of [main, capped]) {
      const text = await getText(`http://127.0.0.1:${e.port}/metrics`);
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
  });

  it('promtool check rules passes on the shipped rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('the cap: 20 names, 100 series; the overflow counted, no count lost', async () => {
    const c = 'job="msgtop-capped"';
    const sends = Array.from({ length: COPIES }, (_, i) => 10 + i).reduce((x, y) => x + y, 0);
    await until(`sum(msgtop_messages_total{${c},syscall="sendmsg"})`, sends);
    // 20 groups × (sendmsg, recvmsg, the result write) × 3 families = 180
    // series; 100 - 56 reserved for "other" leaves 44: 14 cells of 3.
    assert.equal(await value(`msgtop_overflow_series{${c}}`), 180 - 14 * 3);
    assert.equal(await value(`sum(msgtop_messages_total{${c},syscall="recvmsg"})`), sends);
    assert.ok((await value(`msgtop_messages_total{${c},comm="other",container="other",syscall="sendmsg"}`))! > 0);
    const traffic = `{${c},__name__=~"msgtop_(process_)?(messages|bytes|calls|errors)_total"}`;
    const n = await value(`count(${traffic})`);
    assert.ok(n !== null && n <= 100, `${n} traffic series`);
  });

  it('every rule and dashboard expression returns data', async () => {
    // The steady workload must have run long enough for rate() over 1m.
    await sleep(5000);
    const rules = readFileSync(RULES, 'utf8');
    const exprs: string[] = [];
    // The rule file's `expr:` entries, one-line or block (|) form.
    const lines = rules.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)expr:\s*(.*)$/.exec(lines[i]!);
      if (!m) continue;
      if (m[2] !== '|') {
        exprs.push(m[2]!);
        continue;
      }
      const body: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1]!.startsWith(m[1]! + '  ') || lines[i + 1]!.trim() === '')) body.push(lines[++i]!.trim());
      exprs.push(body.join(' ').trim());
    }
    assert.equal(exprs.length, 11, 'every rule found');
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const grafana = (e: string) => e.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.+');
    for (const p of dash.panels) for (const t of p.targets) exprs.push(grafana(t.expr));
    for (const e of exprs) {
      const r = await query(e);
      assert.ok(r.length > 0, `no data: ${e}`);
    }
    const ruleState = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    for (const g of ruleState.data.groups) for (const r of g.rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
    // The burst overflowed the 4 KiB ring buffer, and the counter says so.
    assert.ok((await value('msgtop_ringbuf_dropped_events_total{job="msgtop"}'))! > 0);
  });

  it('listens on loopback only by default', () => {
    for (const e of [main, capped]) {
      const r = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' });
      const mine = r.stdout.split('\n').filter((l) => l.includes(`pid=${e.child.pid},`));
      assert.equal(mine.length, 1, r.stdout);
      assert.equal(mine[0]!.trim().split(/\s+/)[3], `127.0.0.1:${e.port}`);
    }
  });

  it('runs as nobody with exactly the unit\'s capabilities, and needs each of them', async () => {
    const caps = /^AmbientCapabilities=(.*)$/m.exec(readFileSync(UNIT, 'utf8'))![1]!.trim().split(/\s+/);
    assert.deepEqual(/^CapabilityBoundingSet=(.*)$/m.exec(readFileSync(UNIT, 'utf8'))![1]!.trim().split(/\s+/), caps);
    const setpriv = (set: string[]) => {
      const list = ['-all', ...set.map((c) => '+' + c.replace(/^CAP_/, '').toLowerCase())].join(',');
      return ['setpriv', '--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', '--inh-caps', list, '--ambient-caps', list, '--bounding-set', list];
    };
    // --ipc always attaches syscall tracepoints too: every probe kind is used.
    const shared = readableProgram();
    const e = await startExporter(['--prometheus', '0', '--interval', '0.5', '--ipc', 'always', '--comm', `${TAG}d`], setpriv(caps), shared.program);
    try {
      const status = readFileSync(`/proc/${e.child.pid}/status`, 'utf8');
      assert.match(status, /^Uid:\s+65534\s/m);
      runGen(['--sendmsg', '100', '--msgsnd', '5'], undefined, gen(`${TAG}d`));
      const deadline = Date.now() + 10_000;
      let text = '';
      while (Date.now() < deadline && !/syscall="msgsnd",direction="send",comm="\w+d",container=""\} 5$/m.test(text)) {
        await sleep(300);
        text = await getText(`http://127.0.0.1:${e.port}/metrics`);
      }
      assert.match(text, new RegExp(`^msgtop_messages_total\\{syscall="sendmsg",direction="send",comm="${TAG}d",container=""\\} 100$`, 'm'));
      assert.match(text, new RegExp(`^msgtop_messages_total\\{syscall="msgsnd",direction="send",comm="${TAG}d",container=""\\} 5$`, 'm'));
    } finally {
      await stopProcess(e.child, 'SIGINT');
    }
    for (const drop of caps) {
      const argv = [...setpriv(caps.filter((c) => c !== drop)), process.execPath, shared.program, '--prometheus', '0', '--ipc', 'always', '--iterations', '1'];
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
      assert.notEqual(r.status, 0, `still works without ${drop}: ${drop} is not needed`);
      assert.match(r.stderr, /^msgtop: /, r.stderr);
    }
    rmSync(shared.dir, { recursive: true, force: true });
  });
});

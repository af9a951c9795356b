// Keeps src/data/records.ts in step with bpf/msgtop.h: compiles a probe that
// prints sizeof/offsetof of every decoded field and the enum values, then
// compares them with the constants the decoders use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as R from '../../src/data/kernel/records.js';
import { SYSCALLS } from '../../src/data/model/model.js';

// dist/test/unit/ → repo root
const header = fileURLToPath(new URL('../../../bpf/msgtop.h', import.meta.url));

/** name → C expression; every one is printed as "name value". */
function probes(): Map<string, string> {
  const m = new Map<string, string>();
  for (const [struct, fields] of Object.entries(R.LAYOUT)) {
    for (const field of Object.keys(fields)) {
      m.set(`${struct}.${field}`, field === 'size' ? `sizeof(struct ${struct})` : `offsetof(struct ${struct}, ${field})`);
    }
  }
  m.set('mt_event.comm.len', 'sizeof(((struct mt_event *)0)->comm)');
  m.set('mt_proc.comm.len', 'sizeof(((struct mt_proc *)0)->comm)');
  m.set('mt_tname.comm.len', 'sizeof(((struct mt_tname *)0)->comm)');
  m.set('mt_peer.path.len', 'sizeof(((struct mt_peer *)0)->path)');
  m.set('mt_peer.laddr.len', 'sizeof(((struct mt_peer *)0)->laddr)');
  m.set('mt_peer.raddr.len', 'sizeof(((struct mt_peer *)0)->raddr)');
  SYSCALLS.forEach((name) => m.set(`sys.${name}`, `MT_SYS_${name.toUpperCase()}`));
  m.set('MT_SYS_COUNT', 'MT_SYS_COUNT');
  for (const name of Object.keys(R.MT_STAT)) m.set(`stat.${name}`, `MT_STAT_${name}`);
  for (const c of ['MT_STAT_COUNT', 'MT_COMM_LEN', 'MT_PATH_LEN', 'MT_SIZE_BUCKETS', 'MT_FAM_SYSVMSG']) m.set(c, c);
  return m;
}

function compileAndRun(m: Map<string, string>): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'msgtop-layout-'));
  try {
    const lines = [...m].map(([name, expr]) => `  printf("%s %lu\\n", "${name}", (unsigned long)(${expr}));`);
    const src = `#include <stdio.h>\n#include <stddef.h>\n#include "${header}"\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`;
    writeFileSync(join(dir, 'probe.c'), src);
    execFileSync('cc', ['-Wall', '-Werror', '-o', join(dir, 'probe'), join(dir, 'probe.c')], { stdio: 'pipe' });
    const out = execFileSync(join(dir, 'probe'), { encoding: 'utf8' });
    return new Map(
      out
        .trim()
        .split('\n')
        .map((l) => {
          const [k, v] = l.split(' ');
          return [k!, Number(v)];
        }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const c = compileAndRun(probes());

test('struct sizes and field offsets match the header', () => {
  for (const [struct, fields] of Object.entries(R.LAYOUT)) {
    for (const [field, value] of Object.entries(fields)) {
      assert.equal(value, c.get(`${struct}.${field}`), `${struct}.${field}`);
    }
  }
  assert.equal(R.MT_COMM_LEN, c.get('mt_event.comm.len'));
  assert.equal(R.MT_COMM_LEN, c.get('mt_proc.comm.len'));
  assert.equal(R.MT_COMM_LEN, c.get('mt_tname.comm.len'));
  assert.equal(R.MT_PATH_LEN, c.get('mt_peer.path.len'));
  assert.equal(R.MT_ADDR_LEN, c.get('mt_peer.laddr.len'));
  assert.equal(R.MT_ADDR_LEN, c.get('mt_peer.raddr.len'));
});

test('enum mt_sys ids are the SYSCALLS indexes', () => {
  SYSCALLS.forEach((name, i) => assert.equal(c.get(`sys.${name}`), i, name));
  assert.equal(c.get('MT_SYS_COUNT'), SYSCALLS.length);
  assert.equal(R.MT_SYS_COUNT, SYSCALLS.length);
});

test('enum mt_stat and constants match', () => {
  for (const [name, v] of Object.entries(R.MT_STAT)) assert.equal(v, c.get(`stat.${name}`), name);
  for (const name of ['MT_STAT_COUNT', 'MT_COMM_LEN', 'MT_PATH_LEN', 'MT_SIZE_BUCKETS', 'MT_FAM_SYSVMSG'] as const) {
    assert.equal(R[name], c.get(name), name);
  }
});

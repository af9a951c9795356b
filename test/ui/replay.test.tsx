// The table on a recording: the header says where in it we are, the
// playback keys reach the player (and clash with no other key), and a
// crafted recording renders as inertly as live data.
import { KEY, mount, plain } from './helpers.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleKey, type KeyContext } from '../../src/ui/actions.js';
import { DEFAULT_STATE, type UiState } from '../../src/ui/state.js';
import { actionOf, FOOTER, HELP, KEYS, REPLAY_FOOTER, REPLAY_HELP, type Mode } from '../../src/ui/keymap.js';
import { listOf } from '../../src/ui/rank.js';
import type { Stroke } from '../../src/ui/keys.js';
import type { Model } from '../../src/data/model/model.js';
import { openRecording } from '../../src/record/reader.js';
import { Recorder } from '../../src/record/recorder.js';
import { ReplayModels } from '../../src/record/replay.js';
import { HOSTILE, makeHostileModel, makeModel } from '../fixtures/synthetic.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-replay-ui-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ch = (c: string): Stroke => ({ char: c });

const ctx = (replay: boolean): KeyContext => ({
  rows: listOf([{ key: 'a' }, { key: 'b' }]),
  sortable: ['pid', 'msgs'],
  pageSize: 2,
  listLength: 0,
  anchor: 'top',
  watching: true,
  replay,
});

test('the key table: no stroke bound twice in either mode; playback keys exist only in a replay', () => {
  for (const mode of ['live', 'replay'] as Mode[]) {
    const seen = KEYS.flatMap((d) => (d.mode === undefined || d.mode === mode ? d.strokes.filter((s) => s[2] === undefined || s[2] === mode).map(([s]) => JSON.stringify(s)) : []));
    assert.deepEqual(seen.filter((s, i) => seen.indexOf(s) !== i), [], mode);
  }
  for (const c of [',', '.', '[', ']', '{', '}', 'x', 'p']) {
    assert.equal(actionOf(ch(c)), null, `${c} does nothing live`);
    assert.notEqual(actionOf(ch(c), 'replay'), null, `${c} is a playback key`);
  }
  assert.equal(actionOf(ch('+'), 'replay'), null, 'no refresh interval to change in a recording');
  assert.ok(HELP.some(([k]) => k === 'space'));
  assert.ok(!HELP.some(([k]) => k.includes('[')), 'live help has no playback keys');
  assert.deepEqual(
    REPLAY_HELP.filter(([k]) => /^space|\[/.test(k)),
    [
      ['space p', 'play / pause the recording'],
      [', . [ ] { } x', 'step · jump 10 · first/last interval · speed 1× 4× 16×'],
    ],
  );
  assert.ok(!REPLAY_HELP.some(([k]) => k.startsWith('+')));
  assert.match(REPLAY_FOOTER.processes, /space play {2}, \. step/);
  assert.match(FOOTER.processes, /space pause/);
});

test('in a replay, playback keys ask the player in every view; space plays rather than freezing the screen', () => {
  const views: UiState[] = [DEFAULT_STATE, { ...DEFAULT_STATE, view: 'detail', detailKey: 'a', pane: 'peers' }, { ...DEFAULT_STATE, view: 'events' }];
  const want: [string, string][] = [
    [' ', 'play-pause'],
    ['p', 'play-pause'],
    [',', 'back'],
    ['.', 'forward'],
    ['[', 'back-10'],
    [']', 'forward-10'],
    ['{', 'first'],
    ['}', 'last'],
    ['x', 'speed'],
  ];
  for (const s of views) {
    for (const [key, cmd] of want) {
      const out = handleKey(s, ch(key), ctx(true));
      assert.deepEqual(out.effects, [{ kind: 'replay', cmd }], `${s.view} ${key}`);
      assert.equal(out.state.paused, false);
    }
  }
  assert.equal(handleKey(DEFAULT_STATE, ch(' '), ctx(false)).state.paused, true, 'live: space freezes the display');
  assert.deepEqual(handleKey(DEFAULT_STATE, ch('.'), ctx(false)).effects, []);
  // Typed into the filter line, they are text.
  const typing = handleKey({ ...DEFAULT_STATE, filterEditing: true }, ch('.'), ctx(true));
  assert.deepEqual([typing.state.filter, typing.effects], ['.', []]);
});

async function recording(name: string, models: Model[]): Promise<ReplayModels> {
  const path = join(dir, name);
  const rec = new Recorder({ path, version: 't', intervalMs: 1000, ipc: 'auto' });
  for (const m of models) rec.write(m);
  rec.close();
  return new ReplayModels(await openRecording(path), { rowHistoryLen: 10 });
}

test('the header shows the recording host, kernel and where in it we are; keys go to the player', async () => {
  const ts = new Date(2026, 11, 1, 21, 14, 3).getTime();
  const models = await recording(
    'header.jsonl',
    Array.from({ length: 3 }, (_, i) => ({ ...makeModel({ processes: 4 }), ts: ts + i * 1000, host: 'db-07', kernel: '6.1.0-21' })),
  );
  const m = models.model(1);
  const ui = await mount({ ...m, replay: { ...m.replay!, playing: true, speed: 4 } });
  const first = ui.frame().split('\n')[0]!;
  assert.match(first, /^msgtop {3}REPLAY {2}21:14:04, interval 2 of 3, playing 4× {2}db-07 {2}kernel 6\.1\.0-21 /);
  assert.match(ui.frame(), /space play {2}, \. step/, 'the footer has the playback keys');
  await ui.press(' ', '.', ']', 'x', '}');
  assert.deepEqual(ui.calls, [
    ['replay', 'play-pause'],
    ['replay', 'forward'],
    ['replay', 'forward-10'],
    ['replay', 'speed'],
    ['replay', 'last'],
  ]);
  assert.doesNotMatch(ui.frame(), /PAUSED/, 'space did not freeze the display');
  ui.unmount();
});

test('a crafted recording renders inert, as live data does, in every view', async () => {
  const hostile = makeHostileModel();
  const models = await recording('hostile.jsonl', [
    { ...hostile, host: HOSTILE.title, kernel: HOSTILE.clear, delivered: { events: hostile.detail!.events, skipped: 0 } },
  ]);
  models.watch(hostile.detail!.key);
  const width = 200;
  const ui = await mount(models.model(0), { columns: width, rows: 40 });
  const check = (where: string) => {
    const text = plain(ui.raw());
    // eslint-disable-next-line no-control-regex
    const bad = text.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    assert.equal(bad, null, `${where}: raw control ${JSON.stringify(bad?.[0])}`);
    assert.ok(!ui.raw().includes('\u001b]'), `${where}: OSC survived`);
  };
  check('table');
  assert.ok(ui.frame().includes('\\x1b]0;pwned\\x07'), 'shown escaped');
  await ui.press(KEY.enter);
  for (const pane of ['1', '2', '3', '4', '5', '6']) {
    await ui.press(pane);
    check(`pane ${pane}`);
  }
  await ui.press(KEY.escape, 'e');
  check('global events');
  ui.unmount();
});

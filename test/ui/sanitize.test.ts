import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControl, MAX_INPUT } from '../../src/data/model/sanitize.js';

test('escapes ESC sequences so they become printable text', () => {
  assert.equal(escapeControl('\x1b]0;pwned\x07'), '\\x1b]0;pwned\\x07');
  assert.equal(escapeControl('a\x1b[2Jb'), 'a\\x1b[2Jb');
});

test('names newline, carriage return and tab', () => {
  assert.equal(escapeControl('a\nb\rc\td'), 'a\\nb\\rc\\td');
});

test('escapes NUL, DEL and C1 controls (8-bit CSI)', () => {
  assert.equal(escapeControl('\x00\x7f\x9b2J'), '\\x00\\x7f\\x9b2J');
});

test('escapes bidi overrides, separators and lone surrogates', () => {
  assert.equal(escapeControl('a\u202eb\u2028c'), 'a\\u{202e}b\\u{2028}c');
  assert.equal(escapeControl('x\ud800y'), 'x\\u{d800}y');
});

test('leaves ordinary text, unicode and emoji alone', () => {
  for (const s of ['nginx: worker', 'café', '日本語', 'ok 😀', '@abstract', '/run/x.sock']) {
    assert.equal(escapeControl(s), s);
  }
});

test('is idempotent', () => {
  const once = escapeControl('\x1b[31mred\n');
  assert.equal(escapeControl(once), once);
});

test('truncates absurdly long input without splitting a surrogate pair', () => {
  const long = 'a'.repeat(MAX_INPUT * 10);
  const out = escapeControl(long);
  assert.equal(out.length, MAX_INPUT + 1);
  assert.ok(out.endsWith('…'));
  const emoji = 'a'.repeat(MAX_INPUT - 1) + '😀' + 'b';
  assert.equal(escapeControl(emoji), 'a'.repeat(MAX_INPUT - 1) + '…');
});

test('no output ever contains a control character', () => {
  let all = '';
  for (let c = 0; c < 0x100; c++) all += String.fromCharCode(c);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(escapeControl(all), /[\u0000-\u001f\u007f-\u009f]/);
});

test('escapes what a terminal draws at another width than msgtop measures', () => {
  // Emoji sequence parts: skin tones, variation selectors, keycaps, flags.
  assert.equal(escapeControl('👍🏽'), '👍\\u{1f3fd}');
  assert.equal(escapeControl('☺️'), '☺\\u{fe0f}');
  assert.equal(escapeControl('1️⃣'), '1\\u{fe0f}\\u{20e3}');
  assert.equal(escapeControl('🇺🇸'), '\\u{1f1fa}\\u{1f1f8}');
  // Format and default-ignorable characters tmux draws 1 or 2 wide.
  assert.equal(escapeControl('a\u00adb\u0600c\u3164d\u115f'), 'a\\u{ad}b\\u{600}c\\u{3164}d\\u{115f}');
  // Unassigned and private-use code points; U+3248 (2 wide there, 1 here).
  assert.equal(escapeControl('\u0378\ue000\u3248'), '\\u{378}\\u{e000}\\u{3248}');
  // A cluster is measured as its first code point, a terminal adds up each:
  // only nonspacing marks may follow.
  assert.equal(escapeControl('क्ष'), 'क्\\u{937}');
  assert.equal(escapeControl('\u1100\u1161'), '\u1100\\u{1161}');
  assert.equal(escapeControl('e\u0301\u0301'), 'e\u0301\u0301');
  for (const s of ['漢字テスト', 'ok 😀', 'café', 'Ünïcödé', 'Привет', '각']) assert.equal(escapeControl(s), s);
});

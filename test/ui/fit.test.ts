import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, textWidth, truncate } from '../../src/ui/fit.js';

test('textWidth counts terminal columns: wide characters take two', () => {
  assert.equal(textWidth('nginx'), 5);
  assert.equal(textWidth('日本語'), 6);
  assert.equal(textWidth('a😀b'), 4);
  assert.equal(textWidth('▁▂▃…'), 4);
});

test('truncate cuts to the width with an ellipsis, never splitting a character', () => {
  assert.equal(truncate('nginx', 5), 'nginx');
  assert.equal(truncate('postgres', 5), 'post…');
  assert.equal(truncate('postgres', 1), '…');
  assert.equal(truncate('postgres', 0), '');
  // 日本語 is 6 columns: in 5, two characters (4) and the ellipsis.
  assert.equal(truncate('日本語', 5), '日本…');
  assert.equal(truncate('日本語', 4), '日…');
  assert.equal(truncate('a😀b', 3), 'a…');
});

test('fit pads or cuts to exactly the width, left or right aligned', () => {
  assert.equal(fit('750', 6, true), '   750');
  assert.equal(fit('root', 8), 'root    ');
  assert.equal(fit('www-data-long', 8), 'www-dat…');
  for (const s of ['日本語のプロセス名前長い', 'a😀b', 'x', '', 'ab日']) {
    for (let w = 0; w <= 14; w++) {
      assert.equal(textWidth(fit(s, w)), w, `${s} in ${w}`);
      assert.equal(textWidth(fit(s, w, true)), w, `${s} in ${w}, right`);
    }
  }
});

// MSGTOP_TEST_CRASH: a deliberate internal error, for the exit-path tests
// (test/e2e/exits.test.ts) only. `timer:SECONDS` throws from a timer after
// SECONDS, as a bug in the sampler would; `render:SECONDS` throws while the
// live table renders, as a bug in a component would. This is the only
// place msgtop reads it; unset (always, outside those tests), nothing happens.
export interface TestCrash {
  where: 'timer' | 'render';
  afterMs: number;
}

function parse(v: string | undefined): TestCrash | null {
  const m = /^(timer|render):(\d+(?:\.\d+)?)$/.exec(v ?? '');
  return m ? { where: m[1] as TestCrash['where'], afterMs: Number(m[2]) * 1000 } : null;
}

export const testCrash: TestCrash | null = parse(process.env['MSGTOP_TEST_CRASH']);

export function crashError(where: string): Error {
  return new Error(`MSGTOP_TEST_CRASH: deliberate ${where} error`);
}

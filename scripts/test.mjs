// `npm test` after set-up: node's test runner over every *.test.js under
// dist/test, one file at a time. It runs in-process under a plain title:
// the runner reads its test processes through sockets, so it shows in the
// table the TUI tests drive, and a command line listing every test file
// would match the filters they type.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

process.title = 'test-runner';
const files = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .sort()
  .map((f) => join('dist/test', f));
if (files.length === 0) {
  process.stderr.write('no test files under dist/test: is the build done?\n');
  process.exit(1);
}
run({ files, concurrency: 1 })
  .on('test:fail', () => {
    process.exitCode = 1;
  })
  .compose(tap)
  .pipe(process.stdout);

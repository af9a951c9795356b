// Child process for the frame-time benchmark: renders the real <App> with
// ink-testing-library (Ink in debug mode: every render is laid out and
// written synchronously to a fake 120x40 stdout) on a synthetic Model of N
// processes, then re-renders with changed Models and times each one:
// WARMUP frames (V8 is still compiling the hot code), then FRAMES more.
//   NODE_ENV=production node dist/bench/frame.js [N] [FRAMES] [WARMUP]
//   (NODE_ENV must come from the environment: the compiled JSX imports
//   react/jsx-runtime before any line of this file runs; src/cli.ts sets
//   production before it loads the UI)
//   stdout: one JSON line {processes, frames, warmup, firstMs, ms: [...], cpuMs: [...]}
//   (WARMUP + FRAMES entries each)
//   (cpuMs: this process's user+system CPU per frame; wall ms suffers from
//   other load on a shared machine, CPU time much less)
process.env['FORCE_COLOR'] = '1'; // colours on, as in a real terminal
delete process.env['NO_COLOR'];
delete process.env['CI']; // Ink renders only the last frame when CI is set

const { render } = await import('ink-testing-library');
const { App } = await import('../src/ui/App.js');
const { makeModel } = await import('../test/fixtures/synthetic.js');
type Model = import('../src/data/model/model.js').Model;

const n = Number(process.argv[2] ?? 10_000);
const frames = Number(process.argv[3] ?? 20);
const warmup = Number(process.argv[4] ?? 0);
const controls = { watch() {}, setIntervalMs() {}, setGlobalEvents() {}, suspend() {}, quit() {} };

// Models differ every frame (rates shift, so the ranking changes), built
// before timing starts: the frame is what is timed, not the fixture.
const base = makeModel({ processes: n });
const variants: Model[] = Array.from({ length: 4 }, (_, v) => ({
  ...base,
  ts: base.ts + v * 1000,
  processes: base.processes.map((p, i) => {
    const k = 1 + (((i * 7919 + v * 104729) % 97) - 48) / 100;
    const scale = (c: typeof p.send.rate) => ({ ...c, messages: Math.round(c.messages * k), calls: Math.round(c.calls * k) });
    return { ...p, send: { ...p.send, rate: scale(p.send.rate) }, recv: { ...p.recv, rate: scale(p.recv.rate) } };
  }),
}));

let t = performance.now();
const app = render(<App model={variants[0]!} controls={controls} />);
const stdout = app.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
Object.defineProperty(stdout, 'columns', { value: 120, configurable: true });
Object.defineProperty(stdout, 'rows', { value: 40, configurable: true });
stdout.emit('resize');
await new Promise((r) => setTimeout(r, 50)); // effects (resize subscription) settle
const firstMs = performance.now() - t;

const ms: number[] = [];
const cpuMs: number[] = [];
let lastFrame = app.lastFrame();
let changed = 0;
for (let f = 1; f <= warmup + frames; f++) {
  const m = variants[f % variants.length]!;
  t = performance.now();
  const c0 = process.cpuUsage();
  app.rerender(<App model={m} controls={controls} />);
  const c = process.cpuUsage(c0);
  ms.push(performance.now() - t);
  cpuMs.push((c.user + c.system) / 1000);
  if (app.lastFrame() !== lastFrame) changed++;
  lastFrame = app.lastFrame();
  await new Promise((r) => setImmediate(r));
}
app.unmount();
const lines = (lastFrame ?? '').split('\n').length;
process.stdout.write(JSON.stringify({ processes: n, frames, warmup, firstMs, ms, cpuMs, changed, lines, nodeEnv: process.env['NODE_ENV'] }) + '\n');
process.exit(0);

// Opens a recording for --replay: reads it once from end to end (through
// gunzip when it is compressed), checks every line, and keeps only where
// each line is (a plain file) or the line itself deflated (a gzip file or a
// pipe), so a long recording of a busy host replays in bounded memory.
// Lines are parsed again when shown, a few kept at a time.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip, deflateRawSync, inflateRawSync } from 'node:zlib';
import { escapeControl } from '../data/model/sanitize.js';
import { UserError } from '../data/user-error.js';
import { FormatError, parseFrame, parseHeader, type Frame, type RecordingHeader } from './format.js';

/** A longer line is not something msgtop wrote (a --json line with the
 * 16,384 processes --max-procs allows by default is a few MB). */
const MAX_LINE = 256 << 20;
/** Parsed lines kept: enough for a row's history window and a step back. */
const CACHED = 24;

export interface Recording {
  /** The name as given, escaped for printing. */
  readonly name: string;
  readonly header: RecordingHeader;
  /** Intervals in it. */
  readonly count: number;
  /** Interval i (0-based), checked. */
  frame(i: number): Frame;
  /** Events recorded with interval i (found without parsing it again). */
  eventCount(i: number): number;
  /** What the user should know about the file (it ended early), or null. */
  readonly note: string | null;
  close(): void;
}

interface LineStore {
  add(line: Buffer, offset: number): void;
  get(i: number): string;
  close(): void;
}

/** A regular file: where each line starts and how long it is. */
class FileLines implements LineStore {
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  constructor(private readonly fd: number) {}
  add(line: Buffer, offset: number): void {
    this.offsets.push(offset);
    this.lengths.push(line.length);
  }
  get(i: number): string {
    const buf = Buffer.allocUnsafe(this.lengths[i]!);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(this.fd, buf, got, buf.length - got, this.offsets[i]! + got);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** Compressed or piped input: each line deflated on its own. */
class MemoryLines implements LineStore {
  private readonly lines: Buffer[] = [];
  constructor(private readonly fd: number) {}
  add(line: Buffer): void {
    this.lines.push(deflateRawSync(line, { level: 1 }));
  }
  get(i: number): string {
    return inflateRawSync(this.lines[i]!).toString('utf8');
  }
  close(): void {
    closeSync(this.fd);
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ELOOP: 'too many symbolic links',
    ENOTDIR: 'a part of the path is not a directory',
    EIO: 'input/output error',
  };
  return (code && known[code]) ?? (e as Error).message;
}

/** A JSON.parse message without the (possibly huge) text it quotes. */
function jsonReason(e: unknown): string {
  const m = (e as Error).message;
  return m.length > 120 ? `${m.slice(0, 120)}…` : m;
}

function parseLine<T>(name: string, lineNo: number, text: string, check: (v: unknown) => T): T {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${name} line ${lineNo} is not JSON (${escapeControl(jsonReason(e))})`);
  }
  try {
    return check(v);
  } catch (e) {
    if (e instanceof FormatError) throw new UserError(`${name} line ${lineNo}: ${escapeControl(e.message)}`);
    throw e;
  }
}

/** Lines of `input`: each complete one, then the last one if it has no newline. */
async function* splitLines(input: Readable, name: string): AsyncGenerator<{ line: Buffer; offset: number; complete: boolean }> {
  let parts: Buffer[] = [];
  let partLen = 0;
  let offset = 0;
  let lineNo = 1;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) {
        if (from < chunk.length) {
          parts.push(chunk.subarray(from));
          partLen += chunk.length - from;
          if (partLen > MAX_LINE) throw new UserError(`${name} line ${lineNo} is longer than ${MAX_LINE >> 20} MiB: not a msgtop recording`);
        }
        break;
      }
      const piece = chunk.subarray(from, nl);
      const line = parts.length > 0 ? Buffer.concat([...parts, piece]) : piece;
      yield { line, offset, complete: true };
      offset += line.length + 1;
      lineNo++;
      parts = [];
      partLen = 0;
      from = nl + 1;
    }
  }
  if (partLen > 0) yield { line: Buffer.concat(parts), offset, complete: false };
}

/** Reads and checks the whole recording at `path`; a bad one is one sentence (UserError, exit 1). */
export async function openRecording(path: string): Promise<Recording> {
  const name = escapeControl(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UserError(`cannot open ${name}: ${reason(e)}`);
  }
  try {
    return await load(path, name, fd);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

async function load(path: string, name: string, fd: number): Promise<Recording> {
  const st = fstatSync(fd);
  if (st.isDirectory()) throw new UserError(`${name} is a directory, not a recording`);
  let gzip = path.endsWith('.gz');
  if (st.isFile()) {
    const magic = Buffer.alloc(2);
    gzip ||= readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    if (st.size === 0) throw new UserError(`${name} is empty: no recording in it`);
  }
  const store: LineStore = gzip || !st.isFile() ? new MemoryLines(fd) : new FileLines(fd);
  const raw = createReadStream('', { fd, autoClose: false, start: st.isFile() ? 0 : undefined });
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (e) => input.destroy(e));

  let header: RecordingHeader | null = null;
  const events: number[] = [];
  let lineNo = 0;
  let note: string | null = null;
  try {
    for await (const { line, offset, complete } of splitLines(input, name)) {
      lineNo++;
      const text = line.toString('utf8');
      if (!complete) {
        // Cut off mid-write (msgtop killed, the disk full). Complete after
        // all if it parses; else the intervals before it are the recording.
        try {
          JSON.parse(text);
        } catch {
          note = `${name} line ${lineNo} is cut off (msgtop stopped while writing it)`;
          break;
        }
      }
      if (lineNo === 1) {
        header = parseLine(name, lineNo, text, parseHeader);
        continue;
      }
      if (text.trim() === '') throw new UserError(`${name} line ${lineNo} is empty`);
      const frame = parseLine(name, lineNo, text, parseFrame);
      events.push(frame.eventLog.length);
      store.add(line, offset);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' && lineNo > 0) {
      note ??= `${name} ends in the middle of line ${lineNo + 1} (msgtop stopped while writing it)`;
    } else if (code === 'Z_BUF_ERROR') {
      throw new UserError(st.size === 0 ? `${name} is empty: no recording in it` : `${name} line 1 is cut off: the recording has no complete header`);
    } else if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new UserError(`${name} line ${lineNo + 1}: corrupt gzip data (${(e as Error).message})`);
    } else if (e instanceof UserError) {
      throw e;
    } else {
      throw new UserError(`cannot read ${name}: ${reason(e)}`);
    }
  }
  if (header === null) {
    if (lineNo === 0) throw new UserError(`${name} is empty: no recording in it`);
    throw new UserError(`${name} line 1 is cut off: the recording has no complete header`);
  }
  if (events.length === 0) {
    throw new UserError(`${name} line 2: the recording ends before its first interval${note ? ' (it was cut off)' : ''}`);
  }
  if (note !== null) note += `: replaying the ${events.length} complete intervals before it`;
  return recording(name, header, store, events, note);
}

function recording(name: string, header: RecordingHeader, store: LineStore, events: number[], note: string | null): Recording {
  const cache = new Map<number, Frame>();
  return {
    name,
    header,
    count: events.length,
    note,
    eventCount: (i) => events[i] ?? 0,
    frame(i: number): Frame {
      if (!Number.isInteger(i) || i < 0 || i >= events.length) throw new RangeError(`interval ${i} of ${events.length}`);
      let f = cache.get(i);
      if (f) {
        // Most recently used last.
        cache.delete(i);
        cache.set(i, f);
        return f;
      }
      // Checked again: the file may have changed since it was opened.
      f = parseLine(name, i + 2, store.get(i), parseFrame);
      cache.set(i, f);
      if (cache.size > CACHED) cache.delete(cache.keys().next().value!);
      return f;
    },
    close: () => store.close(),
  };
}


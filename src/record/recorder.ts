// --record FILE: every interval's Model, appended as one line (a gzip
// member of its own when FILE ends in .gz), written with write(2) before the
// next interval starts, so a killed msgtop leaves every complete interval;
// fdatasync follows in the background, for a power cut.
//
// msgtop usually runs as root and the file holds every user's command
// lines: it is a new file (O_CREAT|O_EXCL, so nothing planted at the path,
// a symlink least of all, is ever followed or overwritten), mode 0600, and
// given to the user who ran sudo. If writing fails (disk full, I/O error)
// recording stops with one message, the file is cut back to its last
// complete interval, and the live view goes on.
import { closeSync, constants, fchmodSync, fdatasync, fdatasyncSync, ftruncateSync, lstatSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { IpcMode, Model, RecordingStatus } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { UserError } from '../data/user-error.js';
import { recordLine } from '../cli/json.js';
import { DETAIL_NOTE, FORMAT, VERSION } from './format.js';

export interface RecorderOptions {
  path: string;
  /** msgtop's version, for the header. */
  version: string;
  /** The refresh interval asked for. */
  intervalMs: number;
  ipc: IpcMode;
  /** Told once, when recording stops on an error. */
  onError?: (message: string) => void;
  /** gzip level for FILE.gz (default 6). */
  gzipLevel?: number;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links on the way',
};

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (e as Error).message;
}

/**
 * Creates FILE for writing, new and private: O_CREAT|O_EXCL|O_NOFOLLOW,
 * mode 0600. An existing file, or a symlink at the path, is refused, never
 * opened (one sentence, exit 1).
 */
export function createRecordingFile(path: string): number {
  const shown = escapeControl(path);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      let link = false;
      try {
        link = lstatSync(path).isSymbolicLink();
      } catch {
        /* gone meanwhile */
      }
      throw new UserError(
        link
          ? `--record ${shown}: that is a symbolic link, which msgtop never follows: give the name of a new file`
          : `--record ${shown}: the file exists, and msgtop writes only new files (it never overwrites or appends): give a new name`,
      );
    }
    throw new UserError(`--record ${shown}: cannot create it: ${reason(e)}`);
  }
  // The mode given to open(2) passes through the umask, which may only
  // narrow it; fchmod makes sure of it whatever the umask or default ACL.
  fchmodSync(fd, 0o600);
  return fd;
}

export class Recorder {
  private fd: number | null;
  private readonly gzip: boolean;
  /** Bytes of complete intervals (and the header) in the file. */
  private size = 0;
  private lines = 0;
  private error: string | null = null;
  private syncing = false;

  /** Creates the file now (before the kernel is touched, so a bad path fails fast). */
  constructor(private readonly opts: RecorderOptions) {
    this.fd = createRecordingFile(opts.path);
    this.gzip = opts.path.endsWith('.gz');
  }

  status(): RecordingStatus {
    return { path: escapeControl(this.opts.path), error: this.error };
  }

  /** The file descriptor, for chownToInvokingUser; null once stopped. */
  get descriptor(): number | null {
    return this.fd;
  }

  /**
   * Appends one interval. A Model that measured no interval (the sampler's
   * first, at attach) is skipped: it has nothing in it.
   */
  write(m: Model): void {
    if (this.fd === null || m.intervalMs === 0) return;
    let text = '';
    if (this.size === 0) text += this.header(m) + '\n';
    text += recordLine(m) + '\n';
    const data = this.gzip ? gzipSync(text, { level: this.opts.gzipLevel ?? 6 }) : Buffer.from(text);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.size += data.length;
    this.lines++;
    this.sync();
  }

  private header(m: Model): string {
    return JSON.stringify({
      format: FORMAT,
      version: VERSION,
      msgtop: this.opts.version,
      host: m.host,
      kernel: m.kernel,
      probes: m.probes,
      probes_reason: m.probesReason,
      ipc: this.opts.ipc,
      interval_ms: this.opts.intervalMs,
      // Uptime is monotonic and fractional; the header has whole epoch ms.
      start: Math.round(m.ts - m.uptimeMs),
      start_time: new Date(Math.round(m.ts - m.uptimeMs)).toISOString(),
      note: DETAIL_NOTE,
    });
  }

  /** To the disk in the background: one fdatasync at a time. */
  private sync(): void {
    if (this.syncing || this.fd === null) return;
    this.syncing = true;
    const fd = this.fd;
    fdatasync(fd, (e) => {
      this.syncing = false;
      if (e && this.fd === fd) this.fail(e);
    });
  }

  private fail(e: unknown): void {
    if (this.fd === null) return;
    // A partial interval would be a torn last line: cut it off.
    try {
      ftruncateSync(this.fd, this.size);
    } catch {
      /* best effort */
    }
    this.error = `${reason(e)}`;
    this.closeFd(false);
    this.opts.onError?.(`recording to ${escapeControl(this.opts.path)} stopped: ${this.error}; the file keeps the ${this.lines} complete intervals before it`);
  }

  private closeFd(flush: boolean): void {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    try {
      if (flush) fdatasyncSync(fd);
    } catch {
      /* what could be written was */
    }
    closeSync(fd);
  }

  close(): void {
    this.closeFd(true);
  }
}

// Playback of a recording in the TUI: which interval is shown, whether it
// plays and how fast. Each change draws the Model of the interval shown.
import type { Model } from '../data/model/model.js';
import type { ReplayCommand } from '../ui/controls.js';
import type { ReplayModels } from './replay.js';

export const SPEEDS = [1, 4, 16] as const;
/** Steps of a jump. */
const JUMP = 10;
/** Shortest wait between frames however fast it plays. */
const MIN_FRAME_MS = 10;

export class Player {
  private at = 0;
  private playing = false;
  private speed: number = SPEEDS[0];
  private timer: NodeJS.Timeout | null = null;
  private draw: (m: Model) => void = () => {};

  constructor(private readonly models: ReplayModels) {}

  current(): Model {
    const m = this.models.model(this.at);
    return { ...m, replay: { ...m.replay!, playing: this.playing, speed: this.speed } };
  }

  /** From now on, every change is drawn with `draw`. */
  start(draw: (m: Model) => void): void {
    this.draw = draw;
    this.schedule();
  }

  watch(key: string | null): void {
    this.models.watch(key);
    this.show();
  }

  command(cmd: ReplayCommand): void {
    const last = this.models.count - 1;
    const go = (to: number) => (this.at = Math.max(0, Math.min(last, to)));
    switch (cmd) {
      case 'play-pause':
        // Play from the start again once at the end.
        if (!this.playing && this.at >= last) this.at = 0;
        this.playing = !this.playing && this.at < last;
        break;
      case 'back':
      case 'forward':
        // One step is for looking closely: it stops playback.
        this.playing = false;
        go(this.at + (cmd === 'back' ? -1 : 1));
        break;
      case 'back-10':
      case 'forward-10':
        go(this.at + (cmd === 'back-10' ? -JUMP : JUMP));
        break;
      case 'first':
        go(0);
        break;
      case 'last':
        go(last);
        this.playing = false;
        break;
      case 'speed':
        this.speed = SPEEDS[(SPEEDS.indexOf(this.speed as (typeof SPEEDS)[number]) + 1) % SPEEDS.length]!;
        break;
    }
    if (this.at >= last) this.playing = false;
    this.show();
  }

  private show(): void {
    this.draw(this.current());
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.playing) return;
    const wait = this.models.frameTime(this.at + 1).intervalMs / this.speed;
    this.timer = setTimeout(() => {
      this.at++;
      if (this.at >= this.models.count - 1) this.playing = false;
      this.show();
    }, Math.max(MIN_FRAME_MS, wait));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.playing = false;
  }
}

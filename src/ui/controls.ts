// The UI's only way to ask the engine for anything. The UI never does I/O;
// it calls these and waits for the next Model.

/** Playback of a recording (--replay): what the replay keys ask for. */
export type ReplayCommand = 'play-pause' | 'back' | 'forward' | 'back-10' | 'forward-10' | 'first' | 'last' | 'speed';

export interface Controls {
  /** Keep per-thread/peer/event detail for this process key; null stops. */
  watch(key: string | null): void;
  setIntervalMs(ms: number): void;
  /** Collect recent events for all processes (global events pane). */
  setGlobalEvents(on: boolean): void;
  /** Ctrl-Z: the CLI gives the shell its terminal and stops msgtop (job
   * control); on `fg` it redraws. The kernel keeps counting meanwhile. */
  suspend(): void;
  /** The CLI unmounts Ink and restores the terminal. */
  quit(): void;
  /** Only when the Models come from a recording. */
  replay?(cmd: ReplayCommand): void;
}

// What the CLI needs: render(<App model controls initial />), then rerender
// with each new Model; unmount after controls.quit().
export { App, MIN_COLUMNS, MIN_ROWS, type AppProps } from './App.js';
export type { Controls } from './controls.js';
export { DEFAULT_STATE, INTERVAL_STEPS_MS, PANES, type ColumnId, type PaneName, type UiState, type View } from './state.js';

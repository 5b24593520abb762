/**
 * The pane compositor: live agent panes drawn straight to the terminal, cell-diffed and
 * rate-capped, while Ink draws the chrome around them through `createInkStdout`.
 */
export type { PaneSpec, Rect, TerminalOutput, TextRow } from './types.js';
export type { CompositorOptions } from './compositor.js';
export { PaneCompositor } from './compositor.js';
export { createInkStdout } from './output.js';

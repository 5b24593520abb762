/** The HANDOFF.md engine: parse, render, validate, merge, compress, history, templates, tokens. */
export * from './types.js';
export { parseHandoff, scanHandoff, normalizeSource } from './parse.js';
export type { HandoffScan, SectionSpan } from './parse.js';
export { renderHandoff, renderSection, renderItem, renderTitle, canonicalOrder } from './render.js';
export { validateHandoff } from './validate.js';
export { mergeHandoffs } from './merge.js';
export type { MergeOptions } from './merge.js';
export { compressHandoff } from './compress.js';
export type { CompressOptions } from './compress.js';
export { historyFileName, writeHistory, renderRemoved } from './history.js';
export type { RemovedMeta } from './history.js';
export { handoffTemplate, waveTemplate, fillTemplate } from './template.js';
export type { TemplateVars } from './template.js';
export { countTokens, loadEncoder, isEncoderLoaded } from './tokens.js';
export { normalizeText, isConflictItem, pointerCount } from './items.js';

/**
 * Shared memory: what agents learned (patterns, mistakes, preferences, learnings, decisions),
 * kept across runs and projects, searched by vector similarity fused with full-text ranking.
 */
export * from './types.js';
export { openMemory, type OpenMemoryOptions } from './open.js';

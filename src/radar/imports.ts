/**
 * What a changed file depends on, for contract warnings: the repository files (or, for Go, the
 * package folders) its imports name. TypeScript and JavaScript through es-module-lexer (static,
 * dynamic and type-only imports, re-exports; `require('…')` by pattern), Python (`import a.b`,
 * `from .x import y`) and Go (import blocks, resolved against go.mod's module path). Only imports
 * inside the repository count: relative ones, and Python/Go ones that name its own packages.
 * Path aliases (tsconfig `paths`) are not followed.
 */
import { init, parse } from 'es-module-lexer';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';

/** An import: the files it may resolve to, in resolution order, or a Go package's folder. */
export type ImportTarget = { candidates: string[] } | { dir: string };

const JS_EXT = /\.(?:[cm]?[jt]sx?)$/;
const RESOLVE_EXT = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const REQUIRE = /\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

export type Language = 'js' | 'python' | 'go';

/** The language whose imports `path` holds, by its extension. */
export function languageOf(path: string): Language | undefined {
  if (JS_EXT.test(path)) return 'js';
  if (path.endsWith('.py')) return 'python';
  if (path.endsWith('.go')) return 'go';
  return undefined;
}

let ready: Promise<void> | undefined;

/** Relative specifiers of a TS/JS source; [] when the lexer cannot read it. */
export async function jsSpecifiers(text: string): Promise<string[]> {
  await (ready ??= init());
  const out: string[] = [];
  try {
    for (const imp of parse(text)[0]) if (imp.specifier) out.push(imp.specifier);
  } catch {
    // not valid JS/TS as the lexer sees it (JSX, a file mid-edit): fall back to the patterns
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"\n]+)\1/g)) out.push(m[2] as string);
  }
  for (const m of text.matchAll(REQUIRE)) out.push(m[2] as string);
  return [...new Set(out)];
}

/** Files a relative TS/JS specifier may resolve to, from `from` (repository-relative). */
export function resolveJs(from: string, spec: string): string[] | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../') && spec !== '.' && spec !== '..') return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  if (base.startsWith('../')) return undefined;
  const out = [base];
  // TypeScript's ESM style names the emitted `.js`; the source is `.ts`.
  const stem = base.replace(/\.(?:[cm]?js|jsx)$/, '');
  if (stem !== base) out.push(...['.ts', '.tsx', '.mts', '.cts'].map((e) => stem + e));
  out.push(...RESOLVE_EXT.map((e) => base + e), ...RESOLVE_EXT.map((e) => `${base}/index${e}`));
  return [...new Set(out)];
}

/** Python imports as targets: `import a.b`, `from a import b`, `from ..x import (y, z)`. */
export function pythonTargets(from: string, text: string): ImportTarget[] {
  const out: ImportTarget[] = [];
  const code = text.replace(/#[^\n]*/g, '');
  const modules = (dotted: string, roots: string[]): string[] =>
    roots.flatMap((r) => {
      const p = posix.join(r, ...dotted.split('.'));
      return [`${p}.py`, `${p}/__init__.py`];
    });
  for (const m of code.matchAll(/^[ \t]*import[ \t]+([\w. \t,]+)$/gm)) {
    for (const part of (m[1] as string).split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name) out.push({ candidates: modules(name, ['', 'src']) });
    }
  }
  for (const m of code.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)/gm)) {
    const dots = (m[1] as string).length;
    const mod = m[2] as string;
    let roots = ['', 'src'];
    if (dots > 0) {
      let dir = posix.dirname(from);
      for (let i = 1; i < dots; i++) dir = posix.dirname(dir);
      roots = [dir === '.' ? '' : dir];
    }
    const pkg = mod ? mod : '';
    if (pkg) out.push({ candidates: modules(pkg, roots) });
    else out.push({ candidates: roots.map((r) => posix.join(r, '__init__.py')) });
    const names = (m[3] as string).replace(/[()\\]/g, ' ').split(',').map((n) => n.trim().split(/\s+/)[0]).filter((n): n is string => Boolean(n && n !== '*'));
    for (const n of names) out.push({ candidates: modules(pkg ? `${pkg}.${n}` : n, roots) });
  }
  return out;
}

/** Import paths of a Go file: single imports and import blocks. */
export function goImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const out: string[] = [];
  for (const m of code.matchAll(/\bimport\s*\(([^)]*)\)/g)) for (const s of (m[1] as string).matchAll(/"([^"\n]+)"/g)) out.push(s[1] as string);
  for (const m of code.matchAll(/\bimport\s+(?:[\w.]+\s+)?"([^"\n]+)"/g)) out.push(m[1] as string);
  return [...new Set(out)];
}

/** A go.mod's module path, or undefined. */
export function goModulePath(gomod: string): string | undefined {
  return /^\s*module\s+"?([^\s"]+)"?/m.exec(gomod)?.[1];
}

/** Reads a repository file of one worktree, or undefined when it is not there. */
export type ReadFile = (path: string) => Promise<string | undefined>;

/** The Go module holding `from`: its folder and path, from the nearest go.mod above it. */
async function goModuleOf(from: string, read: ReadFile, cache: Map<string, { dir: string; module: string } | undefined>): Promise<{ dir: string; module: string } | undefined> {
  for (let dir = posix.dirname(from); ; dir = posix.dirname(dir)) {
    const key = dir === '.' ? '' : dir;
    if (!cache.has(key)) {
      const text = await read(posix.join(key, 'go.mod'));
      const module = text === undefined ? undefined : goModulePath(text);
      cache.set(key, module ? { dir: key, module } : undefined);
    }
    const found = cache.get(key);
    if (found) return found;
    if (dir === '.' || dir === '/') return undefined;
  }
}

/** What `path` (repository-relative, read with `read`) imports from inside the repository. */
export async function importTargets(path: string, read: ReadFile, goMods = new Map<string, { dir: string; module: string } | undefined>()): Promise<ImportTarget[]> {
  const lang = languageOf(path);
  if (!lang) return [];
  const text = await read(path);
  if (text === undefined) return [];
  if (lang === 'python') return pythonTargets(path, text);
  if (lang === 'js') {
    return (await jsSpecifiers(text)).flatMap((s) => {
      const candidates = resolveJs(path, s);
      return candidates ? [{ candidates }] : [];
    });
  }
  const mod = await goModuleOf(path, read, goMods);
  if (!mod) return [];
  return goImports(text).flatMap((imp) => {
    if (imp !== mod.module && !imp.startsWith(`${mod.module}/`)) return [];
    const rest = imp.slice(mod.module.length + 1);
    return [{ dir: posix.join(mod.dir, rest) || '.' }];
  });
}

/** A reader of files under `worktree` (at most 1 MiB each; bigger ones are not source worth lexing). */
export function worktreeReader(worktree: string): ReadFile {
  return async (path) => {
    try {
      const buf = await readFile(posix.join(worktree, path));
      return buf.length > 1024 * 1024 ? undefined : buf.toString('utf8');
    } catch {
      return undefined;
    }
  };
}

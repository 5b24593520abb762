import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLError } from 'yaml';

export type Segment = string | number;

/** Where in the YAML an issue points: the key of the last segment, or its value. */
export type Anchor = 'key' | 'value';

export interface Position {
  line: number;
  column: number;
}

interface Found {
  key?: Node;
  value?: Node;
}

function deref(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The key and value nodes at `path`, or the deepest ones that exist on the way there. */
function walk(doc: Document, path: readonly Segment[]): Found {
  let found: Found = { value: (doc.contents ?? undefined) as Node | undefined };
  for (const seg of path) {
    const node = deref(found.value, doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return found;
      found = { key: pair.key as Node, value: (deref(pair.value, doc) ?? undefined) as Node | undefined };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = deref(node.items[seg], doc) as Node | undefined;
      if (!item) return found;
      found = { key: item, value: item };
    } else {
      return found;
    }
  }
  return found;
}

/** Whether a value node is an empty scalar (`key:` with nothing after it): it has no place of its own. */
function isEmpty(node: Node | undefined): boolean {
  return isScalar(node) && node.value === null && !node.source;
}

/** 1-based line and column of the node an issue at `path` is about. */
export function locate(doc: Document, lines: LineCounter, path: readonly Segment[], anchor: Anchor): Position {
  const { key, value } = walk(doc, path);
  const node = anchor === 'key' || isEmpty(value) ? (key ?? value) : (value ?? key);
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** A YAML syntax error as one sentence saying what was expected and what was found. */
export function describeYamlError(err: YAMLError, text: string): string {
  const at = text.slice(err.pos[0]);
  switch (err.code) {
    case 'TAB_AS_INDENT':
      return 'invalid YAML: expected spaces for indentation, found a tab';
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/.exec(at)?.[0].trim() ?? '';
      return `invalid YAML: duplicate key ${JSON.stringify(key)}; each key may appear once in a mapping`;
    }
    case 'MULTIPLE_DOCS':
      return 'invalid YAML: expected one document, found several (remove the extra "---")';
    default: {
      const message = err.message.replace(/\s+at line \d+, column \d+[\s\S]*$/, '');
      return `invalid YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    }
  }
}

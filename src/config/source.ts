/**
 * A parsed YAML file that can say where things are. Validation works on plain values (what ajv and
 * the model builder see) and turns a value path such as ['schema', 'nodes', 'A', 'primary_key']
 * back into a line and column here, so every diagnostic points at the key or value it is about.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic } from '../core/errors';

/** One step of a path into a YAML value: a mapping key or a list index. */
export type Segment = string | number;
export type Path = readonly Segment[];

export interface Position {
  line: number;
  column: number;
}

/** Where a diagnostic points: the key of the last segment, or its value. */
export type Anchor = 'key' | 'value';

export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();
  /**
   * Each mapping's pairs by key text, built on first lookup: declarations are located key by key
   * (every table and property of a 300-table schema), and a linear scan of a 200-key `nodes:`
   * map per lookup cost ≈ 25 ms (issue 14). The first pair of a duplicated key wins, as before.
   */
  private readonly keyIndex = new WeakMap<object, Map<string, Pair>>();

  constructor(
    /** Absolute path. */
    readonly file: string,
    /** The path as shown in diagnostics. */
    readonly display: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** YAML syntax errors (duplicate keys included) as diagnostics. */
  syntaxDiagnostics(): Diagnostic[] {
    return this.doc.errors.map((e) => ({
      ...this.diag(this.position(e.pos[0])),
      message: `YAML syntax error: ${e.message.replace(/\s+at line \d+, column \d+:[\s\S]*$/, '').trim()}`,
    }));
  }

  /** The plain value of the document (null for an empty file). */
  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, column: col };
  }

  /**
   * Position of `path`'s key or value. A path that does not (fully) exist falls back to the deepest
   * part that does, so a diagnostic always points somewhere sensible.
   */
  locate(path: Path, anchor: Anchor = 'value'): Position {
    let node: unknown = this.doc.contents;
    let best: Position = this.start(node) ?? { line: 1, column: 1 };
    for (let i = 0; i < path.length; i++) {
      const { pair, value } = this.step(node, path[i]);
      if (!pair && value === undefined) return best;
      const keyPos = pair ? this.start(pair.key) : undefined;
      const valuePos = this.start(value);
      const last = i === path.length - 1;
      if (last && anchor === 'key') return keyPos ?? valuePos ?? best;
      best = (last ? valuePos ?? keyPos : keyPos ?? valuePos) ?? best;
      node = value;
    }
    return best;
  }

  /**
   * Position of a character inside a scalar: `offset` counts in the scalar's value. Exact for
   * plain and quoted scalars without escapes; otherwise the scalar's start.
   */
  locateInScalar(path: Path, offset: number): Position {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return this.locate(path);
    const [start, end] = node.range;
    const raw = this.text.slice(start, end);
    const v = node.value;
    if (raw === v) return this.position(start + Math.min(offset, v.length));
    if (raw.length === v.length + 2 && raw.slice(1, -1) === v) return this.position(start + 1 + Math.min(offset, v.length));
    return this.position(start);
  }

  /** The source text of a scalar (e.g. the digits of a number too large for a double). */
  sourceOf(path: Path): string | undefined {
    const node = this.nodeAt(path);
    return isScalar(node) && node.range ? this.text.slice(node.range[0], node.range[1]) : undefined;
  }

  /** A diagnostic skeleton at a position (message to be filled in). */
  diag(pos: Position): Omit<Diagnostic, 'message'> {
    return { file: this.display, line: pos.line, column: pos.column };
  }

  private nodeAt(path: Path): unknown {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      const { value } = this.step(node, seg);
      if (value === undefined) return undefined;
      node = value;
    }
    return node;
  }

  private step(node: unknown, seg: Segment): { pair?: Pair; value?: unknown } {
    if (isAlias(node)) node = node.resolve(this.doc);
    if (isMap(node)) {
      let index = this.keyIndex.get(node);
      if (!index) {
        index = new Map();
        for (const p of node.items) {
          const key = keyText(p.key);
          if (!index.has(key)) index.set(key, p);
        }
        this.keyIndex.set(node, index);
      }
      const pair = index.get(String(seg));
      return pair ? { pair, value: pair.value ?? null } : {};
    }
    if (isSeq(node)) {
      const item = node.items[Number(seg)];
      return item === undefined ? {} : { value: item };
    }
    return {};
  }

  private start(node: unknown): Position | undefined {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    // An empty value (`key:` and nothing) has a zero-length range after the colon; point at the key.
    if (isScalar(node) && node.value === null && range[0] === range[1]) return undefined;
    return this.position(range[0]);
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

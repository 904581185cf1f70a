/**
 * kuzu-migrate.yaml: reading, validating and resolving the configuration into the desired Schema.
 *
 * Validation has two layers, and both report every problem they find, each with file:line:column:
 *   1. structure: ajv against schemas/kuzu-migrate.schema.json (unknown keys, wrong kinds of value,
 *      enums, the version pattern), see json-schema.ts;
 *   2. meaning: names, types, references and collisions, below, on the parts that are
 *      structurally sound (a value ajv already rejected is skipped here, not reported twice).
 * Only this module and source.ts touch files; the result is plain data.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type * as Tinyglobby from 'tinyglobby';
import { ConfigError, UsageError, type Diagnostic } from '../core/errors';
import { expressionProblem, readQueryProblem } from '../core/cypher-guard';
import { identifierProblem } from '../core/identifiers';
import {
  INDEX_DEFAULTS,
  sequenceDefaults,
  type Index,
  type IndexType,
  type Macro,
  type Sequence,
  MULTIPLICITIES,
  STORAGE_DIRECTIONS,
  type Connection,
  type Multiplicity,
  type NodeTable,
  type Property,
  type RelTable,
  type Schema,
  type StorageDirection,
  withoutStrings,
} from '../core/model';
import { normalizeType, tryParseType } from '../core/types';
import { structuralDiagnostics } from './json-schema';
import { YamlSource, type Path } from './source';
import { closest, didYouMean } from './suggest';
import { isValidVersionName } from '../core/version-name';
import type { EngineKind } from '../engines/releases';
import { DEFAULT_LINT_SETTINGS, LINT_RULES, LintSettings, NamingConvention, SeveritySetting } from '../core/lint/codes';
import type { SourceLocation } from '../core/lint/analyze';
import { isUnmanaged } from '../core/lint/protection';
import { DEFAULT_MAX_SLOWDOWN, QUERY_PROCEDURES, queryParameters, type DeclaredQuery } from '../core/queries';

export { schemaToYaml } from './to-yaml';

export interface Policy {
  /** true: every destructive change is allowed; a list: only these `Table` / `Table.prop` names. */
  allowDestructive: boolean | string[];
  /** How many pre-apply backups to keep. */
  backupRetention: number;
  /** Allow a destructive change touching fewer than this many rows/edges; null: no size rule. */
  allowDestructiveBelowRows?: number | null;
}

/** Where each declared table and property is (file:line:column of its key), for findings. */
export interface DeclarationLocations {
  /** Lower-case table name → position of its key. */
  tables: Record<string, SourceLocation>;
  /** Lower-case `table.property` → position of its key. */
  properties: Record<string, SourceLocation>;
  /** The `nodes:` / `rels:` sections (or the schema key), for findings about undeclared tables. */
  sections: { nodes?: SourceLocation; rels?: SourceLocation; schema: SourceLocation };
}

export interface Check {
  name: string;
  /** Cypher that must return a single true. */
  query: string;
}

export interface ResolvedConfig {
  /** Absolute path of the YAML. */
  file: string;
  /** Its folder; relative paths in it resolve against this. */
  dir: string;
  version: string;
  /** The engine the database is opened with (`engine:`, an environment's `engine:` overrides it). */
  engine: EngineKind;
  /** Absolute paths, after the environment's and the caller's overrides. */
  /**
   * Absolute path of the database file; '' when the YAML declares only `targets:` (a fleet file)
   * and no --database was given: only `--all` runs work then (see requireDatabase).
   */
  database: string;
  migrations: string;
  backups: string;
  /** The environment selected with --env, or null. */
  environment: string | null;
  policy: Policy;
  checks: Check[];
  /**
   * `queries:` (core/queries.ts), the top-level list with the environment's merged in: an
   * environment's entry replaces the top-level entry of the same name in place, new names follow.
   */
  queries: DeclaredQuery[];
  /** The desired schema: types normalised, defaults as Cypher text, renamedFrom/using kept. */
  schema: Schema;
  /** Every YAML file the schema was read from (the config itself when it is inline). */
  schemaFiles: string[];
  /**
   * Whether apply may create the database when it does not exist (`create: true` at the top or in
   * the chosen environment). False by default: a mistyped path is an error, not a new database.
   */
  create: boolean;
  /** How `database` was resolved, for messages: `--database`, `environments.prod.database (kuzu-migrate.yaml:41:15)`, … */
  databaseOrigin: string;
  /**
   * Where expressions are declared, for file:line findings: keys `default:Table.prop`,
   * `using:Table.prop` and `check:<name>`.
   */
  sources: Record<string, { file: string; line: number; column: number }>;
  /** Lint settings (`lint:`, the environment's overriding code by code). */
  lint: LintSettings;
  /** `Table` / `Table.prop` entries apply refuses to destroy or rebuild (`protect: true`, `protect:` lists). */
  protect: string[];
  /** Patterns of live tables never planned (`unmanaged:`, the environment's added). */
  unmanaged: string[];
  /** Source positions of the declarations. */
  locations: DeclarationLocations;
  /** Fleet targets (`targets:`, an environment's replaces it), unresolved; null when none are declared. See src/fleet/targets.ts. */
  targets: TargetSpec[] | null;
}

/**
 * Where a finding about `table` (and `property`) points in the YAML: the declaration, else its
 * table, else the nodes:/rels: section it was removed from, else the schema key.
 */
export function locateDeclaration(locations: DeclarationLocations, table?: string, property?: string, kind?: 'node' | 'rel'): SourceLocation {
  if (table && property) {
    const p = locations.properties[`${table}.${property}`.toLowerCase()];
    if (p) return p;
  }
  if (table) {
    const t = locations.tables[table.toLowerCase()];
    if (t) return t;
  }
  return (kind === 'rel' ? locations.sections.rels : kind === 'node' ? locations.sections.nodes : undefined) ?? locations.sections.nodes ?? locations.sections.rels ?? locations.sections.schema;
}

/** One entry of `targets:`: a path or glob, a command that prints paths, or a JSON file listing them. */
export type TargetSpec = { kind: 'path' | 'command' | 'file'; value: string };

export interface LoadOptions {
  /** Environment to apply (`--env`); must be declared under `environments:`. */
  env?: string;
  /** Database path overriding the config and environment (`--database`), relative to the cwd. */
  database?: string;
  /** Backup folder overriding the config and environment (`KUZU_MIGRATE_BACKUPS`), relative to the cwd. */
  backups?: string;
}

export const DEFAULT_CONFIG_FILE = 'kuzu-migrate.yaml';
export const DEFAULT_POLICY: Readonly<Policy> = { allowDestructive: false, backupRetention: 10, allowDestructiveBelowRows: null };


/** A number as Cypher writes it (no exponent, hex or leading zeros). */
const DECIMAL_LITERAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** A version name as used for snapshot folders: vMAJOR.MINOR.PATCH and nothing else. */
export { isValidVersionName };

/** Kuzu accepts floats, DECIMAL and more as keys; we accept only types with exact, stable equality. */
const PK_TYPE = /^(INT(8|16|32|64|128)|UINT(8|16|32|64)|SERIAL|STRING|DATE|TIMESTAMP(_NS|_MS|_SEC|_TZ)?|UUID|BLOB)$/;
const PK_TYPES_TEXT = 'STRING, an integer type, SERIAL, DATE, a TIMESTAMP type, UUID or BLOB';

/** Type names offered as "did you mean" when a type does not parse. */
const TYPE_NAMES = [
  'INT8', 'INT16', 'INT32', 'INT64', 'INT128', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'SERIAL',
  'FLOAT', 'DOUBLE', 'DECIMAL', 'BOOL', 'BOOLEAN', 'STRING', 'BLOB', 'UUID', 'DATE', 'TIMESTAMP',
  'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_SEC', 'TIMESTAMP_TZ', 'INTERVAL', 'JSON', 'LIST',
  'STRUCT', 'MAP', 'UNION',
];

/**
 * Reads and resolves a configuration. Throws ConfigError carrying every problem found, or
 * UsageError when the file does not exist.
 */
export function loadConfig(file: string, options: LoadOptions = {}): ResolvedConfig {
  const abs = configPath(file);
  if (!existsSync(abs)) {
    throw new UsageError(`no configuration file at ${displayPath(abs)}`, [
      'run `kuzu-migrate init` to write one from an existing database, or pass --config <file>',
    ]);
  }
  const { config, diagnostics } = validateConfig(file, options);
  if (!config) throw new ConfigError(diagnostics);
  return config;
}

/** Like loadConfig, but returns the problems instead of throwing (for `validate` and editors). */
export function validateConfig(file: string, options: LoadOptions = {}): { config: ResolvedConfig | null; diagnostics: Diagnostic[] } {
  const abs = configPath(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      config: null,
      diagnostics: [
        {
          file: displayPath(abs),
          line: 1,
          column: 1,
          message: missing ? 'configuration file not found' : `cannot read the configuration: ${(err as Error).message}`,
          hint: missing ? 'run `kuzu-migrate init` to write one from an existing database' : undefined,
        },
      ],
    };
  }
  const reader = new ConfigReader(new YamlSource(abs, displayPath(abs), text), options);
  const config = reader.read();
  const diagnostics = reader.sortedDiagnostics();
  return { config: diagnostics.length === 0 ? config : null, diagnostics };
}

/** A directory means its kuzu-migrate.yaml. */
function configPath(file: string): string {
  const abs = resolve(file);
  try {
    if (statSync(abs).isDirectory()) return join(abs, DEFAULT_CONFIG_FILE);
  } catch {
    /* missing: reported by the caller */
  }
  return abs;
}

/** Paths in diagnostics: relative to the working directory when below it, else absolute. */
function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `targets:` as specs (its structure is checked by the JSON Schema); null when absent. */
function targetSpecs(v: unknown): TargetSpec[] | null {
  if (!Array.isArray(v)) return null;
  return v.flatMap((e): TargetSpec[] => {
    if (typeof e === 'string') return [{ kind: 'path', value: e }];
    if (isObject(e)) for (const kind of ['path', 'command', 'file'] as const) if (typeof e[kind] === 'string') return [{ kind, value: e[kind] as string }];
    return [];
  });
}

/** Where a declared thing is, for diagnostics and for "also declared at". */
interface Origin {
  src: YamlSource;
  path: Path;
}

interface DeclaredTable {
  table: NodeTable | RelTable;
  origin: Origin;
  /** The raw mapping (structurally checked), for reference checks after every table is known. */
  raw: Json;
}

/** One piece of schema: the inline `schema:` mapping or one referenced file. */
interface SchemaPart {
  src: YamlSource;
  base: Path;
  value: Json;
}

class ConfigReader {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly fileOrder: string[] = [];
  private readonly protect: string[] = [];
  private readonly locations: DeclarationLocations = { tables: {}, properties: {}, sections: { schema: { file: '', line: 1, column: 1 } } };

  constructor(
    private readonly src: YamlSource,
    private readonly options: LoadOptions,
  ) {
    this.fileOrder.push(src.display);
  }

  sortedDiagnostics(): Diagnostic[] {
    const seen = new Set<string>();
    const unique = this.diagnostics.filter((d) => {
      const k = `${d.file}:${d.line}:${d.column}:${d.message}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    const order = (f: string) => this.fileOrder.indexOf(f);
    return unique.sort((a, b) => order(a.file) - order(b.file) || a.line - b.line || a.column - b.column);
  }

  private report(origin: Origin, anchor: 'key' | 'value', message: string, extra: { expected?: string; hint?: string } = {}): void {
    this.reportAt(origin.src, origin.src.locate(origin.path, anchor), message, extra);
  }

  private reportAt(src: YamlSource, pos: { line: number; column: number }, message: string, extra: { expected?: string; hint?: string } = {}): void {
    const d: Diagnostic = { ...src.diag(pos), message };
    if (extra.expected) d.expected = extra.expected;
    if (extra.hint) d.hint = extra.hint;
    this.diagnostics.push(d);
  }

  /** The position of a key, as a finding location. */
  private at(origin: Origin): SourceLocation {
    const p = origin.src.locate(origin.path, 'key');
    return { file: origin.src.display, line: p.line, column: p.column };
  }

  private where(origin: Origin, anchor: 'key' | 'value' = 'key'): string {
    const p = origin.src.locate(origin.path, anchor);
    return `${origin.src.display}:${p.line}:${p.column}`;
  }

  /**
   * The plain value of a parsed file, or null with a diagnostic when it cannot be expanded: yaml
   * throws a ReferenceError past maxAliasCount, which is what a "billion laughs" alias bomb hits.
   */
  private expand(src: YamlSource): { value: unknown } | null {
    try {
      return { value: src.value() };
    } catch (err) {
      this.diagnostics.push({
        ...src.diag({ line: 1, column: 1 }),
        message: `YAML cannot be expanded: ${(err as Error).message}`,
        hint: 'remove the nested aliases (*name): aliases that expand to more than 100 nodes are refused',
      });
      return null;
    }
  }

  read(): ResolvedConfig | null {
    const { src } = this;
    const syntax = src.syntaxDiagnostics();
    if (syntax.length) {
      this.diagnostics.push(...syntax);
      return null;
    }
    const expanded = this.expand(src);
    if (!expanded) return null;
    const root = expanded.value;
    this.diagnostics.push(...structuralDiagnostics('config', root, src));
    if (!isObject(root)) return null;
    const dir = dirname(src.file);

    const parts = this.schemaParts(root.schema, dir);
    const schema = this.buildSchema(parts);
    const checks = this.checks(root.checks);
    const env = this.environment(root);
    const envValue = env && isObject(root.environments) && isObject(root.environments[env]) ? root.environments[env] : {};
    const policy = this.policy(root.policy, ['policy'], envValue.policy, ['environments', env ?? '', 'policy']);
    const envPath = ['environments', env ?? ''];
    const queries = this.queries(root.queries, ['queries'], envValue.queries, [...envPath, 'queries']);
    const lint = this.lintSettings(root.lint, ['lint'], envValue.lint, [...envPath, 'lint']);
    const unmanaged = [...this.stringList(root.unmanaged), ...this.stringList(envValue.unmanaged)];
    for (const list of [this.stringList(root.protect), this.stringList(envValue.protect)]) this.protect.push(...list);
    this.checkUnmanaged(unmanaged);
    this.locations.sections.schema = this.at({ src: this.src, path: ['schema'] });

    // `${VAR}` in paths comes from the environment; an unset variable is an error, never literal text.
    const at = (p: unknown, fallback: string, where: Path) => resolve(dir, this.expandVars(str(p) ?? fallback, where));
    const envKeyPath = (key: string): Path => (env && isObject(envValue) && key in envValue ? ['environments', env, key] : [key]);
    const dbWhere = envKeyPath('database');
    const dbLoc = src.locate(dbWhere, 'value');
    // `database:` may be left out only by a fleet file (`targets:`): `--all` runs each target with
    // its own path, and a one-database command is refused then (requireDatabase).
    const declaredDatabase = envValue.database ?? root.database;
    const fleetOnly = declaredDatabase === undefined && this.options.database === undefined;
    if (fleetOnly && (envValue.targets ?? root.targets) === undefined) {
      this.reportAt(src, { line: 1, column: 1 }, 'the configuration is missing "database"', { hint: 'add database: PATH (the Kuzu database file, relative to this file), or targets: for a fleet' });
    }
    const create = envValue.create === true || (envValue.create === undefined && root.create === true);
    return {
      file: src.file,
      dir,
      version: str(root.version) ?? '',
      engine: (str(envValue.engine) ?? str(root.engine) ?? 'kuzu') as EngineKind,
      database: this.options.database !== undefined ? resolve(this.expandVars(this.options.database, null)) : fleetOnly ? '' : at(declaredDatabase, '', dbWhere),
      migrations: at(root.migrations, './migrations', ['migrations']),
      backups: this.options.backups !== undefined ? resolve(this.expandVars(this.options.backups, null)) : at(envValue.backups ?? root.backups, './backups', envKeyPath('backups')),
      environment: env,
      policy,
      checks,
      queries,
      schema,
      schemaFiles: [...new Set(parts.map((p) => p.src.file))],
      create,
      databaseOrigin:
        this.options.database !== undefined
          ? 'from --database'
          : fleetOnly
            ? `not set: ${src.display} declares only targets:`
            : `from ${dbWhere.join('.')}: ${JSON.stringify(str(envValue.database ?? root.database) ?? '')} at ${src.display}:${dbLoc.line}:${dbLoc.column}, relative to ${displayPath(dir) || '.'}`,
      sources: this.sources,
      lint,
      protect: [...new Set(this.protect)],
      unmanaged,
      locations: this.locations,
      targets: targetSpecs(envValue.targets ?? root.targets),
    };
  }

  /** Where expressions are declared (see ResolvedConfig.sources). */
  private readonly sources: ResolvedConfig['sources'] = {};

  /**
   * Replaces `${NAME}` by the environment variable NAME. An unset variable is reported at `where`
   * (a YAML path), or as a usage problem of --database when `where` is null.
   */
  private expandVars(text: string, where: Path | null): string {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const value = process.env[name];
      if (value !== undefined) return value;
      const origin: Origin = { src: this.src, path: where ?? [] };
      this.report(origin, 'value', where ? `\${${name}} in ${where.join('.')} is not set in the environment` : `\${${name}} in --database is not set in the environment`, {
        hint: `export ${name}=... before running, or write the path literally`,
      });
      return '';
    });
  }

  // ---- schema sources --------------------------------------------------------------------------

  /** The inline mapping, or the files a path / glob / list of them names. */
  private schemaParts(value: unknown, dir: string): SchemaPart[] {
    if (isObject(value)) return [{ src: this.src, base: ['schema'], value }];
    const entries: Array<{ pattern: string; path: Path }> = [];
    if (typeof value === 'string') entries.push({ pattern: value, path: ['schema'] });
    else if (Array.isArray(value)) value.forEach((v, i) => typeof v === 'string' && entries.push({ pattern: v, path: ['schema', i] }));
    const files: string[] = [];
    // Loaded only for a schema given as files: an inline schema (the usual case) never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { globSync, isDynamicPattern } = entries.length ? (require('tinyglobby') as typeof Tinyglobby) : ({} as typeof Tinyglobby);
    for (const { pattern, path } of entries) {
      if (pattern.trim() === '') continue; // reported by the structural check
      const origin = { src: this.src, path };
      if (isDynamicPattern(pattern)) {
        const matches = globSync([pattern], { cwd: dir, absolute: true, onlyFiles: true, dot: false })
          .map((f) => resolve(f))
          .filter((f) => f !== this.src.file)
          .sort();
        if (matches.length === 0) this.report(origin, 'value', `no schema file matches "${pattern}"`, { hint: `the pattern is relative to ${displayPath(dir) || '.'}` });
        files.push(...matches);
        continue;
      }
      const abs = resolve(dir, pattern);
      if (!existsSync(abs)) {
        this.report(origin, 'value', `schema file "${pattern}" not found`, { hint: `looked for ${displayPath(abs)}` });
      } else if (statSync(abs).isDirectory()) {
        this.report(origin, 'value', `schema path "${pattern}" is a folder`, { hint: `use a glob such as ${pattern.replace(/\/$/, '')}/*.yaml` });
      } else {
        files.push(abs);
      }
    }
    const parts: SchemaPart[] = [];
    for (const file of [...new Set(files)]) {
      const src = new YamlSource(file, displayPath(file), readFileSync(file, 'utf8'));
      this.fileOrder.push(src.display);
      const syntax = src.syntaxDiagnostics();
      if (syntax.length) {
        this.diagnostics.push(...syntax);
        continue;
      }
      const expanded = this.expand(src);
      if (!expanded) continue;
      const v = expanded.value ?? {}; // an empty file declares nothing
      this.diagnostics.push(...structuralDiagnostics('schemaFile', v, src));
      if (isObject(v)) parts.push({ src, base: [], value: v });
    }
    return parts;
  }

  // ---- the schema ------------------------------------------------------------------------------

  private buildSchema(parts: SchemaPart[]): Schema {
    const declared: DeclaredTable[] = [];
    const byName = new Map<string, DeclaredTable>();
    for (const part of parts) {
      for (const kind of ['nodes', 'rels'] as const) {
        const tables = part.value[kind];
        if (!isObject(tables)) continue;
        for (const [name, raw] of Object.entries(tables)) {
          const origin: Origin = { src: part.src, path: [...part.base, kind, name] };
          const problem = identifierProblem(name);
          if (problem) this.report(origin, 'key', `invalid table name: ${problem}`);
          const other = byName.get(name.toLowerCase());
          if (other) {
            this.report(origin, 'key', `table "${name}" is declared twice`, {
              hint: `also declared as "${other.table.name}" at ${this.where(other.origin)}${other.table.name !== name ? ' (Kuzu table names are case-insensitive)' : ''}`,
            });
          }
          if (!isObject(raw)) continue;
          if (!this.locations.sections[kind]) this.locations.sections[kind] = this.at({ src: part.src, path: [...part.base, kind] });
          this.locations.tables[name.toLowerCase()] ??= this.at(origin);
          if (raw.protect === true) this.protect.push(name);
          const table = kind === 'nodes' ? this.nodeTable(name, raw, origin) : this.relTable(name, raw, origin);
          const entry = { table, origin, raw };
          declared.push(entry);
          if (!other) byName.set(name.toLowerCase(), entry);
        }
      }
    }
    this.tableRenames(declared, byName);
    this.connections(declared, byName);
    const schema: Schema = {
      nodes: declared.map((d) => d.table).filter((t): t is NodeTable => t.kind === 'node'),
      rels: declared.map((d) => d.table).filter((t): t is RelTable => t.kind === 'rel'),
    };
    const indexes = declared.flatMap((d) => (d.table.kind === 'node' ? this.indexes(d.table, d.raw.indexes, { ...d.origin, path: [...d.origin.path, 'indexes'] }) : []));
    const sequences = this.sequences(parts, schema);
    const macros = this.macros(parts);
    if (indexes.length) schema.indexes = indexes;
    if (sequences.length) schema.sequences = sequences;
    if (macros.length) schema.macros = macros;
    return schema;
  }

  // ---- indexes, sequences, macros ----------------------------------------------------------------

  /** `indexes:` of a node table: FTS over STRING properties, vector over one FLOAT[n]/DOUBLE[n]. */
  private indexes(table: NodeTable, value: unknown, origin: Origin): Index[] {
    if (!isObject(value)) return [];
    const out: Index[] = [];
    const seen = new Set<string>();
    const OPTION_KEYS: Record<IndexType, Record<string, string>> = {
      fts: { stemmer: 'stemmer', stop_words: 'stopWords', ignore_pattern: 'ignore_pattern' },
      vector: { mu: 'mu', ml: 'ml', pu: 'pu', metric: 'metric', alpha: 'alpha', efc: 'efc' },
    };
    for (const [name, raw] of Object.entries(value)) {
      const at: Origin = { ...origin, path: [...origin.path, name] };
      const problem = identifierProblem(name);
      if (problem) this.report(at, 'key', `invalid index name in "${table.name}": ${problem}`);
      if (seen.has(name.toLowerCase())) this.report(at, 'key', `index "${name}" is declared twice on "${table.name}"`);
      seen.add(name.toLowerCase());
      if (!isObject(raw) || (raw.type !== 'fts' && raw.type !== 'vector')) continue; // structural error already
      const type = raw.type as IndexType;
      const props: string[] = [];
      if (type === 'fts') {
        if (raw.property !== undefined) this.report({ ...at, path: [...at.path, 'property'] }, 'key', `an fts index lists its properties under \`properties\``, { hint: 'properties: [body, title]' });
        if (!Array.isArray(raw.properties)) this.report(at, 'key', `fts index "${name}" has no properties`, { expected: 'properties: [a STRING property, ...]' });
        else raw.properties.forEach((p, i) => typeof p === 'string' && props.push(this.indexProperty(table, p, 'STRING', { ...at, path: [...at.path, 'properties', i] })));
      } else {
        if (raw.properties !== undefined) this.report({ ...at, path: [...at.path, 'properties'] }, 'key', `a vector index covers one property: \`property\``, { hint: 'property: embedding' });
        if (typeof raw.property !== 'string') this.report(at, 'key', `vector index "${name}" has no property`, { expected: 'property: a FLOAT[n] or DOUBLE[n] property' });
        else props.push(this.indexProperty(table, raw.property, 'ARRAY', { ...at, path: [...at.path, 'property'] }));
      }
      const options: Record<string, string | number> = { ...INDEX_DEFAULTS[type] };
      for (const [key, v] of Object.entries(raw)) {
        if (key === 'type' || key === 'properties' || key === 'property') continue;
        const kuzuName = OPTION_KEYS[type][key];
        if (!kuzuName) {
          this.report({ ...at, path: [...at.path, key] }, 'key', `"${key}" is not an option of a ${type} index`, { expected: Object.keys(OPTION_KEYS[type]).join(', ') });
          continue;
        }
        if (typeof v === 'string' || typeof v === 'number') options[kuzuName] = v;
      }
      out.push({ name, table: table.name, type, properties: props, options });
    }
    return out;
  }

  /** An indexed property must exist on the table and have the type the index needs; returns its declared spelling. */
  private indexProperty(table: NodeTable, name: string, need: 'STRING' | 'ARRAY', at: Origin): string {
    const prop = table.properties.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!prop) {
      const names = table.properties.map((p) => p.name);
      this.report(at, 'value', `"${name}" is not a property of "${table.name}"`, { expected: names.join(', '), hint: didYouMean(name, names) });
      return name;
    }
    if (need === 'STRING' && prop.type !== 'STRING') {
      this.report(at, 'value', `an fts index needs STRING properties; "${table.name}.${prop.name}" is ${prop.type}`);
    } else if (need === 'ARRAY' && !/^(FLOAT|DOUBLE)\[\d+\]$/.test(prop.type)) {
      this.report(at, 'value', `a vector index needs a FLOAT[n] or DOUBLE[n] property; "${table.name}.${prop.name}" is ${prop.type}`);
    }
    return prop.name;
  }

  /** `sequences:` of every schema part; left-out options take Kuzu's defaults. */
  private sequences(parts: SchemaPart[], schema: Schema): Sequence[] {
    const out: Sequence[] = [];
    const seen = new Map<string, Origin>();
    const serial = new Set<string>();
    for (const t of [...schema.nodes, ...schema.rels]) for (const p of t.properties) if (p.type === 'SERIAL') serial.add(`${t.name}_${p.name}_serial`.toLowerCase());
    for (const part of parts) {
      const value = part.value.sequences;
      if (!isObject(value)) continue;
      for (const [name, raw] of Object.entries(value)) {
        const at: Origin = { src: part.src, path: [...part.base, 'sequences', name] };
        const problem = identifierProblem(name);
        if (problem) this.report(at, 'key', `invalid sequence name: ${problem}`);
        const other = seen.get(name.toLowerCase());
        if (other) this.report(at, 'key', `sequence "${name}" is declared twice`, { hint: `also declared at ${this.where(other)}` });
        else seen.set(name.toLowerCase(), at);
        if (serial.has(name.toLowerCase())) this.report(at, 'key', `sequence "${name}" is the one Kuzu makes for a SERIAL property`, { hint: 'choose another name' });
        if (raw !== null && !isObject(raw)) continue;
        const r = raw ?? {};
        const int = (k: string): string | undefined => {
          const v = r[k];
          if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
          if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v).toString();
          return undefined;
        };
        const increment = int('increment') ?? '1';
        if (increment === '0') this.report({ ...at, path: [...at.path, 'increment'] }, 'value', 'a sequence cannot have increment 0');
        const bounds = sequenceDefaults(increment);
        const min = int('min') ?? bounds.min;
        const max = int('max') ?? bounds.max;
        const start = int('start') ?? (increment.startsWith('-') ? max : min);
        if (BigInt(min) > BigInt(max)) this.report(at, 'key', `sequence "${name}": min ${min} is above max ${max}`);
        else if (BigInt(start) < BigInt(min) || BigInt(start) > BigInt(max)) this.report({ ...at, path: [...at.path, 'start'] }, 'value', `sequence "${name}": start ${start} is outside [${min}, ${max}]`);
        out.push({ name, start, increment, min, max, cycle: r.cycle === true });
      }
    }
    return out;
  }

  /** `macros:` of every schema part. */
  private macros(parts: SchemaPart[]): Macro[] {
    const out: Macro[] = [];
    const seen = new Map<string, Origin>();
    for (const part of parts) {
      const value = part.value.macros;
      if (!isObject(value)) continue;
      for (const [name, raw] of Object.entries(value)) {
        const at: Origin = { src: part.src, path: [...part.base, 'macros', name] };
        const problem = identifierProblem(name);
        if (problem) this.report(at, 'key', `invalid macro name: ${problem}`);
        const other = seen.get(name.toLowerCase());
        if (other) this.report(at, 'key', `macro "${name}" is declared twice`, { hint: `also declared at ${this.where(other)} (Kuzu macro names are case-insensitive)` });
        else seen.set(name.toLowerCase(), at);
        if (!isObject(raw) || typeof raw.body !== 'string') continue;
        const parameters = Array.isArray(raw.parameters) ? raw.parameters.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/\s*:=\s*/, ':=').trim()) : [];
        parameters.forEach((p, i) => {
          const pname = p.split(':=')[0];
          const pp = identifierProblem(pname);
          if (pp) this.report({ ...at, path: [...at.path, 'parameters', i] }, 'value', `invalid parameter of macro "${name}": ${pp}`);
        });
        // Measured on 0.11.3: CREATE MACRO with a CASE body aborts the whole process (kuzu-notes §8).
        if (/\bcase\b/i.test(withoutStrings(raw.body))) {
          this.report({ ...at, path: [...at.path, 'body'] }, 'value', `macro "${name}": Kuzu 0.11.3 aborts the process on CREATE MACRO with a CASE expression`, {
            hint: 'write the body without CASE, or use the expression in queries directly',
          });
        }
        out.push({ name, parameters, body: raw.body.trim() });
      }
    }
    return out;
  }

  private nodeTable(name: string, raw: Json, origin: Origin): NodeTable {
    const properties = this.properties(raw.properties, { ...origin, path: [...origin.path, 'properties'] }, name);
    const table: NodeTable = { kind: 'node', name, primaryKey: str(raw.primary_key) ?? '', properties, comment: str(raw.comment) ?? '' };
    if (typeof raw.renamed_from === 'string') table.renamedFrom = raw.renamed_from;
    const pk = str(raw.primary_key);
    if (pk !== undefined && pk !== '' && isObject(raw.properties)) {
      const pkOrigin = { ...origin, path: [...origin.path, 'primary_key'] };
      const prop = properties.find((p) => p.name.toLowerCase() === pk.toLowerCase());
      if (!prop) {
        const names = properties.map((p) => p.name);
        this.report(pkOrigin, 'value', `primary key "${pk}" is not a property of node table "${name}"`, {
          expected: names.length ? `one of ${names.join(', ')}` : 'a property declared under properties',
          hint: didYouMean(pk, names) ?? `declare it under properties, e.g. ${pk}: STRING`,
        });
      } else {
        table.primaryKey = prop.name;
        if (tryParseType(prop.type).ok && !PK_TYPE.test(prop.type)) {
          this.report(pkOrigin, 'value', `property "${prop.name}" of type ${prop.type} cannot be the primary key of "${name}"`, { expected: PK_TYPES_TEXT });
        }
      }
    }
    return table;
  }

  private relTable(name: string, raw: Json, origin: Origin): RelTable {
    const properties = this.properties(raw.properties, { ...origin, path: [...origin.path, 'properties'] }, name);
    const connections: Connection[] = [];
    const hasPair = raw.from !== undefined || raw.to !== undefined;
    if (hasPair && raw.connections !== undefined) {
      this.report({ ...origin, path: [...origin.path, 'connections'] }, 'key', `rel table "${name}" has both from/to and connections`, {
        hint: 'use `from`/`to` for one pair, or list every pair under `connections`',
      });
    } else if (!hasPair && raw.connections === undefined) {
      this.report(origin, 'key', `rel table "${name}" connects nothing`, { expected: '`from` and `to`, or `connections: [{from: A, to: B}]`' });
    }
    if (typeof raw.from === 'string' && typeof raw.to === 'string') connections.push({ from: raw.from, to: raw.to });
    else if (Array.isArray(raw.connections)) {
      for (const c of raw.connections) {
        if (isObject(c) && typeof c.from === 'string' && typeof c.to === 'string') connections.push({ from: c.from, to: c.to });
      }
    }
    const table: RelTable = {
      kind: 'rel',
      name,
      connections,
      multiplicity: MULTIPLICITIES.includes(raw.multiplicity as Multiplicity) ? (raw.multiplicity as Multiplicity) : 'MANY_MANY',
      storageDirection: STORAGE_DIRECTIONS.includes(raw.storage_direction as StorageDirection) ? (raw.storage_direction as StorageDirection) : 'both',
      properties,
      comment: str(raw.comment) ?? '',
    };
    if (typeof raw.renamed_from === 'string') table.renamedFrom = raw.renamed_from;
    return table;
  }

  private properties(value: unknown, origin: Origin, table: string): Property[] {
    if (!isObject(value)) return [];
    const out: Property[] = [];
    const seen = new Map<string, string>();
    for (const [name, def] of Object.entries(value)) {
      const at: Origin = { ...origin, path: [...origin.path, name] };
      const problem = identifierProblem(name);
      if (problem) this.report(at, 'key', `invalid property name in "${table}": ${problem}`);
      const dup = seen.get(name.toLowerCase());
      if (dup !== undefined) {
        this.report(at, 'key', `property "${name}" is declared twice in "${table}"`, {
          hint: dup !== name ? `"${dup}" is the same name to Kuzu (property names are case-insensitive)` : undefined,
        });
      }
      seen.set(name.toLowerCase(), dup ?? name);
      this.locations.properties[`${table}.${name}`.toLowerCase()] ??= this.at(at);
      if (isObject(def) && def.protect === true) this.protect.push(`${table}.${name}`);
      const prop = this.property(name, def, at, table);
      if (prop) out.push(prop);
    }
    // Renames: the old name must be free, and two properties cannot come from the same one.
    const from = new Map<string, string>();
    for (const p of out) {
      if (p.renamedFrom === undefined) continue;
      const at: Origin = { ...origin, path: [...origin.path, p.name, 'renamed_from'] };
      const key = p.renamedFrom.toLowerCase();
      const clash = out.find((q) => q !== p && q.name.toLowerCase() === key);
      if (clash) {
        this.report(at, 'value', `"${p.name}" is renamed from "${p.renamedFrom}", but "${clash.name}" is also declared in "${table}"`, {
          hint: 'a property can only be renamed from a name that is no longer declared',
        });
      }
      const twice = from.get(key);
      if (twice) this.report(at, 'value', `"${p.name}" and "${twice}" are both renamed from "${p.renamedFrom}"`);
      else from.set(key, p.name);
    }
    return out;
  }

  private property(name: string, def: unknown, origin: Origin, table = ''): Property | undefined {
    let typeText: string | undefined;
    let typePath: Path = origin.path;
    if (typeof def === 'string') typeText = def;
    else if (isObject(def) && typeof def.type === 'string') {
      typeText = def.type;
      typePath = [...origin.path, 'type'];
    }
    if (typeText === undefined || typeText.trim() === '') return undefined; // structural error already
    let type = typeText;
    const parsed = tryParseType(typeText);
    if (parsed.ok) {
      type = normalizeType(typeText);
    } else {
      const { offset, expected } = parsed.error;
      // The column says where; a suggestion inside the parser's message becomes the hint.
      let message = parsed.error.message.replace(/ at offset \d+/, '');
      let hint = typeHint(typeText);
      const suggestion = /[;,]?\s*did you mean ([^?]+)\?\s*$/i.exec(message);
      if (suggestion) {
        message = message.slice(0, suggestion.index);
        hint = `did you mean ${/^["']/.test(suggestion[1]) ? suggestion[1] : `"${suggestion[1]}"`}?`;
      }
      this.reportAt(origin.src, origin.src.locateInScalar(typePath, offset), `invalid type "${typeText}" for property "${name}": ${message}`, {
        expected,
        hint,
      });
    }
    const prop: Property = { name, type, default: null };
    if (!isObject(def)) return prop;
    if ('default' in def) {
      const at: Origin = { ...origin, path: [...origin.path, 'default'] };
      prop.default = this.defaultExpression(def.default, at);
      this.sources[`default:${table}.${name}`] = origin.src.diag(origin.src.locate(at.path, 'value'));
    }
    if (prop.default !== null && parsed.ok && type === 'SERIAL') {
      this.report({ ...origin, path: [...origin.path, 'default'] }, 'key', `SERIAL property "${name}" cannot have a default`, {
        hint: 'Kuzu numbers SERIAL values itself; remove the default',
      });
    }
    if (typeof def.renamed_from === 'string' && def.renamed_from !== '') {
      prop.renamedFrom = def.renamed_from;
      const at = { ...origin, path: [...origin.path, 'renamed_from'] };
      const problem = identifierProblem(def.renamed_from);
      if (problem) this.report(at, 'value', `invalid renamed_from: ${problem}`);
      else if (def.renamed_from.toLowerCase() === name.toLowerCase()) {
        this.report(at, 'value', `property "${name}" is renamed from itself`, { hint: 'remove renamed_from (Kuzu names are case-insensitive)' });
      }
    }
    if (typeof def.using === 'string' && def.using.trim() !== '') {
      prop.using = def.using;
      this.sources[`using:${table}.${name}`] = origin.src.diag(origin.src.locate([...origin.path, 'using'], 'value'));
      this.guardExpression(def.using, { ...origin, path: [...origin.path, 'using'] }, 'using');
    }
    return prop;
  }

  /** YAML numbers and booleans are literals; strings are Cypher expressions, taken verbatim. */
  private defaultExpression(value: unknown, origin: Origin): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null; // .inf / .nan: the structural check rejects them
      // A plain decimal literal is kept as written: table_info reports `DEFAULT 1.0` as `1.0`, not
      // `1`, and integers beyond 2^53 would lose digits through a double.
      const source = origin.src.sourceOf(origin.path);
      if (source !== undefined && DECIMAL_LITERAL.test(source)) return source;
      return String(value);
    }
    if (typeof value === 'string') {
      if (value.trim() === '') {
        this.report(origin, 'value', 'default is an empty expression', { hint: `for an empty string write default: "''"` });
        return null;
      }
      // A default is a Cypher expression: a bare word is a variable, which no default can use
      // (Kuzu: "Variable draft is not in scope" at apply). Almost always a string was meant.
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value.trim()) && !/^(true|false|null)$/i.test(value.trim())) {
        const word = value.trim();
        this.report(origin, 'value', `default ${word} is a Cypher variable, not a value`, {
          expected: 'a Cypher expression',
          hint: `for the string write default: "'${word}'" (quotes inside the YAML string); for a function call write ${word}()`,
        });
        return null;
      }
      this.guardExpression(value, origin, 'default');
      return value;
    }
    return null; // structural error already
  }

  /** `default` and `using` are each exactly one expression (core/cypher-guard.ts), reported where the problem is. */
  private guardExpression(text: string, origin: Origin, what: 'default' | 'using'): void {
    const problem = expressionProblem(text, what);
    if (problem) this.reportAt(origin.src, origin.src.locateInScalar(origin.path, problem.offset), problem.message, { hint: problem.hint });
  }

  private tableRenames(declared: DeclaredTable[], byName: Map<string, DeclaredTable>): void {
    const from = new Map<string, string>();
    for (const { table, origin, raw } of declared) {
      if (typeof raw.renamed_from !== 'string' || raw.renamed_from === '') continue;
      const old = raw.renamed_from;
      const at: Origin = { ...origin, path: [...origin.path, 'renamed_from'] };
      const problem = identifierProblem(old);
      if (problem) {
        this.report(at, 'value', `invalid renamed_from: ${problem}`);
        continue;
      }
      const clash = byName.get(old.toLowerCase());
      if (clash?.table === table) {
        this.report(at, 'value', `table "${table.name}" is renamed from itself`, { hint: 'remove renamed_from (Kuzu table names are case-insensitive)' });
      } else if (clash) {
        this.report(at, 'value', `"${table.name}" is renamed from "${old}", but "${clash.table.name}" is also declared (${this.where(clash.origin)})`, {
          hint: 'a table can only be renamed from a name that is no longer declared',
        });
      }
      const twice = from.get(old.toLowerCase());
      if (twice) this.report(at, 'value', `"${table.name}" and "${twice}" are both renamed from "${old}"`);
      else from.set(old.toLowerCase(), table.name);
    }
  }

  /** Rel endpoints must be declared node tables; they take the declared spelling. */
  private connections(declared: DeclaredTable[], byName: Map<string, DeclaredTable>): void {
    const nodeNames = [...byName.values()].filter((d) => d.table.kind === 'node').map((d) => d.table.name);
    for (const { table, origin, raw } of declared) {
      if (table.kind !== 'rel') continue;
      const sides: Array<{ c: Connection; path: Path }> = [];
      // The same choice as relTable: from/to when given, else the connections list.
      if (typeof raw.from === 'string' && typeof raw.to === 'string') sides.push({ c: table.connections[0], path: origin.path });
      else if (Array.isArray(raw.connections)) {
        let k = 0;
        raw.connections.forEach((c, i) => {
          if (isObject(c) && typeof c.from === 'string' && typeof c.to === 'string') sides.push({ c: table.connections[k++], path: [...origin.path, 'connections', i] });
        });
      }
      const seen = new Set<string>();
      for (const { c, path } of sides) {
        for (const side of ['from', 'to'] as const) {
          const ref = c[side];
          const at: Origin = { src: origin.src, path: [...path, side] };
          const target = byName.get(ref.toLowerCase());
          if (target?.table.kind === 'node') c[side] = target.table.name;
          else if (target) this.report(at, 'value', `"${ref}" is a rel table; rel "${table.name}" can only connect node tables`);
          else {
            this.report(at, 'value', `rel "${table.name}": "${ref}" is not a declared node table`, {
              expected: nodeNames.length ? `one of ${nodeNames.slice(0, 12).join(', ')}${nodeNames.length > 12 ? ', ...' : ''}` : 'a node table declared under nodes',
              hint: didYouMean(ref, nodeNames),
            });
          }
        }
        const key = `${c.from}->${c.to}`.toLowerCase();
        if (seen.has(key)) this.report({ src: origin.src, path }, 'value', `rel "${table.name}" lists ${c.from} -> ${c.to} twice`);
        seen.add(key);
      }
    }
  }

  // ---- checks, environments, policy ------------------------------------------------------------

  private checks(value: unknown): Check[] {
    if (!Array.isArray(value)) return [];
    const out: Check[] = [];
    const seen = new Set<string>();
    value.forEach((c, i) => {
      if (!isObject(c) || typeof c.name !== 'string' || typeof c.query !== 'string') return;
      if (seen.has(c.name)) this.report({ src: this.src, path: ['checks', i, 'name'] }, 'value', `check "${c.name}" is declared twice`, { hint: 'check names must be unique' });
      seen.add(c.name);
      const path: Path = ['checks', i, 'query'];
      const problem = readQueryProblem(c.query, 'check');
      if (problem) this.reportAt(this.src, this.src.locateInScalar(path, problem.offset), `check "${c.name}": ${problem.message}`, { hint: problem.hint });
      out.push({ name: c.name, query: c.query });
      this.sources[`check:${c.name}`] = this.src.diag(this.src.locate(['checks', i, 'query'], 'value'));
    });
    return out;
  }

  /**
   * `queries:` and the environment's `queries:`, each entry checked like a check (one read-only
   * query, reported with file:line:column inside the query text), merged by name.
   */
  private queries(top: unknown, topPath: Path, env: unknown, envPath: Path): DeclaredQuery[] {
    const out: DeclaredQuery[] = [];
    for (const [value, path] of [[top, topPath], [env, envPath]] as const) {
      if (!Array.isArray(value)) continue;
      const seen = new Set<string>();
      value.forEach((q, i) => {
        if (!isObject(q) || typeof q.name !== 'string' || typeof q.query !== 'string') return;
        const at: Path = [...path, i];
        if (seen.has(q.name)) this.report({ src: this.src, path: [...at, 'name'] }, 'value', `query "${q.name}" is declared twice`, { hint: 'query names must be unique' });
        seen.add(q.name);
        const problem = readQueryProblem(q.query, 'query', QUERY_PROCEDURES);
        if (problem) this.reportAt(this.src, this.src.locateInScalar([...at, 'query'], problem.offset), `query "${q.name}": ${problem.message}`, { hint: problem.hint });
        // A $parameter nothing binds would fail every run: say so here, at the parameter.
        const params = isObject(q.params) ? q.params : {};
        const unbound = problem ? undefined : queryParameters(q.query).find((p) => !(p.name in params));
        if (unbound) {
          this.reportAt(this.src, this.src.locateInScalar([...at, 'query'], unbound.offset), `query "${q.name}" uses $${unbound.name}, which params does not set`, {
            hint: `add params: { ${unbound.name}: ... }`,
          });
        }
        // And a param the query never uses: Kuzu refuses the whole run ("Parameter x not found").
        const used = problem ? null : new Set(queryParameters(q.query).map((p) => p.name));
        const unused = used ? Object.keys(params).find((k) => !used.has(k)) : undefined;
        if (unused !== undefined) {
          this.report({ src: this.src, path: [...at, 'params', unused] }, 'key', `query "${q.name}" sets params.${unused}, which the query does not use ($${unused})`, {
            hint: `remove it from params, or use $${unused} in the query`,
          });
        }
        if (q.rows !== undefined && q.expect !== undefined) {
          this.report({ src: this.src, path: [...at, 'expect'] }, 'key', `query "${q.name}" declares both rows and expect`, { hint: 'rows: a row count; expect: the single boolean it returns; pick one' });
        }
        const declared: DeclaredQuery = {
          name: q.name,
          query: q.query,
          params: isObject(q.params) ? q.params : {},
          expect: typeof q.rows === 'number' ? { kind: 'rows', rows: q.rows } : typeof q.expect === 'boolean' ? { kind: 'value', value: q.expect } : null,
          maxSlowdown: typeof q.max_slowdown === 'number' ? q.max_slowdown : DEFAULT_MAX_SLOWDOWN,
          maxMs: typeof q.max_ms === 'number' ? q.max_ms : null,
        };
        const existing = out.findIndex((x) => x.name === q.name);
        if (existing >= 0) out[existing] = declared;
        else out.push(declared);
        this.sources[`query:${q.name}`] = this.src.diag(this.src.locate([...at, 'query'], 'value'));
      });
    }
    return out;
  }

  private environment(root: Json): string | null {
    const env = this.options.env;
    if (env === undefined || env === null) return null;
    const envs = isObject(root.environments) ? Object.keys(root.environments) : [];
    if (!envs.includes(env)) {
      const origin: Origin = { src: this.src, path: envs.length ? ['environments'] : [] };
      this.report(origin, 'key', `environment "${env}" is not defined`, {
        expected: envs.length ? `one of ${envs.join(', ')}` : 'an entry under environments:',
        hint: didYouMean(env, envs) ?? (envs.length ? undefined : `add environments: { ${env}: { database: ... } }`),
      });
      return null;
    }
    return env;
  }

  private stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
  }

  /** A declared table matching `unmanaged:` would be planned and ignored at once: refuse it. */
  private checkUnmanaged(patterns: string[]): void {
    if (patterns.length === 0) return;
    for (const [name] of Object.entries(this.locations.tables)) {
      const pattern = patterns.find((p) => isUnmanaged(name, [p]));
      if (!pattern) continue;
      const loc = this.locations.tables[name];
      this.diagnostics.push({ ...loc, message: `table "${name}" is declared but matches unmanaged: "${pattern}"`, hint: 'remove it from the schema or narrow the unmanaged: pattern' });
    }
  }

  /** `lint:` then the environment's `lint:`, code by code; unknown codes are reported. */
  private lintSettings(top: unknown, topPath: Path, env: unknown, envPath: Path): LintSettings {
    const settings: LintSettings = { severity: { ...DEFAULT_LINT_SETTINGS.severity }, naming: { ...DEFAULT_LINT_SETTINGS.naming } };
    const codes = LINT_RULES.map((r) => r.code);
    for (const [value, path] of [[top, topPath], [env, envPath]] as const) {
      if (!isObject(value)) continue;
      if (isObject(value.severity)) {
        for (const [code, sev] of Object.entries(value.severity)) {
          const at: Origin = { src: this.src, path: [...path, 'severity', code] };
          const rule = LINT_RULES.find((r) => r.code === code.toUpperCase());
          if (!rule) {
            this.report(at, 'key', `unknown lint code "${code}"`, { expected: 'a code from docs/lint.md (KM101 ...)', hint: didYouMean(code.toUpperCase(), codes) });
            continue;
          }
          if (typeof sev !== 'string') continue; // structural error already
          if (!rule.configurable && sev !== 'error') {
            this.report(at, 'value', `${rule.code} (${rule.name}) cannot be lowered: apply refuses it whatever lint says`, { hint: `remove ${rule.code} from lint.severity` });
            continue;
          }
          settings.severity[rule.code] = sev as SeveritySetting;
        }
      }
      if (isObject(value.naming)) {
        for (const k of ['node_tables', 'rel_tables', 'properties'] as const) {
          if (typeof value.naming[k] === 'string') settings.naming[k] = value.naming[k] as NamingConvention;
        }
      }
    }
    return settings;
  }

  /** The environment's policy keys override the top-level ones, key by key. */
  private policy(top: unknown, topPath: Path, env: unknown, envPath: Path): Policy {
    const policy: Policy = { ...DEFAULT_POLICY };
    for (const [value, path] of [[top, topPath], [env, envPath]] as const) {
      if (!isObject(value)) continue;
      const allow = value.allow_destructive;
      if (typeof allow === 'boolean') policy.allowDestructive = allow;
      else if (Array.isArray(allow)) {
        policy.allowDestructive = allow.filter((a): a is string => typeof a === 'string');
        allow.forEach((a, i) => {
          if (typeof a !== 'string' || !/^[^.]+(\.[^.]+)?$/.test(a)) return; // structural error already
          for (const part of a.split('.')) {
            const problem = identifierProblem(part);
            if (problem) this.report({ src: this.src, path: [...path, 'allow_destructive', i] }, 'value', `invalid allow_destructive entry "${a}": ${problem}`);
          }
        });
      }
      const below = value.allow_destructive_below_rows;
      if (typeof below === 'number' && Number.isInteger(below) && below >= 1) policy.allowDestructiveBelowRows = below;
      if (typeof value.backup_retention === 'number' && Number.isInteger(value.backup_retention) && value.backup_retention >= 0) {
        policy.backupRetention = value.backup_retention;
      }
    }
    return policy;
  }
}

export { DEFAULT_LINT_SETTINGS };

/** "did you mean" for a type that did not parse: the first unknown word, replaced by the closest type name. */
function typeHint(text: string): string | undefined {
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const word = m[0];
    if (TYPE_NAMES.includes(word.toUpperCase())) continue;
    const guess = closest(word.toUpperCase(), TYPE_NAMES);
    if (guess) return `did you mean "${text.slice(0, m.index) + guess + text.slice((m.index ?? 0) + word.length)}"?`;
  }
  return undefined;
}

/**
 * Refuses a one-database command on a fleet-only YAML (no `database:`, only `targets:`): E_CONFIG
 * (exit 65) pointing at `--all` or `--database`. Returns `config` unchanged otherwise.
 */
export function requireDatabase(config: ResolvedConfig): ResolvedConfig {
  if (config.database) return config;
  throw new ConfigError([
    {
      file: displayPath(config.file),
      line: 1,
      column: 1,
      message: 'the configuration has no "database" (only targets:), and this command runs on one database',
      hint: 'run it on every target with --all, on one target with --database PATH, or add database: to the YAML',
    },
  ]);
}

/**
 * Diff: live schema + desired schema → semantic changes. Pure. Renames are never guessed: only an
 * explicit `renamed_from` turns a missing name into a rename; otherwise it is a drop plus a create.
 */
import { Change, ChangeKind, actionFor, inPlaceDecision } from './changes';
import { KuzuMigrateError } from './errors';
import {
  canonicalIndexOptions,
  canonicalMacro,
  Index,
  Connection,
  NodeTable,
  Property,
  RelTable,
  Schema,
  Table,
  allTables,
  canonicalDefault,
  isNonConstantDefault,
  connectionKey,
  sameName,
} from './model';
import { castSafety } from './types';
import { VECTOR_DROP_REASON } from './plan';

/** A `renamed_from` that matches nothing, or a rename whose both ends exist. */
export class PlanError extends KuzuMigrateError {
  constructor(message: string, hints: string[] = []) {
    super(message, 'E_PLAN', hints);
  }
}

export interface DiffResult {
  changes: Change[];
  /** Things the planner could not see or decide, shown with the plan. */
  warnings: string[];
}

function change(
  kind: ChangeKind,
  table: Table,
  fields: Partial<Change> & { reason: string },
  ctx: { type?: string; rewriteReason?: string } = {},
): Change {
  const decision = ctx.rewriteReason ? { inPlace: false, reason: ctx.rewriteReason } : inPlaceDecision(kind, ctx);
  const destructive = fields.destructive ?? false;
  return {
    kind,
    table: table.name,
    table_kind: table.kind,
    ...fields,
    action: actionFor(kind, decision.inPlace),
    destructive,
    in_place: decision.inPlace,
    reason: decision.reason ? `${fields.reason}; ${decision.reason}` : fields.reason,
  };
}

function findByName<T extends { name: string }>(items: T[], name: string): T | undefined {
  return items.find((x) => sameName(x.name, name));
}

export { isNonConstantDefault } from './model';

export function diffSchemas(live: Schema, desired: Schema): DiffResult {
  const changes: Change[] = [];
  const warnings: string[] = [];
  const liveTables = allTables(live);
  const liveIsEmpty = liveTables.length === 0;
  const matchedLive = new Set<Table>();
  /** live node name (lower case) → desired node name, for rel endpoints. */
  const nodeRename = new Map<string, string>();
  const pairs: { live: Table; desired: Table }[] = [];

  for (const d of allTables(desired)) {
    let l = liveTables.find((t) => !matchedLive.has(t) && sameName(t.name, d.name));
    if (l && l.kind !== d.kind) {
      // Same name, other kind: the old table goes and a new one is made.
      changes.push(dropChange(l, `${l.name} is a ${l.kind} table and is declared as a ${d.kind} table`));
      matchedLive.add(l);
      l = undefined;
    }
    if (!l && d.renamedFrom && !liveIsEmpty) {
      const old = liveTables.find((t) => !matchedLive.has(t) && sameName(t.name, d.renamedFrom!));
      if (!old) {
        throw new PlanError(`table ${d.name}: renamed_from ${d.renamedFrom} matches no table in the live database`, [
          'remove renamed_from once the rename has been applied, or correct the old name',
        ]);
      }
      if (old.kind !== d.kind) {
        throw new PlanError(`table ${d.name}: renamed_from ${d.renamedFrom} is a ${old.kind} table, not a ${d.kind} table`);
      }
      changes.push(change('rename_table', d, { from: old.name, to: d.name, reason: `declared renamed_from ${old.name}` }));
      l = old;
    } else if (l && d.renamedFrom && liveTables.some((t) => t !== l && sameName(t.name, d.renamedFrom!))) {
      throw new PlanError(`table ${d.name}: both ${d.name} and its renamed_from ${d.renamedFrom} exist in the live database`, [
        'drop one of them first, or remove renamed_from',
      ]);
    }
    if (!l) {
      changes.push(
        change(d.kind === 'node' ? 'create_node_table' : 'create_rel_table', d, {
          reason: `${d.name} is declared and does not exist`,
        }),
      );
      continue;
    }
    matchedLive.add(l);
    if (l.kind === 'node') nodeRename.set(l.name.toLowerCase(), d.name);
    pairs.push({ live: l, desired: d });
  }

  for (const l of liveTables) {
    if (!matchedLive.has(l)) changes.push(dropChange(l, `${l.name} exists and is not declared`));
  }

  const mapNode = (n: string) => nodeRename.get(n.toLowerCase()) ?? n;
  for (const { live: l, desired: d } of pairs) {
    changes.push(...diffProperties(l, d, liveIsEmpty));
    if (l.kind === 'node' && d.kind === 'node') {
      const livePk = renamedPropertyName(l, d, l.primaryKey);
      if (!sameName(livePk, d.primaryKey)) {
        changes.push(
          change('alter_primary_key', d, {
            from: l.primaryKey,
            to: d.primaryKey,
            destructive: true,
            reason: `primary key changes from ${l.primaryKey} to ${d.primaryKey}; duplicate or NULL keys would fail`,
          }),
        );
      }
    }
    if (l.kind === 'rel' && d.kind === 'rel') {
      changes.push(...diffRel(l, d, mapNode));
    }
    if (l.comment !== d.comment) {
      changes.push(change('set_table_comment', d, { from: l.comment, to: d.comment, reason: 'table comment differs' }));
    }
  }
  changes.push(...diffCatalogObjects(live, desired, mapNode));
  // Measured on 0.11.3: dropping a property that an FTS index covered, even after DROP_FTS_INDEX
  // and a CHECKPOINT, leaves a file on which every query after reopening segfaults (dropping another
  // property is fine). So such a property goes by rebuilding its table without it.
  for (const c of changes) {
    if (c.kind !== 'drop_property') continue;
    const lt = pairs.find((x) => sameName(x.desired.name, c.table))?.live;
    if (!lt || !(live.indexes ?? []).some((i) => sameName(i.table, lt.name) && i.properties.some((p) => sameName(p, c.property!)))) continue;
    c.in_place = false;
    c.action = actionFor(c.kind, false);
    c.reason += `; ${c.property} is covered by an index, and Kuzu 0.11.3 leaves a database that crashes on reopening when such a property is dropped in place (even after its index is dropped), so ${c.table} is rebuilt without it`;
  }
  return { changes, warnings };
}

/** A change of an index, sequence or macro (no table of its own, or the indexed table). */
function objectChange(kind: ChangeKind, table: string, tableKind: Change['table_kind'], object: string, fields: Partial<Change> & { reason: string }): Change {
  const decision = inPlaceDecision(kind);
  return {
    kind,
    table,
    table_kind: tableKind,
    object,
    ...fields,
    action: actionFor(kind, decision.inPlace),
    destructive: fields.destructive ?? false,
    in_place: decision.inPlace,
    reason: decision.reason ? `${fields.reason}; ${decision.reason}` : fields.reason,
  };
}

/** One line describing an index definition: `fts (body) stemmer=porter, ...`. */
export function describeIndex(i: Index): string {
  const opts = Object.entries(canonicalIndexOptions(i.options)).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v}`);
  return `${i.type} (${i.properties.join(', ')}) ${opts.join(', ')}`;
}

/** Sequence options as one line (start is left out when only the position matters). */
export function describeSequence(q: { start: string; increment: string; min: string; max: string; cycle: boolean }): string {
  return `start ${q.start}, increment ${q.increment}, min ${q.min}, max ${q.max}, ${q.cycle ? 'cycle' : 'no cycle'}`;
}

/**
 * Indexes (matched by table, following table renames, and name), sequences and macros (by name,
 * case-insensitively). An index whose type, properties or options differ is dropped and created
 * again (`alter_index`); a sequence whose options differ is recreated at its position
 * (`alter_sequence`); a macro whose parameters or body differ is replaced (`replace_macro`).
 * A used sequence's `start` is not compared: its next value comes from its position.
 */
export function diffCatalogObjects(live: Schema, desired: Schema, mapNode: (n: string) => string = (n) => n): Change[] {
  const out: Change[] = [];
  const key = (table: string, name: string) => `${table}.${name}`.toLowerCase();
  const liveIdx = new Map((live.indexes ?? []).map((i) => [key(mapNode(i.table), i.name), i]));
  const desiredIdx = new Map((desired.indexes ?? []).map((i) => [key(i.table, i.name), i]));
  for (const [k, d] of desiredIdx) {
    const l = liveIdx.get(k);
    if (!l) {
      out.push(objectChange('create_index', d.table, 'node', d.name, { to: describeIndex(d), reason: `${d.type} index ${d.name} on ${d.table} is declared and does not exist` }));
    } else if (
      l.type !== d.type ||
      l.properties.map((p) => p.toLowerCase()).join(',') !== d.properties.map((p) => p.toLowerCase()).join(',') ||
      JSON.stringify(canonicalIndexOptions(l.options)) !== JSON.stringify(canonicalIndexOptions(d.options))
    ) {
      out.push(objectChange('alter_index', d.table, 'node', d.name, { from: describeIndex(l), to: describeIndex(d), reason: `index ${d.name} on ${d.table} differs from the declaration; it is dropped and built again${l.type === 'vector' ? `; ${VECTOR_DROP_REASON}` : ''}` }));
    }
  }
  for (const [k, l] of liveIdx) {
    if (!desiredIdx.has(k)) out.push(objectChange('drop_index', mapNode(l.table), 'node', l.name, { from: describeIndex(l), reason: `${l.type} index ${l.name} on ${l.table} exists and is not declared${l.type === 'vector' ? `; ${VECTOR_DROP_REASON}` : ''}` }));
  }

  const liveSeq = live.sequences ?? [];
  const desiredSeq = desired.sequences ?? [];
  for (const d of desiredSeq) {
    const l = liveSeq.find((x) => sameName(x.name, d.name));
    if (!l) {
      out.push(objectChange('create_sequence', d.name, 'sequence', d.name, { to: describeSequence(d), reason: `sequence ${d.name} is declared and does not exist` }));
      continue;
    }
    const used = l.position !== undefined && l.position !== null;
    const differs = l.increment !== d.increment || l.min !== d.min || l.max !== d.max || l.cycle !== d.cycle || (!used && l.start !== d.start);
    if (differs) {
      out.push(
        objectChange('alter_sequence', d.name, 'sequence', d.name, {
          from: describeSequence(l),
          to: describeSequence(d),
          reason: `sequence ${d.name} differs from the declaration; Kuzu has no ALTER SEQUENCE, so it is dropped and created again${used ? ` continuing after its last value ${l.position}` : ''}`,
        }),
      );
    }
  }
  for (const l of liveSeq) {
    if (!desiredSeq.some((d) => sameName(d.name, l.name))) {
      out.push(
        objectChange('drop_sequence', l.name, 'sequence', l.name, {
          from: describeSequence(l),
          destructive: true,
          reason: `sequence ${l.name} exists and is not declared; its position${l.position ? ` (last value ${l.position})` : ''} is lost and defaults calling nextval('${l.name}') stop working`,
        }),
      );
    }
  }

  const liveMac = live.macros ?? [];
  const desiredMac = desired.macros ?? [];
  const sig = (m: { name: string; parameters: string[]; body: string }) => `${m.name}(${m.parameters.join(', ')}) AS ${m.body}`;
  for (const d of desiredMac) {
    const l = liveMac.find((x) => sameName(x.name, d.name));
    if (!l) out.push(objectChange('create_macro', d.name, 'macro', d.name, { to: sig(d), reason: `macro ${d.name} is declared and does not exist` }));
    else if (canonicalMacro(l) !== canonicalMacro(d)) out.push(objectChange('replace_macro', d.name, 'macro', d.name, { from: sig(l), to: sig(d), reason: `macro ${d.name} differs from the declaration` }));
  }
  for (const l of liveMac) {
    if (!desiredMac.some((d) => sameName(d.name, l.name))) out.push(objectChange('drop_macro', l.name, 'macro', l.name, { from: sig(l), reason: `macro ${l.name} exists and is not declared` }));
  }
  return out;
}

function dropChange(l: Table, reason: string): Change {
  return change('drop_table', l, { destructive: true, reason: `${reason}; dropping it deletes its data` });
}

/** The live name a desired property had, following renamed_from when the live table has it. */
function renamedPropertyName(l: Table, d: Table, liveName: string): string {
  const renamed = d.properties.find((p) => p.renamedFrom && sameName(p.renamedFrom, liveName) && !findByName(l.properties, p.name));
  return renamed ? renamed.name : liveName;
}

function diffProperties(l: Table, d: Table, liveIsEmpty: boolean): Change[] {
  const out: Change[] = [];
  const matched = new Set<Property>();
  for (const p of d.properties) {
    let lp = findByName(l.properties, p.name);
    if (lp && p.renamedFrom && findByName(l.properties, p.renamedFrom)) {
      throw new PlanError(`${d.name}.${p.name}: both ${p.name} and its renamed_from ${p.renamedFrom} exist in the live table`, [
        'remove renamed_from, or drop one of the two properties first',
      ]);
    }
    if (!lp && p.renamedFrom) {
      lp = findByName(l.properties, p.renamedFrom);
      if (!lp && !liveIsEmpty) {
        throw new PlanError(`${d.name}.${p.name}: renamed_from ${p.renamedFrom} matches no property of ${l.name}`, [
          'remove renamed_from once the rename has been applied, or correct the old name',
        ]);
      }
      if (lp) {
        out.push(change('rename_property', d, { property: p.name, from: lp.name, to: p.name, reason: `declared renamed_from ${lp.name}` }));
      }
    }
    if (!lp) {
      out.push(
        change(
          'add_property',
          d,
          {
            property: p.name,
            to: p.type,
            using: p.using,
            reason: p.using
              ? `${p.name} is declared and does not exist; existing rows get ${p.using}`
              : p.default !== null
                ? `${p.name} is declared and does not exist; existing rows get the default ${p.default}`
                : `${p.name} is declared and does not exist; existing rows get NULL`,
          },
          {
            type: p.type,
            // Measured on 0.11.3 (kuzu-notes §10): ALTER TABLE <rel> ADD x UUID DEFAULT
            // gen_random_uuid() fails ("Cannot set a non-constant default value when adding
            // columns on REL tables"); on a node table ALTER ADD gives every row one value, and a
            // per-row SET after it reads right inside the transaction but came back as 2 distinct
            // values for 100 rows after COMMIT once a rel COPY ran in the same transaction. A
            // rebuild computes the default per row in its COPY and is verified.
            rewriteReason:
              !p.using && isNonConstantDefault(p.default)
                ? `Kuzu cannot give existing rows their own value of a non-constant default (${p.default}) in place; the table is rebuilt and each existing row gets its own value`
                : undefined,
          },
        ),
      );
      continue;
    }
    matched.add(lp);
    if (lp.type !== p.type) {
      const cast = castSafety(lp.type, p.type);
      const destructive = cast !== 'identical' && cast !== 'lossless';
      out.push(
        change('alter_property_type', d, {
          property: p.name,
          from: lp.type,
          to: p.type,
          cast,
          using: p.using,
          destructive,
          reason:
            `type changes from ${lp.type} to ${p.type}` +
            (p.using ? ` using ${p.using}` : '') +
            (cast === 'impossible' && !p.using ? ' (Kuzu has no such cast: declare `using`)' : destructive ? ` (${cast} cast: some values may fail or change)` : ''),
        }),
      );
    }
    const unknown = lp.defaultSignUnknown === true;
    if (canonicalDefault(lp.default, lp.type, unknown) !== canonicalDefault(p.default, p.type, unknown)) {
      out.push(
        change('alter_property_default', d, {
          property: p.name,
          from: lp.default,
          to: p.default,
          reason: `default changes from ${lp.default ?? 'none'} to ${p.default ?? 'none'}`,
        }),
      );
    }
  }
  for (const lp of l.properties) {
    if (matched.has(lp)) continue;
    if (l.kind === 'node' && sameName(lp.name, l.primaryKey)) {
      // Dropping the old key is part of the primary-key change, which rebuilds the table.
      out.push(
        change(
          'drop_property',
          d,
          { property: lp.name, from: lp.type, destructive: true, reason: `${lp.name} (the old primary key) is not declared` },
          { rewriteReason: 'Kuzu cannot drop a primary key in place; it goes with the primary-key rebuild' },
        ),
      );
      continue;
    }
    out.push(change('drop_property', d, { property: lp.name, from: lp.type, destructive: true, reason: `${lp.name} exists and is not declared` }));
  }
  return out;
}

function diffRel(l: RelTable, d: RelTable, mapNode: (n: string) => string): Change[] {
  const out: Change[] = [];
  const liveConns: Connection[] = l.connections.map((c) => ({ from: mapNode(c.from), to: mapNode(c.to) }));
  const key = (c: Connection) => connectionKey(c).toLowerCase();
  const desiredKeys = new Set(d.connections.map(key));
  const liveKeys = new Set(liveConns.map(key));
  for (const c of d.connections) {
    if (!liveKeys.has(key(c))) out.push(change('add_connection', d, { to: c, reason: `connection ${c.from} → ${c.to} is declared and does not exist` }));
  }
  for (const c of liveConns) {
    if (!desiredKeys.has(key(c))) {
      out.push(
        change('drop_connection', d, {
          from: c,
          destructive: true,
          reason: `connection ${c.from} → ${c.to} exists and is not declared; Kuzu deletes its relationships`,
        }),
      );
    }
  }
  if (l.multiplicity !== d.multiplicity) {
    out.push(
      change('alter_multiplicity', d, {
        from: l.multiplicity,
        to: d.multiplicity,
        destructive: narrowsMultiplicity(l.multiplicity, d.multiplicity),
        reason: `multiplicity changes from ${l.multiplicity} to ${d.multiplicity}`,
      }),
    );
  }
  if (l.storageDirection !== d.storageDirection) {
    out.push(
      change('alter_storage_direction', d, {
        from: l.storageDirection,
        to: d.storageDirection,
        reason: `storage_direction changes from ${l.storageDirection} to ${d.storageDirection}`,
      }),
    );
  }
  return out;
}

/** A multiplicity that allows fewer edges than before can make existing data fail to load. */
function narrowsMultiplicity(from: string, to: string): boolean {
  const [fromSrc, fromDst] = from.split('_');
  const [toSrc, toDst] = to.split('_');
  return (fromSrc === 'MANY' && toSrc === 'ONE') || (fromDst === 'MANY' && toDst === 'ONE');
}

export type { NodeTable, RelTable };

/**
 * The closed vocabulary of semantic changes between a live and a desired schema (what differs),
 * and the one tested function that decides what Kuzu 0.11.3 can do in place.
 */
import { assertNever } from './errors';
import { Connection, Multiplicity, StorageDirection } from './model';
import { CastSafety } from './types';

/** Change kinds, as they appear in the plan JSON (`changes[].kind`). A user-facing contract. */
export const CHANGE_KINDS = [
  'create_node_table',
  'create_rel_table',
  'drop_table',
  'rename_table',
  'add_property',
  'drop_property',
  'rename_property',
  'alter_property_type',
  'alter_property_default',
  'alter_primary_key',
  'add_connection',
  'drop_connection',
  'alter_multiplicity',
  'alter_storage_direction',
  'set_table_comment',
  'create_index',
  'drop_index',
  'alter_index',
  'create_sequence',
  'drop_sequence',
  'alter_sequence',
  'create_macro',
  'drop_macro',
  'replace_macro',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Terraform's actions; the renderers draw them as `+`, `~`, `-`, `-/+`. */
export type Action = 'create' | 'update' | 'delete' | 'replace';

export interface Change {
  kind: ChangeKind;
  /**
   * The table as it will be called after the change (for drops: as it is called now). For index
   * changes the indexed table; for sequence and macro changes the sequence's or macro's name.
   */
  table: string;
  /** `node` or `rel`; `sequence` or `macro` for changes of those (then `table` is their name). */
  table_kind: 'node' | 'rel' | 'sequence' | 'macro';
  /** For index, sequence and macro changes: the object's name. */
  object?: string;
  /** The property, for property changes. */
  property?: string;
  /** The old side: a type, default, name, connection, multiplicity or comment. */
  from?: string | Connection | null;
  /** The new side. */
  to?: string | Connection | null;
  /** Terraform action this change maps to. */
  action: Action;
  /** True when the change removes or may alter existing data (drop, narrowing cast, PK change). */
  destructive: boolean;
  /** True when Kuzu can do this change inside one transaction with ALTER/DML; false forces a rewrite. */
  in_place: boolean;
  /** Why the change is planned, and why it needs a rewrite when it does. For people. */
  reason: string;
  /** For destructive changes: how many rows (nodes or relationships) hold data the change removes or risks. */
  rows_affected?: number;
  /** For type changes: how safe the cast is (see core/types.ts). */
  cast?: CastSafety;
  /** For type changes or added properties: the expression computing the new value from the old row. */
  using?: string;
}

/** Extra facts the in-place decision needs beyond the change itself. */
export interface InPlaceContext {
  /** For add_property: the new property's type (SERIAL cannot be added in place). */
  type?: string;
}

/**
 * Whether Kuzu 0.11.3 can make this change in place, inside one transaction (kuzu-notes §1), with
 * the reason when it cannot. The one place this is decided; tested table-driven.
 */
export function inPlaceDecision(kind: ChangeKind, ctx: InPlaceContext = {}): { inPlace: boolean; reason?: string } {
  switch (kind) {
    case 'create_node_table':
    case 'create_rel_table':
    case 'drop_table':
    case 'rename_table':
    case 'drop_property':
    case 'rename_property':
    case 'set_table_comment':
    case 'add_connection':
    case 'drop_connection':
      return { inPlace: true };
    case 'add_property':
      if (ctx.type && /^SERIAL$/i.test(ctx.type)) {
        return { inPlace: false, reason: 'Kuzu cannot add a SERIAL property in place (ALTER ... ADD SERIAL fails and corrupts the session)' };
      }
      return { inPlace: true };
    case 'alter_property_type':
      return { inPlace: false, reason: 'Kuzu cannot change a property type in place; the table is rebuilt with a cast' };
    case 'alter_property_default':
      return { inPlace: false, reason: 'Kuzu cannot change the default of an existing property in place; the table is rebuilt' };
    case 'alter_primary_key':
      return { inPlace: false, reason: 'Kuzu cannot change a primary key in place; the table and every rel table pointing at it are rebuilt' };
    case 'alter_multiplicity':
      return { inPlace: false, reason: 'Kuzu cannot change a rel table multiplicity in place; the rel table is rebuilt' };
    case 'alter_storage_direction':
      return { inPlace: false, reason: 'Kuzu cannot change storage_direction in place; the rel table is rebuilt' };
    case 'create_sequence':
    case 'drop_sequence':
    case 'alter_sequence':
    case 'create_macro':
      return { inPlace: true };
    case 'create_index':
    case 'drop_index':
    case 'alter_index':
      return { inPlace: false, reason: 'Kuzu refuses CREATE_FTS_INDEX, CREATE_VECTOR_INDEX and DROP_FTS_INDEX inside a transaction; the apply runs on a private copy of the database that is swapped in once verified' };
    case 'drop_macro':
    case 'replace_macro':
      return { inPlace: false, reason: 'Kuzu 0.11.3 has no DROP MACRO; the database is rebuilt into a fresh file without the old macro, verified and swapped in' };
    default:
      return assertNever(kind, 'change kind');
  }
}

/** Changes of indexes, sequences and macros: they never make a table be rebuilt. */
export function isCatalogObjectChange(kind: ChangeKind): boolean {
  return /_(index|sequence|macro)$/.test(kind);
}

/** The action a change kind is drawn as. Rewrites of existing objects are replacements. */
export function actionFor(kind: ChangeKind, inPlace: boolean): Action {
  switch (kind) {
    case 'create_node_table':
    case 'create_rel_table':
    case 'add_property':
    case 'add_connection':
      return inPlace ? 'create' : 'replace';
    case 'create_index':
    case 'create_sequence':
    case 'create_macro':
      return 'create';
    case 'drop_index':
    case 'drop_sequence':
    case 'drop_macro':
      return 'delete';
    case 'alter_sequence':
      return 'update';
    case 'alter_index':
    case 'replace_macro':
      return 'replace';
    case 'drop_table':
    case 'drop_property':
    case 'drop_connection':
      return 'delete';
    case 'rename_table':
    case 'rename_property':
    case 'set_table_comment':
      return 'update';
    case 'alter_property_type':
    case 'alter_property_default':
    case 'alter_primary_key':
    case 'alter_multiplicity':
    case 'alter_storage_direction':
      return inPlace ? 'update' : 'replace';
    default:
      return assertNever(kind, 'change kind');
  }
}

export type { Multiplicity, StorageDirection };

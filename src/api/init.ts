import { Schema } from '../core/model';
import { withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { readHistory } from '../state/history';

/** The live schema of an existing database, read-only, for `init`. */
export async function introspectDatabase(dbPath: string): Promise<Schema> {
  return (await adoptDatabase(dbPath)).schema;
}

/**
 * What `init` declares: the live schema, the version the history last recorded (null for a
 * database kuzu-migrate never applied to, so a re-adopted database keeps its version), and
 * introspection's warnings.
 */
export async function adoptDatabase(dbPath: string): Promise<{ schema: Schema; recordedVersion: string | null; warnings: string[] }> {
  return withEngine(dbPath, { readOnly: true }, async (engine) => {
    const live = await introspect(engine);
    const history = await readHistory(engine);
    // warnings: what introspection could not read exactly (a default's sign, a multiplicity).
    return { schema: live.schema, recordedVersion: history.length ? history[history.length - 1].version : null, warnings: live.warnings };
  });
}

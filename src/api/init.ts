import { Schema } from '../core/model';
import { withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';
import { readHistory } from '../state/history';

/** The live schema of an existing database, read-only, for `init`. */
export async function introspectDatabase(dbPath: string): Promise<Schema> {
  return (await adoptDatabase(dbPath)).schema;
}

/**
 * What `init` declares: the live schema, and the version the history last recorded (null for a
 * database kuzu-migrate never applied to), so a re-adopted database keeps its version.
 */
export async function adoptDatabase(dbPath: string): Promise<{ schema: Schema; recordedVersion: string | null }> {
  return withEngine(dbPath, { readOnly: true }, async (engine) => {
    const schema = (await introspect(engine)).schema;
    const history = await readHistory(engine);
    return { schema, recordedVersion: history.length ? history[history.length - 1].version : null };
  });
}

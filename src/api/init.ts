import { Schema } from '../core/model';
import { withEngine } from '../kuzu/engine';
import { introspect } from '../kuzu/introspect';

/** The live schema of an existing database, read-only, for `init`. */
export async function introspectDatabase(dbPath: string): Promise<Schema> {
  return withEngine(dbPath, { readOnly: true }, async (engine) => (await introspect(engine)).schema);
}

/**
 * What the pure core knows about engines: their family (recorded in plans and manifests) and the
 * capability flags that change a plan. The releases themselves, with every flag set, are data in
 * src/engines/releases.ts; the core only reads flags, it never checks an engine's name.
 */

/** The engine family: Kuzu, or LadybugDB (Kuzu's fork). A plan and manifest field. */
export type EngineKind = 'kuzu' | 'ladybug';

/** The capability flags planning reads (a subset of a release's `capabilities`). */
export interface PlanningCapabilities {
  /**
   * True when a committed COPY survives a crash right after COMMIT. LadybugDB 0.19.1 makes it
   * durable only at the next checkpoint (measured: the rewrite killed after COMMIT reopens with
   * the rebuilt table empty), so there the default rewrite builds a fresh, closed file instead.
   */
  durableCommittedCopy: boolean;
}

/** The bundled Kuzu 0.11.3's planning capabilities: what a plan assumes when none are given. */
export const KUZU_PLANNING_CAPABILITIES: PlanningCapabilities = { durableCommittedCopy: true };

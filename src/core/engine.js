"use strict";
/**
 * What the pure core knows about engines: their family (recorded in plans and manifests) and the
 * capability flags that change a plan. The releases themselves, with every flag set, are data in
 * src/engines/releases.ts; the core only reads flags, it never checks an engine's name.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.KUZU_PLANNING_CAPABILITIES = void 0;
/** The bundled Kuzu 0.11.3's planning capabilities: what a plan assumes when none are given. */
exports.KUZU_PLANNING_CAPABILITIES = { durableCommittedCopy: true };
//# sourceMappingURL=engine.js.map
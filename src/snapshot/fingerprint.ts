/**
 * Content fingerprints of a snapshot's tables: the same function apply and verify use
 * (kuzu/fingerprint.ts), so manifests, imports and verification compare like with like.
 */
export { fingerprintDatabase as fingerprintContent, fingerprintTable as fingerprintTableContent } from '../kuzu/fingerprint';

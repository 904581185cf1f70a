/** The tool's own version, read from package.json (two levels up from src/ and from dist/). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const TOOL_VERSION: string = require('../package.json').version;

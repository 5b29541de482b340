import pkg from '../../package.json';

/** Airlock's version, shown by the CLI and the window. */
export const VERSION: string = pkg.version;

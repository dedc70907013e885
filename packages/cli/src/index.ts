export { run, cli } from './main.js';
export { ExitCode, reportFor, type ErrorReport } from './exit-codes.js';
export { UsageError, LocalFileError } from './cli-errors.js';

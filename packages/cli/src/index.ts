export { run, cli } from './main.js';
export { ExitCode } from './exit-codes.js';
export { reportFor, type ErrorReport } from './error-report.js';
export { UsageError, LocalFileError } from './cli-errors.js';

/** @app/server: migrate to heads under the lock, then serve an app's entities over HTTP. */
export { MAX_PAGE_SIZE } from './http/list-query';
export { PROBLEM_CODES, type ProblemCode, type ProblemDocument } from './http/problem';
export { LOG_LEVELS, type LogLevel } from './http/request-logging';
export type {
  ConfigureServer,
  ServerExtensions,
  ServerHookContext,
  ServerPluginEntry,
} from './http/server-extensions';
export { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from './server-errors';
export { type RunningServer, type StartServerOptions, startServer } from './start-server';

/** @app/server: migrate to heads under the lock, then serve an app's entities over HTTP. */
export { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from './server-errors';
export { type RunningServer, type StartServerOptions, startServer } from './start-server';

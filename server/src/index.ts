export { createApp } from './app.js';
export { startServer, createLogger, type RunningServer } from './server.js';

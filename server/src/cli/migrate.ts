/** `npm run db:migrate`: creates the database if missing and applies pending migrations, then exits. */
import { AuditRecorder, entities, loadConfig, migrations, openDatabase } from '@billwright/core';
import { pino } from 'pino';

const config = loadConfig();
const logger = pino({ level: config.logLevel });
const db = await openDatabase({ url: config.dbUrl, entities, migrations, subscribers: [new AuditRecorder()], logger });
logger.info({ dbName: db.coordinates.dbName }, 'migrations applied');
await db.close();

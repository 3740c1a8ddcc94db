export * from './ids.js';
export * from './currency.js';
export * from './time-zone.js';
export * from './object-type.js';

export * from './audit.js';
export * from './intake.js';
export * from './outbox.js';
export * from './people.js';
export * from './problems.js';
export * from './units.js';

/** Lark webhook request builders live in src/dev/ (npm run chat uses them too). */
export * from '../../src/dev/lark-requests.js';

/** The fake Lark Open API lives in src/dev/ (npm run chat uses it too). */
export * from '../../src/dev/fake-lark.js';

import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One JSON line per request or job run. Never log tokens, decrypted bodies or the
 * sender / text of anonymous feedback: callers pass ids and outcomes only.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'duban' },
      redact: {
        paths: ['token', 'encrypt', 'body', 'authorization', '*.token', '*.authorization'],
        remove: true,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      // On Workers the bundler picks pino's browser build, which applies `redact` only in object
      // mode and does not print JSON lines by itself: write each object as one JSON line.
      browser: {
        asObject: true,
        write: (o: object) => console.log(JSON.stringify(o)),
      },
    },
    destination,
  );
}

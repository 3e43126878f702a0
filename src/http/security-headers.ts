import type { MiddlewareHandler } from 'hono';

/**
 * Headers for every HTML page we serve (/public, /feedback, /ballot): no framing (clickjacking a
 * vote or a feedback form), no MIME sniffing, no scripts or outside resources at all (the pages
 * have none), forms post only to us, and HSTS when the public URL is https. A route that set a
 * stricter header keeps its own.
 */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function securityHeaders(publicBaseUrl: string | undefined): MiddlewareHandler {
  const hsts = publicBaseUrl?.startsWith('https://');
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    const set = (k: string, v: string) => {
      if (!h.has(k)) h.set(k, v);
    };
    set('Content-Security-Policy', CSP);
    set('X-Frame-Options', 'DENY');
    set('X-Content-Type-Options', 'nosniff');
    set('Referrer-Policy', 'no-referrer');
    if (hsts) set('Strict-Transport-Security', 'max-age=31536000');
  };
}

export const HTML_ROUTES = [
  '/public',
  '/public/*',
  '/feedback',
  '/feedback/*',
  '/ballot',
  '/ballot/*',
  '/revisit',
  '/revisit/*',
];

/** Per-request values the logging middleware reports. */
export type Env = {
  Variables: { requestId: string; eventId?: string; action?: string; outcome?: string };
};

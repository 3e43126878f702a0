/** Shorthands for tests that enqueue messages by hand (services build their OutboxMessage in full). */
export const text = (t: string) => ({ msgType: 'text' as const, content: { text: t } });

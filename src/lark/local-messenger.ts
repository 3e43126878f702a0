import { renderMessage } from '../../cards/render-text.js';
import type { Logger } from '../log.js';
import type { DeliveryOutcome, Messenger, Outgoing } from './messenger.js';

/**
 * Local mode (no LARK_APP_ID): nothing leaves the machine. Each message stays in the outbox
 * (status 'local') and is shown readably in the log. The receiver of an anonymous receipt is never printed.
 */
export class LocalMessenger implements Messenger {
  constructor(private readonly log: Logger) {}

  async deliver(m: Outgoing): Promise<DeliveryOutcome> {
    const to = m.eraseReceiver
      ? '（匿名回执，接收人不记录）'
      : m.targetMessageId
        ? `reply to ${m.targetMessageId}`
        : `${m.receiveIdType ?? ''}:${m.receiveId ?? ''}`;
    const rendered = m.eraseReceiver ? '（内容不记录）' : renderMessage(m.msgType, m.content).text;
    this.log.info({ action: 'outbox.local', outboxId: m.id, kind: m.kind, to }, `\n${rendered}\n`);
    return { ok: true, local: true };
  }
}

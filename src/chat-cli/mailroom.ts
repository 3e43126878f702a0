import { type Rendered, renderMessage } from '../../cards/render-text.js';
import type { FakeLark, FakeMessage } from '../dev/fake-lark.js';
import type { Person } from './people.js';

/** A bot message as one person sees it now (after patches and callback answers). */
export interface CardState {
  messageId: string;
  chatId: string;
  msgType: string;
  content: string;
  rendered: Rendered;
  /** Set when the message went to a group chat. */
  group?: string;
}

export type Entry =
  | { kind: 'message'; msg: FakeMessage; state: CardState; no?: number }
  | { kind: 'update'; state: CardState; no: number; via: 'patch' | 'callback' | 'delayed' };

const PROBLEM_CODE = /DB-\d{4}-\d{3,}/;

/**
 * Reads what the service sent to the Lark stand-in (messages, PATCHes, delayed card updates) and
 * sorts it into the cast's inboxes. Each person's cards are numbered #1, #2… in arrival order; the
 * latest card with buttons is the one a typed number clicks.
 */
export class Mailroom {
  private seen = { messages: 0, patches: 0, cardUpdates: 0 };
  private readonly states = new Map<string, CardState>();
  private readonly owners = new Map<string, string[]>();
  private readonly cards = new Map<string, string[]>();
  private readonly current = new Map<string, string>();
  private readonly unread = new Map<string, Entry[]>();
  private readonly tokens = new Map<string, string>();
  /** Messages to people outside the cast (e.g. other ADMIN_OPEN_IDS), by receiver. */
  readonly strays: { to: string; msg: FakeMessage }[] = [];

  constructor(
    private readonly fake: FakeLark,
    private readonly cast: readonly Person[],
  ) {}

  /** Something changed in the stand-in since the last collect(). */
  signature(): string {
    const f = this.fake;
    return `${f.messages.length}/${f.patches.length}/${f.cardUpdates.length}`;
  }

  /** Routes every new record to its people's unread lists; returns who got something. */
  collect(): Set<string> {
    const touched = new Set<string>();
    const f = this.fake;
    for (const msg of f.messages.slice(this.seen.messages)) {
      const to = this.recipients(msg);
      const group = f.chats.find((c) => c.chatId === msg.chatId)?.name;
      const state: CardState = {
        messageId: msg.messageId,
        chatId: msg.chatId,
        msgType: msg.msgType,
        content: msg.content,
        rendered: renderMessage(msg.msgType, msg.content),
        ...(group !== undefined ? { group } : {}),
      };
      this.states.set(msg.messageId, state);
      const known = to.filter((id) => this.cast.some((p) => p.openId === id));
      for (const id of to) if (!known.includes(id)) this.strays.push({ to: id, msg });
      this.owners.set(msg.messageId, known);
      for (const id of known) {
        const no = msg.msgType === 'interactive' ? this.addCard(id, msg.messageId) : undefined;
        this.push(id, { kind: 'message', msg, state, ...(no !== undefined ? { no } : {}) });
        touched.add(id);
      }
    }
    this.seen.messages = f.messages.length;
    for (const p of f.patches.slice(this.seen.patches)) {
      for (const id of this.update(p.messageId, p.content, 'patch')) touched.add(id);
    }
    this.seen.patches = f.patches.length;
    for (const u of f.cardUpdates.slice(this.seen.cardUpdates)) {
      const messageId = this.tokens.get(u.token);
      if (messageId)
        for (const id of this.update(messageId, JSON.stringify(u.card), 'delayed')) touched.add(id);
    }
    this.seen.cardUpdates = f.cardUpdates.length;
    return touched;
  }

  /** The card a callback answered with replaces the clicked card (what Lark's client does). */
  applyCallbackCard(openId: string, messageId: string, card: unknown): Entry | undefined {
    const state = this.states.get(messageId);
    if (!state) return undefined;
    state.content = JSON.stringify(card);
    state.rendered = renderMessage('interactive', state.content);
    const no = this.addCard(openId, messageId);
    return { kind: 'update', state, no, via: 'callback' };
  }

  /** A delayed update (POST /interactive/v1/card/update) names the callback's token, not the message. */
  rememberToken(token: string, messageId: string): void {
    this.tokens.set(token, messageId);
  }

  take(openId: string): Entry[] {
    const list = this.unread.get(openId) ?? [];
    this.unread.delete(openId);
    return list;
  }

  unreadCount(openId: string): number {
    return this.unread.get(openId)?.length ?? 0;
  }

  cardsOf(openId: string): { no: number; state: CardState }[] {
    return (this.cards.get(openId) ?? []).map((id, i) => ({ no: i + 1, state: this.states.get(id)! }));
  }

  cardNo(openId: string, messageId: string): number | undefined {
    const i = (this.cards.get(openId) ?? []).indexOf(messageId);
    return i < 0 ? undefined : i + 1;
  }

  currentCard(openId: string): { no: number; state: CardState } | undefined {
    const id = this.current.get(openId);
    const no = id ? this.cardNo(openId, id) : undefined;
    return id && no ? { no, state: this.states.get(id)! } : undefined;
  }

  selectCard(openId: string, no: number): CardState | undefined {
    const id = this.cards.get(openId)?.[no - 1];
    if (id) this.current.set(openId, id);
    return id ? this.states.get(id) : undefined;
  }

  /** The latest card about a problem (its code in the text) this person received: evidence replies to it. */
  lastProblemCard(openId: string): { no: number; state: CardState } | undefined {
    const list = this.cardsOf(openId);
    for (let i = list.length - 1; i >= 0; i--)
      if (PROBLEM_CODE.test(list[i]!.state.rendered.text)) return list[i];
    return undefined;
  }

  private recipients(msg: FakeMessage): string[] {
    if (msg.chatId.startsWith('oc_p2p_')) return [msg.chatId.slice('oc_p2p_'.length)];
    const chat = this.fake.chats.find((c) => c.chatId === msg.chatId);
    if (chat) return chat.members;
    if (msg.receiveIdType === 'open_id' && msg.receiveId) return [msg.receiveId];
    if (msg.receiveIdType === 'email' && msg.receiveId) {
      const email = msg.receiveId.toLowerCase();
      const p = this.cast.find((x) => x.email.toLowerCase() === email);
      return [p?.openId ?? msg.receiveId];
    }
    return msg.receiveId ? [msg.receiveId] : [];
  }

  private addCard(openId: string, messageId: string): number {
    const list = this.cards.get(openId) ?? [];
    if (!list.includes(messageId)) list.push(messageId);
    this.cards.set(openId, list);
    if (this.states.get(messageId)?.rendered.buttons.length) this.current.set(openId, messageId);
    return list.indexOf(messageId) + 1;
  }

  private update(messageId: string, content: string, via: 'patch' | 'delayed'): string[] {
    const state = this.states.get(messageId);
    // A card from before this session (the stand-in starts empty each time) has nobody to show it to.
    if (!state || state.content === content) return [];
    state.content = content;
    state.rendered = renderMessage('interactive', content);
    const owners = this.owners.get(messageId) ?? [];
    for (const id of owners) this.push(id, { kind: 'update', state, no: this.addCard(id, messageId), via });
    return owners;
  }

  private push(openId: string, e: Entry): void {
    const list = this.unread.get(openId) ?? [];
    // A card updated before it was read is shown once, as it is now (entries render the live state).
    if (e.kind === 'update') {
      if (list.some((x) => x.kind === 'message' && x.state === e.state)) return;
      const i = list.findIndex((x) => x.kind === 'update' && x.state === e.state);
      if (i >= 0) list.splice(i, 1);
    }
    list.push(e);
    this.unread.set(openId, list);
  }
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { FakeLark } from '../dev/fake-lark.js';
import { cardActionEvent, fileMessageEvent, larkRequest, textMessageEvent } from '../dev/lark-requests.js';
import { CONTENT_TYPES, IMAGE } from './files.js';
import { type Ask, buttonDetails, fillForm } from './form.js';
import { formatBody, formatEntry, formatToast, sizeText } from './format.js';
import { help } from './help.js';
import { type Entry, Mailroom } from './mailroom.js';
import { findPerson, type Person } from './people.js';

export interface SessionDeps {
  fake: FakeLark;
  /** The duban service's base URL: every action goes through its webhook routes. */
  serviceUrl: string;
  verificationToken: string;
  encryptKey: string;
  timezone: string;
  cast: readonly Person[];
  out: (s: string) => void;
  /** Reads one more line of input (form fields, confirmations); undefined at end of input. */
  ask: Ask;
  /** True while the service still has work due now (outbox rows to send, queued jobs). */
  busy: () => Promise<boolean>;
  runJob?: (name: string, at: Date) => Promise<unknown>;
  jobNames?: string[];
  /** Longest wait for the dispatcher after an action (default 5 s). */
  settleMs?: number;
}

const rnd = () => randomBytes(6).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One terminal user playing the cast against the service, through the same webhooks Lark uses. */
export class ChatSession {
  readonly mailroom: Mailroom;
  me: Person;
  private notified = new Map<string, number>();
  private strays = 0;
  private hinted = false;

  constructor(private readonly d: SessionDeps) {
    this.mailroom = new Mailroom(d.fake, d.cast);
    this.me = d.cast[0]!;
  }

  prompt(): string {
    return `[${this.me.name}]> `;
  }

  /** Handles one input line; 'quit' ends the session. */
  async handle(line: string): Promise<'quit' | undefined> {
    const t = line.trim();
    if (!t) return undefined;
    const iam = /^[/／]我是[\s\u3000]+(.+)$/.exec(t);
    if (iam) {
      this.switchTo(iam[1]!);
      return undefined;
    }
    if (/^\d+$/.test(t)) {
      await this.click(Number(t));
      return this.after();
    }
    if (/^[:：]/.test(t)) return this.cli(t.slice(1).trim());
    await this.say(t);
    return this.after();
  }

  private async cli(cmdline: string): Promise<'quit' | undefined> {
    const [cmd = '', ...rest] = cmdline.split(/\s+/);
    const arg = rest.join(' ');
    switch (cmd.toLowerCase()) {
      case 'help':
      case 'h':
      case '?':
      case '帮助':
        this.d.out(help(this.d.jobNames));
        return undefined;
      case 'who':
      case '人物':
        this.who();
        return undefined;
      case 'as':
        if (arg) this.switchTo(arg);
        else this.who();
        return undefined;
      case 'inbox':
        this.inbox();
        return undefined;
      case 'cards':
        this.listCards();
        return undefined;
      case 'card': {
        if (!arg) {
          this.listCards();
          return undefined;
        }
        const state = this.mailroom.selectCard(this.me.openId, Number(arg));
        if (!state) this.d.out(`没有卡片 #${arg}。输入 :cards 查看。`);
        else this.d.out(`◆ 卡片 #${Number(arg)}（数字将点击这张卡片的按钮）：\n${formatBody(state)}`);
        return undefined;
      }
      case 'click': {
        const [n, no] = rest.map((x) => Number(x.replace(/^#/, '')));
        if (!n) this.d.out('用法：:click <按钮序号> [卡片编号]');
        else await this.click(n, no);
        return this.after();
      }
      case 'file': {
        const noReply = rest.includes('--no-reply');
        const path = rest
          .filter((x) => x !== '--no-reply')
          .join(' ')
          .replace(/^["']|["']$/g, '');
        if (!path) this.d.out('用法：:file <路径> [--no-reply]');
        else await this.sendFile(path, noReply);
        return this.after();
      }
      case 'job':
        await this.job(rest[0], rest[1]);
        return this.after();
      case 'wait': {
        const s = Number(arg) > 0 ? Number(arg) : 3;
        await sleep(s * 1000);
        return this.after();
      }
      case 'quit':
      case 'q':
      case 'exit':
      case '退出':
        return 'quit';
      default:
        this.d.out(`未知的命令「:${cmd}」。输入 :help 查看。`);
        return undefined;
    }
  }

  /** Waits for the dispatcher, then shows what arrived. */
  async after(): Promise<undefined> {
    await this.settle();
    this.flush();
    return undefined;
  }

  switchTo(query: string): void {
    const p = findPerson(query, this.d.cast);
    if (!p) {
      this.d.out(`没有「${query}」。人物：${this.d.cast.map((x) => `${x.n} ${x.name}`).join('、')}`);
      return;
    }
    this.me = p;
    this.notified.delete(p.openId);
    this.d.out(`现在你是 ${p.name}（${p.part}，${p.email}）。`);
    this.mailroom.collect();
    const entries = this.mailroom.take(p.openId);
    if (!entries.length) this.d.out('（没有新消息）');
    this.show(entries);
  }

  private show(entries: Entry[]): void {
    for (const e of entries) this.d.out(formatEntry(e));
    if (!this.hinted && entries.some((e) => e.state.rendered.buttons.length)) {
      this.hinted = true;
      this.d.out('（输入按钮前的数字即可点击，例如 1；表单按钮会逐项询问字段）');
    }
  }

  /** Shows the current person's new messages; one line for everybody else's. */
  flush(): void {
    this.mailroom.collect();
    this.show(this.mailroom.take(this.me.openId));
    for (const p of this.d.cast) {
      if (p === this.me) continue;
      const n = this.mailroom.unreadCount(p.openId);
      if (n > (this.notified.get(p.openId) ?? 0))
        this.d.out(`（${p.name} 收到 ${n} 条新消息，输入 :as ${p.name} 查看）`);
      this.notified.set(p.openId, n);
    }
    const strays = this.mailroom.strays.slice(this.strays);
    this.strays = this.mailroom.strays.length;
    for (const s of strays) this.d.out(`（有一条消息发给演示人物以外的 ${s.to}，不显示）`);
  }

  private who(): void {
    for (const p of this.d.cast) {
      const unread = this.mailroom.unreadCount(p.openId);
      this.d.out(
        `${p === this.me ? '*' : ' '} ${p.n} ${p.name}　${p.part}　${p.email}　${p.openId}${unread ? `　未读 ${unread}` : ''}`,
      );
    }
  }

  private inbox(): void {
    const lines = this.d.cast
      .map((p) => ({ p, n: this.mailroom.unreadCount(p.openId) }))
      .filter((x) => x.n > 0)
      .map((x) => `${x.p.name}：${x.n} 条未读（:as ${x.p.name}）`);
    this.d.out(lines.length ? lines.join('\n') : '大家都没有未读消息。');
  }

  private listCards(): void {
    const cards = this.mailroom.cardsOf(this.me.openId);
    if (!cards.length) {
      this.d.out('还没有收到卡片。');
      return;
    }
    const cur = this.mailroom.currentCard(this.me.openId)?.no;
    for (const c of cards) {
      const title = c.state.rendered.text.split('\n')[0] ?? '';
      const buttons = c.state.rendered.buttons.map((b) => b.label).join('/');
      this.d.out(`${c.no === cur ? '*' : ' '} #${c.no} ${title}${buttons ? `　按钮：${buttons}` : ''}`);
    }
  }

  private async post(path: string, payload: unknown): Promise<Response> {
    const req = larkRequest(payload, { encryptKey: this.d.encryptKey });
    return fetch(`${this.d.serviceUrl}${path}`, { method: 'POST', headers: req.headers, body: req.body });
  }

  private async check(res: Response): Promise<boolean> {
    if (res.status === 200) return true;
    this.d.out(`（服务答复 HTTP ${res.status}：${(await res.text()).slice(0, 300)}）`);
    return false;
  }

  /** A one-to-one text message to the bot, as Lark delivers it (signed and encrypted). */
  async say(text: string): Promise<void> {
    const messageId = `om_cli_${rnd()}`;
    // Replies to this message land in the sender's one-to-one chat with the bot.
    this.d.fake.addInboundMessage(messageId, `oc_p2p_${this.me.openId}`);
    const event = textMessageEvent({
      token: this.d.verificationToken,
      sender: this.me.openId,
      text,
      messageId,
    });
    await this.check(await this.post('/lark/events', event));
  }

  async click(n: number, cardNo?: number): Promise<void> {
    const me = this.me;
    const cur = cardNo
      ? this.mailroom.selectCard(me.openId, cardNo) && this.mailroom.currentCard(me.openId)
      : this.mailroom.currentCard(me.openId);
    if (!cur) {
      this.d.out(cardNo ? `没有卡片 #${cardNo}。` : `${me.name} 还没有带按钮的卡片。`);
      return;
    }
    const { state, no } = cur;
    const b = state.rendered.buttons.find((x) => x.n === n);
    if (!b) {
      const list = state.rendered.buttons.map((x) => `[${x.n}] ${x.label}`).join(' ');
      this.d.out(`卡片 #${no} 没有按钮 ${n}。${list ? `可点：${list}` : '它没有按钮。'}`);
      return;
    }
    const details = buttonDetails(JSON.parse(state.content), n) ?? { defaults: {}, options: {} };
    if (details.confirm) {
      const yes = await this.d.ask(`  ${details.confirm}（y/N）：`);
      if (!yes || !/^(y|yes|是|确认|确定)$/i.test(yes.trim())) {
        this.d.out('已取消。');
        return;
      }
    }
    let formValue: Record<string, unknown> | undefined;
    if (b.formFields) {
      formValue = await fillForm(b.formFields, details, this.d.ask, this.d.out, this.d.timezone);
      if (!formValue) {
        this.d.out('已取消表单。');
        return;
      }
    }
    this.d.out(`→ ${me.name} 点击了卡片 #${no} 的「${b.label}」`);
    const updateToken = `c-${rnd()}${rnd()}`;
    this.mailroom.rememberToken(updateToken, state.messageId);
    const event = cardActionEvent({
      token: this.d.verificationToken,
      operator: me.openId,
      value: b.value,
      ...(formValue ? { formValue } : {}),
      ...(details.name ? { name: details.name } : {}),
      messageId: state.messageId,
      chatId: state.chatId,
      updateToken,
    });
    const res = await this.post('/lark/cards', event);
    if (!(await this.check(res))) return;
    const body = (await res.json().catch(() => ({}))) as {
      toast?: { type?: string; content?: string };
      card?: { type?: string; data?: unknown };
    };
    if (body.toast) this.d.out(formatToast(body.toast));
    if (body.card?.data) {
      const e = this.mailroom.applyCallbackCard(me.openId, state.messageId, body.card.data);
      if (e) this.show([e]);
    }
  }

  /**
   * Evidence: the bytes go into the stand-in under a new message id, then a file (or image) message
   * event replying to the latest card about a problem; the service downloads them through the SDK.
   */
  async sendFile(path: string, noReply: boolean): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      this.d.out(`读不到文件 ${path}：${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (bytes.length === 0) {
      this.d.out('文件是空的（飞书不接受空文件）。');
      return;
    }
    const ext = extname(path).toLowerCase();
    const kind = IMAGE.has(ext) ? 'image' : 'file';
    const target = noReply ? undefined : this.mailroom.lastProblemCard(this.me.openId);
    if (!noReply && !target) this.d.out('（还没有收到关于问题的卡片，文件将单独发送，不作为回复）');
    const messageId = `om_cli_${rnd()}`;
    const fileKey = `${kind === 'image' ? 'img' : 'file'}_v3_cli_${rnd()}`;
    this.d.fake.addResource(messageId, fileKey, bytes, CONTENT_TYPES[ext] ?? 'application/octet-stream');
    this.d.fake.addInboundMessage(messageId, `oc_p2p_${this.me.openId}`);
    const name = basename(path);
    this.d.out(
      `→ ${this.me.name} 发送${kind === 'image' ? '图片' : '文件'}「${name}」（${sizeText(bytes.length)}）` +
        (target ? `，回复卡片 #${target.no}` : ''),
    );
    const event = fileMessageEvent({
      token: this.d.verificationToken,
      sender: this.me.openId,
      kind,
      fileKey,
      fileName: name,
      messageId,
      ...(target ? { parentId: target.state.messageId, rootId: target.state.messageId } : {}),
    });
    await this.check(await this.post('/lark/events', event));
  }

  private async job(name: string | undefined, at: string | undefined): Promise<void> {
    if (!name || !this.d.runJob) {
      this.d.out(`用法：:job <${(this.d.jobNames ?? []).join('|')}> [ISO时间，如 2026-12-01T09:05:00+08:00]`);
      return;
    }
    const when = at ? new Date(at) : new Date();
    if (Number.isNaN(when.getTime())) {
      this.d.out(`时间「${at}」无法识别，请用 ISO-8601，例如 2026-12-01T09:05:00+08:00。`);
      return;
    }
    try {
      const r = await this.d.runJob(name, when);
      this.d.out(`任务 ${name} 已运行：${JSON.stringify(r)}`);
    } catch (e) {
      this.d.out(`任务 ${name} 失败：${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Until the service has nothing due and the stand-in has been quiet for a moment (at most settleMs). */
  private async settle(): Promise<void> {
    const max = this.d.settleMs ?? 5000;
    const start = Date.now();
    let sig = this.mailroom.signature();
    let changedAt = start;
    for (;;) {
      await sleep(40);
      const now = Date.now();
      const s = this.mailroom.signature();
      if (s !== sig) {
        sig = s;
        changedAt = now;
      }
      if (now - start >= max) return;
      if (now - changedAt < 150) continue;
      if (!(await this.d.busy())) return;
    }
  }
}

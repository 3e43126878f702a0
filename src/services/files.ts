import { PermanentJobError } from '../queue/queue.js';

/**
 * The port through which services reach the files of users' messages (evidence, spreadsheet
 * import); src/lark/files.ts implements it over Lark. Absent in local mode.
 */

export interface ResourceRef {
  messageId: string;
  fileKey: string;
  type: 'image' | 'file';
}
export type Downloaded = { ok: true; bytes: Buffer; contentType: string } | { ok: false; tooLarge: true };

export interface MessageFiles {
  /** The bytes of a resource of a user's message; stops reading above maxBytes. */
  download(ref: ResourceRef, maxBytes: number): Promise<Downloaded>;
  /** An image key the bot owns, for showing the image in cards. */
  uploadImage?(bytes: Buffer): Promise<string>;
}

/** The platform refused the download for good (retrying cannot help); `code` is its error code. */
export class DownloadRefused extends Error {
  override name = 'DownloadRefused';
  constructor(
    readonly code?: number,
    message = 'download refused',
  ) {
    super(message);
  }
}

/**
 * A download inside a job: no files (local mode) and a refusal end the job at once with a reason
 * the sender is told; anything else is thrown again for the queue to retry.
 */
export async function downloadForJob(
  files: MessageFiles | undefined,
  ref: ResourceRef,
  maxBytes: number,
  localModeText: string,
): Promise<Downloaded> {
  if (!files) throw new PermanentJobError(localModeText);
  try {
    return await files.download(ref, maxBytes);
  } catch (e) {
    if (e instanceof DownloadRefused)
      throw new PermanentJobError(`飞书拒绝了下载请求${e.code ? `（错误码 ${e.code}）` : ''}`);
    throw e;
  }
}

/** Why a download job failed, as the sender is told: the job's own reason, else that Lark was not reachable. */
export function downloadFailure(error: unknown): string {
  return error instanceof PermanentJobError ? error.message.replace(/。$/, '') : '暂时无法从飞书下载';
}

/**
 * What arrived at GreenMail, the real SMTP server of the local stack, read through its REST API
 * (GREENMAIL_API_PORT, 8080 by default): each message of an address with its headers, subject, plain text and HTML
 * decoded, and a purge between tests. A GreenMail that does not answer fails the test naming it and how to start it.
 */

export const GREENMAIL_API = `http://127.0.0.1:${process.env.GREENMAIL_API_PORT ?? '8080'}`;

export interface ReceivedMail {
  messageId: string;
  /** Header names in lower case, values decoded (RFC 2047), repeated headers joined with ", ". */
  headers: Record<string, string>;
  subject: string;
  from: string;
  to: string;
  text: string;
  html: string;
  raw: string;
}

async function api(path: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(`${GREENMAIL_API}${path}`, init);
  } catch (error) {
    throw new Error(
      `GreenMail's API at ${GREENMAIL_API} does not answer (${(error as Error).message}): ` +
        'start it with `bash scripts/stack.sh start greenmail` (same SMTP_PORT and GREENMAIL_API_PORT)',
      { cause: error },
    );
  }
}

/** The messages GreenMail holds for `address`, oldest first ([] when it never received any). */
export async function messagesOf(address: string): Promise<ReceivedMail[]> {
  const response = await api(`/api/user/${encodeURIComponent(address)}/messages/INBOX`);
  const body = await response.text();
  if (response.status === 400 && /not found/i.test(body)) return [];
  if (!response.ok) throw new Error(`GreenMail answered ${response.status} for ${address}: ${body}`);
  const list = JSON.parse(body) as { mimeMessage: string }[];
  return list.map((m) => parseMime(m.mimeMessage));
}

/** Every message GreenMail holds, deleted: each test starts from an empty server. */
export async function purgeMail(): Promise<void> {
  const response = await api('/api/mail/purge', { method: 'POST' });
  if (!response.ok) throw new Error(`GreenMail refused the purge: ${response.status} ${await response.text()}`);
}

/** Whether GreenMail's API answers; for a test's beforeAll that should fail early with the server's name. */
export async function checkGreenMail(): Promise<void> {
  await api('/api/user');
}

function splitHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeWords(line.slice(colon + 1).trim());
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) as text. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(qp(text.replace(/_/g, ' ')), 'latin1').toString('utf8'),
    );
}

/** Quoted-printable to the bytes it stands for (as a latin1 string). */
function qp(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(qp(body), 'latin1').toString('utf8');
    default:
      return body;
  }
}

/** A message as nodemailer writes it: a single part or multipart/alternative (text and HTML). */
function parseMime(raw: string): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers = splitHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => p.replace(/^\r\n/, ''))
    : [raw.slice(0, split) + '\r\n\r\n' + body];
  for (const part of parts) {
    const at = part.indexOf('\r\n\r\n');
    const h = splitHeaders(part.slice(0, at));
    const content = decodeBody(part.slice(at + 4).replace(/\r\n$/, ''), h['content-transfer-encoding']);
    if ((h['content-type'] ?? '').startsWith('text/html')) html = content.replace(/\r\n/g, '\n');
    else if ((h['content-type'] ?? 'text/plain').startsWith('text/plain')) text = content.replace(/\r\n/g, '\n');
  }
  return {
    messageId: headers['message-id'] ?? '',
    headers,
    subject: headers.subject ?? '',
    from: headers.from ?? '',
    to: headers.to ?? '',
    text,
    html,
    raw,
  };
}

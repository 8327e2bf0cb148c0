import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/** The largest request body the playground reads; a command line is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

export const channelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a channel is 1-32 lower-case letters, digits or dashes, like "class"');

export const DEFAULT_CHANNEL = 'class';

const user = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a user id is 1-32 letters, digits, _ or -'),
  name: z.string().trim().min(1).max(40),
  isTA: z.boolean(),
});

export const commandBody = z.object({
  command: z
    .string()
    .trim()
    .regex(/^\/?[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a command is a name like "explode" or "/explode"')
    .transform((s) => s.replace(/^\//, '').toLowerCase()),
  text: z.string().max(2000).default(''),
  user,
  channel: channelName.default(DEFAULT_CHANNEL),
});

export const answerBody = z.object({
  quizId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a quiz id is 1-64 letters, digits, _ or -'),
  choice: z.number().int().min(0).max(9),
  user,
  channel: channelName.default(DEFAULT_CHANNEL),
});

export const sayBody = z.object({
  text: z.string().trim().min(1, 'say something').max(2000),
  user,
  channel: channelName.default(DEFAULT_CHANNEL),
});

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new RequestError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : 'body';
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/** Reads, parses and validates a JSON body; every failure is a RequestError with a sentence for the caller. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new RequestError(415, 'send the body as JSON with content-type: application/json');
  const raw = await readBody(req);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new RequestError(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RequestError(400, `bad request: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

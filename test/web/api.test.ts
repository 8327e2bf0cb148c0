import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebMessage } from '../../src/platforms/web/index.ts';
import { ADA, GRACE, openEvents, postJson, startTestPlayground, TOM, type Playground } from './harness.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let pg: Playground;
beforeAll(async () => {
  pg = await startTestPlayground();
});
afterAll(async () => {
  await pg?.close();
});

async function command(text: string, user = ADA, channel = 'class'): Promise<WebMessage[]> {
  const m = /^\/(\S+)\s*(.*)$/.exec(text)!;
  const r = await postJson(pg.url, '/api/command', { command: m[1], text: m[2], user, channel });
  expect(r.status, r.json.error).toBe(200);
  return r.json.messages!;
}

/** One /explode for the tests that need a quiz: the parent message and the quiz in its thread. */
let exploded: Promise<{ parent: WebMessage; quiz: WebMessage }> | null = null;
function explodeOnce(): Promise<{ parent: WebMessage; quiz: WebMessage }> {
  exploded ??= command('/explode w=500 lr=0.01').then((msgs) => {
    const parent = msgs[0]!;
    const quiz = msgs.find((m) => m.quiz)!;
    return { parent, quiz };
  });
  return exploded;
}

describe('the page', () => {
  it('serves the channel page with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${pg.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/(^|;\s*)default-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const html = await res.text();
    expect(html).toContain('id="messages"');
    expect(html).toMatch(/aria-live="polite"/);
  });

  it('loads nothing from outside the machine: every script, style and module import is a local file', async () => {
    const html = await (await fetch(`${pg.url}/`)).text();
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const seen = new Set<string>();
    const queue = refs.filter((r) => !r.startsWith('#'));
    const bodies: string[] = [html];
    while (queue.length > 0) {
      const ref = queue.shift()!;
      const path = new URL(ref, `${pg.url}/`);
      expect(path.origin, `${ref} leaves the machine`).toBe(pg.url);
      if (seen.has(path.pathname)) continue;
      seen.add(path.pathname);
      const res = await fetch(path);
      expect(res.status, `${path.pathname}`).toBe(200);
      expect(res.headers.get('content-security-policy')).toBeTruthy();
      const body = await res.text();
      bodies.push(body);
      if (path.pathname.endsWith('.js')) for (const m of body.matchAll(/from '([^']+)'/g)) queue.push(m[1]!);
    }
    expect([...seen]).toEqual(expect.arrayContaining(['/app.js', '/style.css', '/composer.js', '/text.js']));
    for (const body of bodies) {
      // The SVG namespace is a name, not a request.
      const outside = [...body.matchAll(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi)].map((m) => m[0]).filter((u) => !u.startsWith('http://www.w3.org/2000/svg'));
      expect(outside).toEqual([]);
    }
    expect(bodies.join('\n')).not.toMatch(/@import|fonts\.googleapis|cdn/i);
  });

  it('answers unknown paths with 404, inside and outside /api', async () => {
    expect((await fetch(`${pg.url}/api/nope`)).status).toBe(404);
    const res = await fetch(`${pg.url}/no/such/page`);
    expect(res.status).toBe(404);
  });
});

describe('GET /api/commands', () => {
  it('lists every command with options generated from its schema, for completion and inline help', async () => {
    const res = await fetch(`${pg.url}/api/commands`);
    expect(res.status).toBe(200);
    const { commands } = (await res.json()) as { commands: { name: string; description: string; taOnly: boolean; options: { name: string; allowed: string; default?: unknown; description: string }[]; usage: string[] }[] };
    const names = commands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['explode', 'example', 'quiz', 'leaderboard', 'help', 'quiz-close', 'answers-export']));
    expect(names).toEqual(pg.bot.commands.map((c) => c.name));
    const explode = commands.find((c) => c.name === 'explode')!;
    const lr = explode.options.find((o) => o.name === 'lr')!;
    expect(lr.default).toBe(0.01);
    expect(lr.allowed).toMatch(/greater than 0/);
    expect(explode.options.find((o) => o.name === 'depth')!.allowed).toMatch(/whole number from 1 to 50/);
    expect(explode.usage.length).toBe(explode.options.length);
    expect(commands.find((c) => c.name === 'quiz-close')!.taOnly).toBe(true);
    expect(commands.find((c) => c.name === 'explode')!.taOnly).toBe(false);
  });
});

describe('POST /api/command', () => {
  it('runs /explode: a public verdict with two PNGs served from /api/images, and the quiz in a thread that other tabs see', async () => {
    const tab = await openEvents(pg.url);
    try {
      const { parent, quiz } = await explodeOnce();
      expect(parent.visibility).toBe('public');
      expect(parent.invocation).toEqual({ user: ADA, command: '/explode w=500 lr=0.01' });
      expect(parent.text).toMatch(/w=500 lr=0\.01/);
      expect(parent.text).toMatch(/\*\*Exploding/);
      expect(parent.images).toHaveLength(2);
      expect(parent.thread?.name).toBeTruthy();
      for (const img of parent.images) {
        expect(img.url).toMatch(/^\/api\/images\/[A-Za-z0-9_-]{16}\.png$/);
        expect(img.alt.length).toBeGreaterThan(20);
        const res = await fetch(`${pg.url}${img.url}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/png');
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
        expect(bytes.readUInt32BE(16)).toBe(img.width);
        expect(bytes.readUInt32BE(20)).toBe(img.height);
      }
      expect(quiz.threadOf).toBe(parent.id);
      expect(quiz.quiz!.choices.length).toBeGreaterThanOrEqual(3);
      expect(quiz.quiz!.closed).toBe(false);
      expect((await pg.store.getQuiz(quiz.quiz!.quizId))?.location).toBe(`class/${parent.id}`);

      // A second tab on the channel receives both, in order.
      const seen = await tab.waitFor((m) => m.id === quiz.id);
      expect(seen.quiz?.quizId).toBe(quiz.quiz!.quizId);
      expect(tab.messages.get(parent.id)?.images.map((i) => i.url)).toEqual(parent.images.map((i) => i.url));
    } finally {
      tab.close();
    }
  });

  it('a tab opened later gets the recent history', async () => {
    const { parent } = await explodeOnce();
    const tab = await openEvents(pg.url);
    try {
      expect((await tab.waitFor((m) => m.id === parent.id)).text).toBe(parent.text);
    } finally {
      tab.close();
    }
  });

  it('a bad parameter gets a private error naming the key, seen by nobody else', async () => {
    const msgs = await command('/explode w=abc lr=0.01');
    expect(msgs).toHaveLength(1);
    const [err] = msgs;
    expect(err!.visibility).toBe('private');
    expect(err!.to).toBe('ada');
    expect(err!.text).toMatch(/`w=abc`/);
    expect(err!.images).toEqual([]);
    const history = (await (await fetch(`${pg.url}/api/messages?channel=class`)).json()) as { messages: WebMessage[] };
    expect(history.messages.some((m) => m.id === err!.id)).toBe(false);
  });

  it('an unknown command gets a private suggestion', async () => {
    const [msg] = await command('/explod w=500');
    expect(msg!.visibility).toBe('private');
    expect(msg!.text).toMatch(/Did you mean \/explode/);
  });

  it('TA commands: refused for a student, run for the TA, and the closing summary lands in the quiz thread', async () => {
    const { parent, quiz } = await explodeOnce();
    const [refused] = await command('/quiz-close', GRACE);
    expect(refused!.visibility).toBe('private');
    expect(refused!.text).toMatch(/Only TAs/);

    const tab = await openEvents(pg.url);
    try {
      const [done] = await command('/quiz-close', TOM);
      expect(done!.visibility).toBe('private');
      expect(done!.to).toBe('tom');
      expect(done!.text).toContain(quiz.quiz!.quizId);
      const summary = await tab.waitFor((m) => m.threadOf === parent.id && m.id !== quiz.id);
      expect(summary.visibility).toBe('public');
      expect(summary.text.length).toBeGreaterThan(10);
      const closedQuiz = await tab.waitFor((m) => m.id === quiz.id && m.quiz?.closed === true);
      expect(closedQuiz.quiz!.quizId).toBe(quiz.quiz!.quizId);
    } finally {
      tab.close();
    }
  });

  it('/help, /quiz and /leaderboard answer a student; /example answers the TA with the lecture\'s picture', async () => {
    const [help] = await command('/help');
    expect(help!.visibility).toBe('private');
    expect(help!.text).toContain('/explode');
    const quiz = await command('/quiz', GRACE);
    expect(quiz.find((m) => m.quiz)?.quiz?.choices.length).toBeGreaterThanOrEqual(3);
    const [board] = await command('/leaderboard');
    expect(board!.text).toMatch(/Leaderboard|No scores in this class yet/);
    const [example] = await command('/example', TOM);
    expect(example!.text).toMatch(/93,750,000/);
    expect(example!.text).toMatch(/937,000/);
    expect(example!.images).toHaveLength(1);
    const png = await fetch(`${pg.url}${example!.images[0]!.url}`);
    expect(png.headers.get('content-type')).toBe('image/png');
  });

  it('the TA export is a private CSV download', async () => {
    const [msg] = await command('/answers-export', TOM);
    expect(msg!.visibility).toBe('private');
    expect(msg!.files).toHaveLength(1);
    const res = await fetch(`${pg.url}${msg!.files[0]!.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="answers-web-local-class\.csv"$/);
    const csv = await res.text();
    expect(csv.split('\n')[0]).toMatch(/quiz/i);
  });
});

describe('POST /api/answer', () => {
  it('records one answer per person: private feedback in the thread, then "already answered"', async () => {
    const { parent } = await explodeOnce();
    // The shared quiz may be closed by the TA test; a fresh one in another channel keeps this independent.
    const msgs = await command('/explode w=500 lr=0.01', ADA, 'answers');
    const quiz = msgs.find((m) => m.quiz)!.quiz!;
    const first = await postJson(pg.url, '/api/answer', { quizId: quiz.quizId, choice: 0, user: GRACE, channel: 'answers' });
    expect(first.status).toBe(200);
    const [feedback] = first.json.messages!;
    expect(feedback!.visibility).toBe('private');
    expect(feedback!.to).toBe('grace');
    expect(feedback!.threadOf).toBe(msgs[0]!.id);
    expect(feedback!.threadOf).not.toBe(parent.id);
    expect(feedback!.text).toMatch(/^(Correct!|Not quite)/);

    const again = await postJson(pg.url, '/api/answer', { quizId: quiz.quizId, choice: 1, user: GRACE, channel: 'answers' });
    expect(again.json.messages![0]!.text).toMatch(/already answered \*\*A\*\*/);
    const answers = (await pg.store.answersOf(quiz.quizId));
    expect(answers.map((a) => [a.userId, a.choice])).toEqual([['grace', 0]]);
  });

  it('an unknown quiz is a private message, not an error', async () => {
    const r = await postJson(pg.url, '/api/answer', { quizId: 'nope', choice: 0, user: ADA });
    expect(r.status).toBe(200);
    expect(r.json.messages![0]!.visibility).toBe('private');
  });
});

describe('bad requests', () => {
  it('a body without a user is 400 naming the field', async () => {
    const r = await postJson(pg.url, '/api/command', { command: 'explode', text: '' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/^bad request: user:/);
  });

  it('a malformed quiz id or choice is 400', async () => {
    const r = await postJson(pg.url, '/api/answer', { quizId: 'a b', choice: -1, user: ADA });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/quizId/);
    expect(r.json.error).toMatch(/choice/);
  });

  it('invalid JSON is 400, the wrong content type 415, a huge body 413', async () => {
    expect((await postJson(pg.url, '/api/command', '{"command":')).json.error).toBe('the body is not valid JSON');
    const plain = await fetch(`${pg.url}/api/command`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(plain.status).toBe(415);
    const huge = await postJson(pg.url, '/api/command', { command: 'explode', text: 'x'.repeat(20_000), user: ADA });
    expect(huge.status).toBe(413);
  });

  it('a channel name that is not a plain slug is 400', async () => {
    const r = await postJson(pg.url, '/api/command', { command: 'help', user: ADA, channel: '../etc' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/channel/);
    expect((await fetch(`${pg.url}/api/events?channel=%3Cscript%3E`)).status).toBe(400);
  });

  it('GET on a POST route is 405; a post from another origin is 403', async () => {
    const get = await fetch(`${pg.url}/api/command`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const cross = await postJson(pg.url, '/api/command', { command: 'help', user: ADA }, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
  });

  it('an image that was never served is 404', async () => {
    expect((await fetch(`${pg.url}/api/images/AAAAAAAAAAAAAAAA.png`)).status).toBe(404);
  });
});

describe('the page source', () => {
  it('never turns message text into HTML', () => {
    const dir = new URL('../../src/platforms/web/public/', import.meta.url);
    for (const f of ['app.js', 'composer.js', 'text.js']) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      expect(src, f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});

describe('an oversized body sent without a length', () => {
  it('is refused with 413 before it is all read', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${pg.url}/api/command`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"text":"');
      req.write('x'.repeat(40_000));
      // Never finished: the server must answer without waiting for the end.
    });
    expect(status).toBe(413);
  });
});

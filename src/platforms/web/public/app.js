// The playground page: one class channel. Messages arrive from the event
// stream (everyone's public messages) and from our own requests (replies
// only we may see); both are inserted or replaced by id.
import { setupComposer } from './composer.js';
import { renderText } from './text.js';

const PEOPLE = [
  { id: 'ada', name: 'ada', isTA: false },
  { id: 'grace', name: 'grace', isTA: false },
  { id: 'alan', name: 'alan', isTA: false },
  { id: 'tom', name: 'TA Tom', isTA: true },
];

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

const params = new URLSearchParams(location.search);
const channel = /^[a-z0-9][a-z0-9-]{0,31}$/.test(params.get('channel') ?? '') ? params.get('channel') : 'class';
const list = $('messages');
const input = $('input');
const shown = new Map();
let me = PEOPLE.find((p) => p.id === localStorage.getItem('gradbot.me')) ?? PEOPLE[0];

function time(at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function hue(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function avatar(msg) {
  if (msg.author.kind === 'bot') return el('div', 'avatar bot', 'gb');
  const a = el('div', 'avatar', msg.author.name.slice(0, 1).toUpperCase());
  a.style.backgroundColor = `hsl(${hue(msg.author.id)} 45% 42%)`;
  return a;
}

async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `the server answered ${res.status}`);
  return data;
}

function quizCard(msg) {
  const q = msg.quiz;
  const card = el('div', 'quiz');
  card.setAttribute('role', 'group');
  const qid = `q-${msg.id}`;
  const question = el('p', 'question');
  question.id = qid;
  renderText(q.question, question);
  card.setAttribute('aria-labelledby', qid);
  const choices = el('div', 'choices');
  q.choices.forEach((text, i) => {
    const b = el('button', 'choice');
    b.type = 'button';
    b.disabled = q.closed;
    b.dataset.quiz = q.quizId;
    b.dataset.choice = String(i);
    b.append(el('span', 'letter', String.fromCharCode(65 + i)), el('span', 'choice-text', text));
    b.addEventListener('click', () => answer(msg, i, b));
    choices.append(b);
  });
  const status = el('p', 'quiz-status', q.closed ? 'This quiz is closed.' : `Answers are private. Open until ${time(q.closesAt)}.`);
  card.append(question, choices, status);
  return card;
}

function threadBox(li, name) {
  let box = li.querySelector(':scope > .body > .thread');
  if (!box) {
    box = el('section', 'thread');
    const title = el('div', 'thread-name');
    title.append(el('span', 'thread-icon', '↳'), document.createTextNode(` ${name ?? 'Thread'}`));
    box.setAttribute('aria-label', `Thread: ${name ?? 'replies'}`);
    box.append(title, el('ol', 'thread-list'));
    li.querySelector(':scope > .body').append(box);
  }
  return box.querySelector('.thread-list');
}

function render(msg) {
  const li = el('li', `msg ${msg.author.kind}`);
  li.id = `m-${msg.id}`;
  li.dataset.id = msg.id;
  if (msg.visibility === 'private') {
    li.classList.add('private');
    li.dataset.to = msg.to ?? '';
    li.hidden = msg.to !== undefined && msg.to !== me.id;
  }
  if (msg.invocation) {
    const inv = el('div', 'invocation');
    inv.append(el('span', 'inv-arrow', '↱'), el('strong', null, msg.invocation.user.name), document.createTextNode(' used '), el('code', null, msg.invocation.command));
    li.append(inv);
  }
  li.append(avatar(msg));
  const body = el('div', 'body');
  const meta = el('div', 'meta');
  meta.append(el('span', 'author', msg.author.kind === 'bot' ? 'gradbot' : msg.author.name));
  if (msg.author.kind === 'bot') meta.append(el('span', 'tag', 'BOT'));
  if (msg.author.kind === 'user' && msg.author.isTA) meta.append(el('span', 'tag ta', 'TA'));
  const t = el('time', null, time(msg.at));
  t.dateTime = new Date(msg.at).toISOString();
  meta.append(t);
  body.append(meta);
  if (msg.text) {
    const text = el('div', 'text');
    renderText(msg.text, text);
    body.append(text);
  }
  if (msg.images.length > 0) {
    const imgs = el('div', 'images');
    for (const im of msg.images) {
      const a = el('a', 'image-link');
      a.href = im.url;
      a.target = '_blank';
      a.title = `Open ${im.name} full size`;
      const img = el('img');
      img.src = im.url;
      img.alt = im.alt;
      img.width = im.width;
      img.height = im.height;
      img.decoding = 'async';
      img.addEventListener('load', stickToBottom);
      a.append(img);
      imgs.append(a);
    }
    body.append(imgs);
  }
  if (msg.files.length > 0) {
    const files = el('div', 'files');
    for (const f of msg.files) {
      const a = el('a', 'file', `⤓ ${f.name}`);
      a.href = f.url;
      a.download = f.name;
      a.append(el('span', 'muted', ` ${Math.max(1, Math.round(f.size / 1024))} kB`));
      files.append(a);
    }
    body.append(files);
  }
  if (msg.quiz) body.append(quizCard(msg));
  if (msg.visibility === 'private') body.append(el('div', 'private-note', 'Only visible to you'));
  li.append(body);
  if (msg.thread) threadBox(li, msg.thread.name);
  return li;
}

let nearBottom = true;
list.addEventListener('scroll', () => {
  nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
});
function stickToBottom() {
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

/** Inserts a message, or redraws it in place (a quiz that closed), keeping its thread. */
function upsert(msg) {
  const old = shown.get(msg.id);
  const li = render(msg);
  if (old) {
    const oldThread = old.querySelector(':scope > .body > .thread');
    if (oldThread) {
      li.querySelector(':scope > .body > .thread')?.remove();
      li.querySelector(':scope > .body').append(oldThread);
    }
    old.replaceWith(li);
  } else {
    const parent = msg.threadOf ? shown.get(msg.threadOf) : null;
    if (parent) threadBox(parent, null).append(li);
    else list.append(li);
  }
  shown.set(msg.id, li);
  stickToBottom();
}

async function answer(msg, choice, button) {
  try {
    const data = await post('/api/answer', { quizId: msg.quiz.quizId, choice, user: me, channel });
    button.classList.add('chosen');
    data.messages.forEach(upsert);
    const last = shown.get(data.messages.at(-1)?.id);
    last?.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    localNote(`Could not send the answer: ${e.message}`);
  }
}

function localNote(text) {
  upsert({ id: `local-${Date.now()}-${Math.random()}`, seq: 0, channel, at: Date.now(), author: { kind: 'bot' }, text, images: [], files: [], visibility: 'private', to: me.id });
}

async function send(line) {
  nearBottom = true;
  if (!line.startsWith('/')) {
    try {
      (await post('/api/message', { text: line, user: me, channel })).messages.forEach(upsert);
    } catch (e) {
      localNote(`Could not send: ${e.message}`);
    }
    return;
  }
  const m = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
  const pending = el('li', 'msg pending');
  pending.append(el('div', 'avatar bot', 'gb'), el('div', 'body muted', `gradbot is thinking about ${line.slice(0, 60)}…`));
  pending.setAttribute('aria-hidden', 'true');
  list.append(pending);
  stickToBottom();
  try {
    const data = await post('/api/command', { command: m[1], text: m[2], user: me, channel });
    data.messages.forEach(upsert);
  } catch (e) {
    localNote(`Could not run ${line.slice(0, 60)}: ${e.message}`);
  } finally {
    pending.remove();
  }
}

function setMe(person) {
  me = person;
  localStorage.setItem('gradbot.me', me.id);
  for (const li of list.querySelectorAll('.msg.private')) li.hidden = li.dataset.to !== '' && li.dataset.to !== me.id;
  input.placeholder = `Message #${channel} · / for commands`;
}

function setupWho() {
  const who = $('who');
  for (const p of PEOPLE) {
    const o = el('option', null, p.isTA ? `${p.name} (TA)` : `${p.name} (student)`);
    o.value = p.id;
    who.append(o);
  }
  who.value = me.id;
  who.addEventListener('change', () => setMe(PEOPLE.find((p) => p.id === who.value) ?? PEOPLE[0]));
  setMe(me);
}

function connect() {
  const status = $('status');
  const es = new EventSource(`/api/events?channel=${encodeURIComponent(channel)}`);
  es.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'status live';
  });
  es.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.className = 'status down';
  });
  es.addEventListener('message', (e) => upsert(JSON.parse(e.data)));
}

async function main() {
  document.title = `#${channel} · gradbot playground`;
  $('channel-name').textContent = channel;
  $('welcome-channel').textContent = channel;
  for (const a of document.querySelectorAll('#channels a')) {
    if (new URL(a.href).searchParams.get('channel') === channel) a.setAttribute('aria-current', 'page');
  }
  setupWho();
  const composer = setupComposer({ form: $('composer'), input, popup: $('popup'), list: $('suggest'), hint: $('hint'), onSend: send });
  connect();
  try {
    const res = await fetch('/api/commands');
    composer.setCommands((await res.json()).commands);
  } catch {
    localNote('Could not load the command list; is the server running?');
  }
  input.focus();
  document.body.dataset.ready = 'true';
}

main();

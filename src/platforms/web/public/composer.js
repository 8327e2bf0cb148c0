// The message box: `/` completion of command names, option keys and choices,
// and a line of inline help for the option being typed, all generated from
// the commands' schemas (GET /api/commands). Up and Down recall earlier lines.

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function optionOf(cmd, key) {
  const k = key.toLowerCase();
  return cmd.options.find((o) => o.name === k) ?? cmd.options.find((o) => o.name === k.replace(/\d+$/, '') && /\d$/.test(k)) ?? null;
}

/** What the caret is in: a command name, an option key, or an option's value. */
export function analyse(value, byName) {
  const name = /^\/([\w-]*)$/.exec(value);
  if (name) return { kind: 'command', prefix: name[1].toLowerCase() };
  const line = /^\/([\w-]+)\s+([\s\S]*)$/.exec(value);
  if (!line) return { kind: value.startsWith('/') ? 'command' : 'text', prefix: '' };
  const cmd = byName.get(line[1].toLowerCase());
  if (!cmd) return { kind: 'unknown', name: line[1] };
  const rest = line[2];
  const token = /\S*$/.exec(rest)[0];
  const tokenStart = value.length - token.length;
  const used = new Set([...rest.matchAll(/([A-Za-z_]\w*)\s*[=:]/g)].map((m) => optionOf(cmd, m[1])?.name).filter(Boolean));
  const eq = /^([A-Za-z_]\w*)[=:](.*)$/.exec(token);
  if (eq) return { kind: 'value', cmd, opt: optionOf(cmd, eq[1]), key: eq[1], prefix: eq[2].toLowerCase(), tokenStart, used };
  return { kind: 'option', cmd, opt: null, prefix: token.toLowerCase(), tokenStart, used };
}

function suggestions(a, value, commands) {
  if (a.kind === 'command') {
    const starts = commands.filter((c) => c.name.startsWith(a.prefix));
    const contains = commands.filter((c) => !c.name.startsWith(a.prefix) && c.name.includes(a.prefix));
    return [...starts, ...contains]
      .filter((c) => c.name !== a.prefix)
      .map((c) => ({ value: `/${c.name} `, label: `/${c.name}`, detail: c.description, badge: c.taOnly ? 'TA' : '' }));
  }
  if (a.kind === 'option') {
    return a.cmd.options
      .filter((o) => !a.used.has(o.name) && o.name.startsWith(a.prefix))
      .map((o) => ({ value: `${value.slice(0, a.tokenStart)}${o.name}=`, label: `${o.name}=`, detail: o.description, badge: '' }));
  }
  if (a.kind === 'value' && a.opt) {
    const words = [...(a.opt.choices ?? []), ...(a.opt.words ?? [])];
    return words
      .filter((w) => w.startsWith(a.prefix) && w !== a.prefix)
      .map((w) => ({ value: `${value.slice(0, a.tokenStart)}${a.key}=${w} `, label: `${a.key}=${w}`, detail: '', badge: '' }));
  }
  return [];
}

function defaultText(o) {
  if (o.default === undefined) return '';
  return `; default ${Array.isArray(o.default) ? o.default.join(',') : String(o.default)}`;
}

function drawHint(hint, a) {
  hint.replaceChildren();
  if (a.kind === 'command') {
    hint.append(el('span', 'muted', '↑ ↓ choose · Tab completes · Enter sends · Esc closes'));
    return;
  }
  if (a.kind === 'unknown') {
    hint.append(el('span', 'muted', `There is no /${a.name}; type / to see the commands.`));
    return;
  }
  if (a.kind === 'text') return;
  const head = el('div', 'hint-head');
  head.append(el('strong', null, `/${a.cmd.name}`), document.createTextNode(` ${a.cmd.description}`));
  if (a.cmd.taOnly) head.append(' ', el('span', 'badge', 'TA only'));
  hint.append(head);
  if (a.cmd.options.length === 0) {
    hint.append(el('div', 'muted', 'No options: press Enter.'));
    return;
  }
  const chips = el('div', 'chips');
  for (const o of a.cmd.options) {
    const chip = el('code', 'chip', `${o.name}=`);
    if (a.used.has(o.name)) chip.classList.add('used');
    if (a.opt && a.opt.name === o.name) chip.classList.add('current');
    chips.append(chip);
  }
  hint.append(chips);
  if (a.kind === 'value') {
    const line = el('div', 'hint-opt');
    if (a.opt) {
      line.append(el('code', null, a.opt.name), document.createTextNode(` ${a.opt.description}: ${a.opt.allowed}${defaultText(a.opt)}`));
      if (a.opt.example) line.append(document.createTextNode(', e.g. '), el('code', null, `${a.opt.name}=${a.opt.example}`));
    } else {
      line.append(document.createTextNode(`/${a.cmd.name} has no option `), el('code', null, a.key), document.createTextNode('.'));
      line.classList.add('warn');
    }
    hint.append(line);
  }
}

export function setupComposer({ form, input, popup, list, hint, onSend }) {
  let commands = [];
  let byName = new Map();
  let items = [];
  let active = -1;
  const history = [];
  let back = 0;
  let draft = '';

  function close() {
    popup.hidden = true;
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', `sugg-${i}`);
      list.children[i]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function accept(i) {
    const item = items[i];
    if (!item) return;
    input.value = item.value;
    input.setSelectionRange(input.value.length, input.value.length);
    update();
  }

  function update() {
    const value = input.value.slice(0, input.selectionStart ?? input.value.length);
    const a = analyse(value, byName);
    drawHint(hint, a);
    items = suggestions(a, value, commands);
    list.replaceChildren();
    if (items.length === 0) return close();
    items.forEach((item, i) => {
      const li = el('li', 'sugg');
      li.id = `sugg-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.append(el('span', 'sugg-label', item.label));
      if (item.badge) li.append(el('span', 'badge', item.badge));
      if (item.detail) li.append(el('span', 'sugg-detail', item.detail));
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        accept(i);
      });
      list.append(li);
    });
    popup.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    // A typed command prefix completes on Enter; options only when chosen with the arrows.
    highlight(a.kind === 'command' && !byName.has(a.prefix) ? 0 : -1);
  }

  function send() {
    const line = input.value.trim();
    if (line === '') return;
    if (history[history.length - 1] !== line) history.push(line);
    back = 0;
    input.value = '';
    close();
    drawHint(hint, { kind: 'text' });
    onSend(line);
  }

  function recall(step) {
    if (history.length === 0) return;
    if (back === 0) draft = input.value;
    back = Math.min(history.length, Math.max(0, back + step));
    input.value = back === 0 ? draft : history[history.length - back];
    input.setSelectionRange(input.value.length, input.value.length);
    drawHint(hint, analyse(input.value, byName));
  }

  input.addEventListener('input', update);
  input.addEventListener('focus', update);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    const open = !popup.hidden && items.length > 0;
    if (e.key === 'ArrowDown' && open) {
      e.preventDefault();
      highlight((active + 1) % items.length);
    } else if (e.key === 'ArrowUp' && open) {
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      recall(1);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      recall(-1);
    } else if (e.key === 'Tab' && open) {
      e.preventDefault();
      accept(active >= 0 ? active : 0);
    } else if (e.key === 'Enter' && open && active >= 0) {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      close();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });

  return {
    setCommands(list) {
      commands = list;
      byName = new Map(list.map((c) => [c.name, c]));
      if (document.activeElement === input) update();
    },
  };
}

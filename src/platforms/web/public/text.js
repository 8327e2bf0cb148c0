// The bot's markdown-ish text as DOM nodes. Nothing is ever parsed as HTML:
// every piece of text becomes a text node, so user input echoed by the bot
// cannot inject markup. Supported: ```code blocks```, `code`, **bold**, line breaks.

const INLINE = /(`[^`\n]+`)|\*\*([^\n]+?)\*\*/g;

function inline(text, parent) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    if (m[1]) {
      const code = document.createElement('code');
      code.textContent = m[1].slice(1, -1);
      parent.append(code);
    } else {
      const strong = document.createElement('strong');
      inline(m[2], strong);
      parent.append(strong);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

/** Appends the rendered text to parent (an element with white-space: pre-wrap). */
export function renderText(text, parent) {
  const parts = text.split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1 && i < parts.length - 1) {
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.textContent = part.replace(/^[a-z]*\n/, '').replace(/\n$/, '');
      pre.append(code);
      parent.append(pre);
    } else {
      const chunk = i % 2 === 1 ? '```' + part : part;
      inline(i > 0 ? chunk.replace(/^\n/, '') : chunk, parent);
    }
  });
}

// Copy buttons: every [data-copy] button copies the code of the .copyable block it sits in
// (its <code>, or its <pre>), and says so for a moment. One listener for the whole page,
// so blocks added later (code in a rendered answer) need nothing more than the button.

const SHOWN_MS = 1600;

async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API here (an insecure context, a refused permission): the old way, from
    // a selection, which a user gesture allows.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand('copy');
    } catch {
      done = false;
    }
    area.remove();
    return done;
  }
}

/** The text a copy button copies: its block's code, without the drawn line numbers. */
export function codeOf(button) {
  const block = button.closest('.copyable');
  const code = block?.querySelector('code') ?? block?.querySelector('pre');
  return code?.textContent ?? '';
}

/**
 * Makes every [data-copy] button under `root` work. `label(key)` gives the button's texts
 * in the language showing ('copy', 'copied', 'copyFailed').
 */
export function enableCopyButtons(root, label) {
  root.addEventListener('click', async (event) => {
    const button = event.target.closest?.('[data-copy]');
    if (!button) return;
    event.preventDefault();
    const copied = await writeClipboard(codeOf(button));
    button.dataset.copied = copied ? 'yes' : 'no';
    button.textContent = label(copied ? 'copied' : 'copyFailed');
    clearTimeout(Number(button.dataset.copyTimer));
    button.dataset.copyTimer = String(setTimeout(() => {
      delete button.dataset.copied;
      button.textContent = label('copy');
    }, SHOWN_MS));
  });
}

/** A copy button for a block made at run time (the code blocks of a rendered answer). */
export function makeCopyButton(text) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  button.dataset.copy = '';
  button.textContent = text;
  return button;
}

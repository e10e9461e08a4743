// Light, dark, or whatever the system says (the default): the visitor's choice is kept in
// localStorage and set as html[data-theme] (tokens.css has both palettes). boot.js applies
// a stored choice before the first paint; this module owns the switch.

const STORAGE_KEY = 'trickle.theme';
const CHOICES = ['auto', 'light', 'dark'];

function stored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return CHOICES.includes(value) ? value : 'auto';
  } catch {
    return 'auto';
  }
}

function apply(choice) {
  if (choice === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** The scheme showing now: 'light' or 'dark'. */
export function currentScheme() {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Wires the radio buttons (name="theme") under `root`; `onChange()` runs whenever the
 * scheme showing may have changed (a choice, or the system's setting under 'auto').
 */
export function setupTheme(root, onChange) {
  const choice = stored();
  apply(choice);
  const radios = [...root.querySelectorAll('input[name="theme"]')];
  for (const radio of radios) {
    radio.checked = radio.value === choice;
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      apply(radio.value);
      try {
        localStorage.setItem(STORAGE_KEY, radio.value);
      } catch {
        // Storage refused (file://, private modes): the choice lasts for this visit.
      }
      onChange();
    });
  }
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', onChange);
}

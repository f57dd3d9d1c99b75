/**
 * HTML built safely: every value interpolated into an `html` template is escaped unless it is already `Html` (made
 * by this template, or `raw` from the app's own constants). A report's text, a unit's name, an error message — all
 * reach the page as text, never as markup.
 */

/** Markup this module vouches for. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value as string | number | boolean));
}

/** The tagged template: `html\`<td>${unit}</td>\`` escapes `unit`; arrays of Html are joined; false/null vanish. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new Html(out);
}

/** The app's own markup, from a constant: never pass anything a user wrote. */
export function raw(markup: string): Html {
  return new Html(markup);
}

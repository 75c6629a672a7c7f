// nunjucks errors → TsdbtError('template') with file, line and column (1-based).
import { didYouMean, TsdbtError, type ErrorLocation } from '../errors.js';
import { macroTrace, RETURN_OUTSIDE_MACRO, ReturnSignal, type NjTemplateError } from './jinja-compat.js';
import { firstWord, LineIndex, scanTemplate } from './scanner.js';

const BLOCKS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'test', 'snapshot', 'materialization', 'docs', 'with', 'autoescape']);

export interface ErrorInput {
  file: string;
  /** Normalised template source, when the error belongs to a template being compiled/rendered. */
  src?: string | undefined;
  phase: 'compile' | 'render' | 'call';
  /** Names visible to templates, for "did you mean" hints. */
  names?: () => Iterable<string>;
}

function isTemplateError(e: unknown): e is NjTemplateError {
  return e instanceof Error && e.name === 'Template render error' && 'lineno' in e;
}

/** Set a location on a TsdbtError that has none (the field is readonly for consumers only). */
export function withLocation(e: TsdbtError, loc: ErrorLocation): TsdbtError {
  if (!e.location) (e as { location: ErrorLocation | undefined }).location = loc;
  return e;
}

export function toTemplateError(e: unknown, input: ErrorInput): TsdbtError {
  const { file, src } = input;
  const trace = typeof e === 'object' && e !== null ? macroTrace.get(e) : undefined;
  let cause: unknown = e;
  let line: number | undefined;
  let column: number | undefined;
  if (isTemplateError(e)) {
    cause = e.cause ?? e;
    if (typeof e.lineno === 'number') {
      // Parser errors are 1-based; runtime positions (handleError) are 0-based node positions.
      const zeroBased = input.phase === 'render';
      line = e.lineno + (zeroBased ? 1 : 0);
      column = typeof e.colno === 'number' ? e.colno + (zeroBased ? 1 : 0) : undefined;
      if (zeroBased && src !== undefined && column !== undefined) column = callStart(src, line, column);
    }
  }
  const innerTrace = typeof cause === 'object' && cause !== null && cause !== e ? macroTrace.get(cause) : undefined;
  const macros = innerTrace ?? trace;
  const macroHint = macros && macros.length > 0 ? `in macro ${macros.join(', called from ')}` : undefined;

  if (cause instanceof TsdbtError) {
    // Unchanged, except that an unlocated error gets this template's position (and macro chain).
    if (!cause.location) {
      withLocation(cause, { file, line, column });
      if (macroHint && !cause.hint) (cause as { hint: string | undefined }).hint = macroHint;
    }
    return cause;
  }
  if (cause instanceof ReturnSignal || (cause instanceof Error && cause.message === RETURN_OUTSIDE_MACRO)) {
    return new TsdbtError('template', 'return() can only be used inside a macro', { location: { file, line, column } });
  }
  let message = cause instanceof Error ? cause.message : String(cause);
  message = message.replace(/^(Error|TypeError|ReferenceError|RangeError): /, '').replace(/^(parse\w*|compile\w*|assertType): /, '');
  let hint = macroHint;

  const unable = /^Unable to call `([^`]+)`, which is (undefined or falsey|not a function)/.exec(message);
  if (unable) {
    const name = unable[1] as string;
    message = unable[2] === 'not a function' ? `\`${name}\` is not a function` : `\`${name}\` is undefined (not a macro, variable or built-in)`;
    const dym = input.names && !name.includes('"') ? didYouMean(name, input.names()) : undefined;
    hint = [dym, macroHint].filter(Boolean).join('; ') || undefined;
  }
  const missing = /^(filter|test) not found: (\w+)/.exec(message);
  if (missing && src !== undefined) {
    const re = missing[1] === 'filter' ? new RegExp(`\\|\\s*${missing[2]}\\b`) : new RegExp(`\\bis\\s+(not\\s+)?${missing[2]}\\b`);
    const m = re.exec(src);
    if (m) ({ line, column } = new LineIndex(src).position(m.index + (missing[1] === 'filter' ? m[0].length - (missing[2] as string).length : 0)));
    message = `unknown ${missing[1]} \`${missing[2]}\``;
  }
  if (input.phase === 'compile' && src !== undefined && (line === undefined || /end of file|unknown block tag: end/.test(message))) {
    const d = diagnose(src);
    if (d) {
      message = d.message;
      ({ line, column } = d);
    } else if (line === undefined) {
      line = src.split('\n').length;
    }
  }
  if (input.phase === 'compile' && /^unknown block tag/.test(message)) message = message.replace('unknown block tag', 'unknown tag');
  return new TsdbtError('template', message, { location: { file, line, column }, hint, cause: cause instanceof Error ? cause : undefined });
}

/** Move a call's column from its `(` (where nunjucks records it) to the callee's name. */
function callStart(src: string, line: number, column: number): number {
  const lineStart = nthLineStart(src, line);
  if (lineStart < 0) return column;
  let i = lineStart + column - 1;
  if (src[i] !== '(') return column;
  i--;
  while (i >= lineStart && (src[i] === ' ' || src[i] === '\t')) i--;
  let j = i;
  while (j >= lineStart && /[A-Za-z0-9_.]/.test(src[j] as string)) j--;
  return j < i ? j + 1 - lineStart + 1 : column;
}

function nthLineStart(src: string, line: number): number {
  let pos = 0;
  for (let l = 1; l < line; l++) {
    pos = src.indexOf('\n', pos);
    if (pos < 0) return -1;
    pos++;
  }
  return pos;
}

/** Find an unterminated tag/string/comment or an unclosed/mismatched block, with its position. */
export function diagnose(src: string): { message: string; line: number; column: number } | undefined {
  const scan = scanTemplate(src);
  const lines = new LineIndex(src);
  if (scan.error) return { message: scan.error.message, ...lines.position(scan.error.pos) };
  const stack: Array<{ name: string; pos: number }> = [];
  for (const tag of scan.tags) {
    if (tag.kind !== 'stmt') continue;
    const word = firstWord(src, tag.codeStart, tag.codeEnd);
    const code = src.slice(tag.codeStart, tag.codeEnd);
    if (BLOCKS.has(word) || (word === 'set' && !/[^=!<>]=(?!=)/.test(code))) {
      stack.push({ name: word, pos: tag.start });
    } else if (word === 'raw' || word === 'verbatim') {
      continue; // the scanner already paired raw blocks
    } else if (word.startsWith('end') && word !== 'endraw' && word !== 'endverbatim') {
      const open = stack.pop();
      const want = word.slice(3);
      if (!open) return { message: `\`{% ${word} %}\` has no matching \`{% ${want} %}\``, ...lines.position(tag.start) };
      if (open.name !== want) {
        const at = lines.position(open.pos);
        return { message: `\`{% ${word} %}\` found where \`{% end${open.name} %}\` was expected (for the \`{% ${open.name} %}\` at line ${at.line})`, ...lines.position(tag.start) };
      }
    }
  }
  const open = stack.pop();
  if (open) return { message: `unclosed \`{% ${open.name} %}\`: expected \`{% end${open.name} %}\` before the end of the file`, ...lines.position(open.pos) };
  return undefined;
}

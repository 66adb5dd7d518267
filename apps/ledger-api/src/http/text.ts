/**
 * Characters no text from outside may carry, wherever it arrives (body, query, path).
 *
 * - NUL and unpaired UTF-16 surrogates: PostgreSQL refuses both in `jsonb` and `text`, so an
 *   unchecked one became a 500 (issue 9).
 * - Other C0 controls (except tab, line feed and carriage return, which prose may hold), DEL
 *   and the C1 controls: invisible in a registry entry, and some of them steer terminals.
 * - The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
 *   make a name read differently from what is stored (Trojan Source, CVE-2021-42574).
 *
 * Single-line texts (names, numbers, addresses) refuse tab and line breaks too: `IsText`.
 */

/** The first character `text` may not carry and why, or undefined when it is clean. */
export function forbiddenCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit === 0) return 'must not contain the NUL character (U+0000)';
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
      return `must be valid Unicode: unpaired surrogate ${codePoint(unit)}`;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return `must be valid Unicode: unpaired surrogate ${codePoint(unit)}`;
    }
    if (isControl(unit)) return `must not contain control characters (${codePoint(unit)})`;
    if (isBidiControl(unit)) {
      return `must not contain bidirectional override characters (${codePoint(unit)})`;
    }
  }
  return undefined;
}

/** Tab, line feed or carriage return: refused in a single-line text, with its code point. */
export function lineBreakOrTab(text: string): string | undefined {
  const match = /[\t\n\r]/.exec(text);
  return match
    ? `must be on one line, without tabs (${codePoint(match[0].charCodeAt(0))})`
    : undefined;
}

/** C0 (but tab, LF, CR), DEL, C1. */
function isControl(unit: number): boolean {
  return (
    (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) ||
    (unit >= 0x7f && unit <= 0x9f)
  );
}

/** LRE, RLE, PDF, LRO, RLO (U+202A–U+202E) and LRI, RLI, FSI, PDI (U+2066–U+2069). */
function isBidiControl(unit: number): boolean {
  return (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069);
}

function codePoint(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Every string in a parsed query (`q`, `page`, `a[b]`, repeated keys as arrays), with its
 * name: what `forbiddenCharacter` says of each, as `<name>: <problem>`.
 */
export function queryProblems(query: unknown, path = ''): string[] {
  if (typeof query === 'string') {
    const problem = forbiddenCharacter(query);
    return problem ? [`${path || 'query'}: ${problem}`] : [];
  }
  if (typeof query !== 'object' || query === null) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const keyProblem = forbiddenCharacter(key);
    if (keyProblem) {
      problems.push(`${path || 'query'}: a parameter name ${keyProblem}`);
      continue;
    }
    problems.push(...queryProblems(value, path ? `${path}.${key}` : key));
  }
  return problems;
}

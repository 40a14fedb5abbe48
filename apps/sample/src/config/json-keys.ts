/** Keys that would reach an object's prototype, or be mistaken for one of its members. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Problems reported at most: a body of one key repeated 10,000 times needs one line, not all. */
const MAX_PROBLEMS = 10;
/** The longest path named: deep nesting keeps only its innermost part (memory stays linear). */
const MAX_PATH = 200;

interface Container {
  /** The keys seen so far (an object), or null (an array). */
  keys: Set<string> | null;
  path: string;
  expectKey: boolean;
  lastKey: string;
  index: number;
}

/**
 * What JSON.parse hides in a valid JSON `text`: a key given twice in one object (it keeps the
 * last silently) and keys such as `__proto__`. Each problem names the key by its dotted path
 * (its last MAX_PATH characters), never a value; at most MAX_PROBLEMS are reported. A key that is
 * not valid JSON ends the scan: JSON.parse refuses the text itself.
 */
export function jsonKeyProblems(text: string, { forbiddenKeys = true } = {}): string[] {
  const problems: string[] = [];
  const stack: Container[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    const top = stack.at(-1);
    if (char === '{' || char === '[') {
      const path = top ? childPath(top) : '';
      stack.push({
        keys: char === '{' ? new Set() : null,
        path,
        expectKey: true,
        lastKey: '',
        index: 0,
      });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top) {
      top.expectKey = true;
      top.index += 1;
    } else if (char === ':' && top) {
      top.expectKey = false;
    } else if (char === '"') {
      let end = i + 1;
      // Bounded: the text may not be JSON at all (a request body is checked before it is parsed).
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) break;
      if (top?.keys && top.expectKey) {
        const key = parseKey(text.slice(i, end + 1));
        if (key === undefined) break;
        const path = capped(top.path ? `${top.path}.${key}` : key);
        if (forbiddenKeys && FORBIDDEN_KEYS.has(key)) problems.push(`key "${path}" is not allowed`);
        else if (top.keys.has(key)) problems.push(`key "${path}" is given twice`);
        if (problems.length >= MAX_PROBLEMS) break;
        top.keys.add(key);
        top.lastKey = key;
      }
      i = end;
    }
  }
  return problems;
}

function parseKey(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

function capped(path: string): string {
  return path.length > MAX_PATH ? `...${path.slice(-MAX_PATH)}` : path;
}

function childPath(parent: Container): string {
  if (parent.keys === null) return capped(`${parent.path}[${parent.index}]`);
  return capped(parent.path ? `${parent.path}.${parent.lastKey}` : parent.lastKey);
}

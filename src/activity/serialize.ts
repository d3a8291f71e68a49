/**
 * Limits applied when activity details are made storable.
 *
 * @example
 * ```ts
 * const limits: SerializeLimits = { maxBytes: 16_384, maxStringLength: 1024 };
 * ```
 */
export interface SerializeLimits {
  /** Largest serialized details, in UTF-8 bytes; bigger ones are replaced by a marked preview. Defaults to `65536`. */
  maxBytes?: number;
  /** Longest kept string, in UTF-16 units; longer ones are cut and marked. Defaults to `8192`. */
  maxStringLength?: number;
  /** Deepest nesting kept; deeper values become `'[Depth limit]'`. Defaults to `16`. */
  maxDepth?: number;
  /** Most values visited; the rest become `'[Truncated]'`. Defaults to `5000`. */
  maxValues?: number;
}

/**
 * Key of the object that replaces details too large to store: `{ "$truncated": "...", "bytes": n, "preview": "..." }`.
 *
 * @example
 * ```ts
 * if (entry.details?.[TRUNCATED_KEY]) showWarning();
 * ```
 */
export const TRUNCATED_KEY = '$truncated';

interface Walk {
  readonly maxStringLength: number;
  readonly maxDepth: number;
  values: number;
  chars: number;
  readonly ancestors: object[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes a string storable everywhere: PostgreSQL rejects NUL and unpaired surrogates in `text` and `jsonb`,
 * which would make a whole batch fail on every retry.
 *
 * @example
 * ```ts
 * storableString('a\u0000b'); // 'a\uFFFDb'
 * ```
 */
export function storableString(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Cuts a string to `max` UTF-16 units without splitting a surrogate pair, adding a visible marker.
 *
 * @example
 * ```ts
 * truncateString('x'.repeat(10), 4); // 'xxxx…[truncated 6 chars]'
 * ```
 */
export function truncateString(value: string, max: number): string {
  if (value.length <= max) return value;
  const code = value.charCodeAt(max - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
  return `${value.slice(0, cut)}…[truncated ${value.length - cut} chars]`;
}

const exhausted = (state: Walk): boolean => state.values <= 0 || state.chars < 0;

function walkObject(value: object, depth: number, state: Walk): unknown {
  if (value instanceof Error) {
    // Never the stack: it leaks file paths and is not what a support timeline needs.
    return { name: walk(value.name, depth + 1, state), message: walk(value.message, depth + 1, state) };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `[${value.constructor.name} ${value.byteLength} bytes]`;
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function')
    return walk((withToJson.toJSON as () => unknown).call(value), depth + 1, state);
  if (value instanceof Map) return walk([...value.entries()], depth + 1, state);
  if (value instanceof Set) return walk([...value.values()], depth + 1, state);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value as unknown[]) {
      if (exhausted(state)) {
        items.push(`[Truncated: ${value.length - items.length} more items]`);
        break;
      }
      items.push(walk(item, depth + 1, state) ?? null);
    }
    return items;
  }
  // A null prototype makes a `__proto__` key an ordinary property instead of a prototype change.
  const out = Object.create(null) as Record<string, unknown>;
  const keys = Object.keys(value);
  for (const [index, key] of keys.entries()) {
    if (exhausted(state)) {
      out['[truncated]'] = `${keys.length - index} more keys`;
      break;
    }
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      item = '[Unreadable]';
    }
    const safe = walk(item, depth + 1, state);
    state.chars -= key.length;
    if (safe !== undefined) out[storableString(truncateString(key, state.maxStringLength))] = safe;
  }
  return out;
}

function walk(value: unknown, depth: number, state: Walk): unknown {
  if (exhausted(state)) return '[Truncated]';
  state.values--;
  switch (typeof value) {
    case 'string': {
      const kept = truncateString(value, state.maxStringLength);
      state.chars -= kept.length;
      return storableString(kept);
    }
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
      return storableString(`[Function ${value.name || 'anonymous'}]`);
    case 'symbol':
      return storableString(value.toString());
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (state.ancestors.includes(object)) return '[Circular]';
  if (depth >= state.maxDepth) return '[Depth limit]';
  state.ancestors.push(object);
  try {
    return walkObject(object, depth, state);
  } catch {
    // Proxies, throwing toJSON methods and exotic objects end here instead of in the caller.
    return '[Unserializable]';
  } finally {
    state.ancestors.pop();
  }
}

/**
 * Turns any value into plain JSON data: circular references, BigInt, functions, symbols, errors (without
 * stack), throwing getters and huge strings are replaced or cut with a visible marker. Never throws.
 *
 * @example
 * ```ts
 * const a: Record<string, unknown> = { n: 10n };
 * a.self = a;
 * toJsonSafe(a); // { n: '10', self: '[Circular]' }
 * ```
 */
export function toJsonSafe(value: unknown, limits: SerializeLimits = {}): unknown {
  const maxBytes = limits.maxBytes ?? 65_536;
  const state: Walk = {
    maxStringLength: limits.maxStringLength ?? 8192,
    maxDepth: limits.maxDepth ?? 16,
    values: limits.maxValues ?? 5000,
    // Strings are counted while walking so a huge object stops early instead of building megabytes first.
    chars: maxBytes * 2,
    ancestors: [],
  };
  return walk(value, 0, state);
}

/**
 * Serializes activity details to a JSON string of at most `maxBytes` UTF-8 bytes, or `null` for
 * `undefined`/`null`. Whatever goes in, the result parses with `JSON.parse` and is accepted by
 * PostgreSQL `jsonb`. Oversized details become `{ "$truncated": "...", "bytes": n, "preview": "..." }`.
 *
 * @example
 * ```ts
 * serializeDetails({ file: 'a.pdf', size: 10n }); // '{"file":"a.pdf","size":"10"}'
 * ```
 */
export function serializeDetails(details: unknown, limits: SerializeLimits = {}): string | null {
  const maxBytes = limits.maxBytes ?? 65_536;
  const safe = toJsonSafe(details, limits);
  if (safe === undefined || safe === null) return null;
  const json = JSON.stringify(safe);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= maxBytes) return json;
  let previewLength = Math.floor(maxBytes / 2);
  for (;;) {
    const preview = storableString(json.slice(0, previewLength));
    const marked = JSON.stringify({ [TRUNCATED_KEY]: `details exceeded ${maxBytes} bytes`, bytes, preview });
    if (Buffer.byteLength(marked, 'utf8') <= maxBytes || previewLength === 0) return marked;
    previewLength = Math.floor(previewLength / 2);
  }
}

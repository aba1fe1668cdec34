/** Plain-text tables for people; scripts use --json. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function lines(pairs: Array<[string, string | number | null | undefined]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${(k + ':').padEnd(w + 1)} ${v === null || v === undefined ? '-' : v}`).join('\n');
}

/**
 * A key as people read it: its name and its full id, `Name (sha256:<64 hex>)`
 * (docs/cli.md, "Keys in text output"). Never a shortened id: two keys'
 * ids can share their first digits, and the full one is what can be copied
 * into KEY.
 */
export function identity(name: string | null | undefined, id: string): string {
  return name ? `${name} (${id})` : id;
}

/** The identities of `ids` in that order, named from `keys` where it knows them. */
export function identities(ids: readonly string[], keys: ReadonlyArray<{ id: string; name: string }>): string {
  const names = new Map(keys.map((k) => [k.id, k.name]));
  return ids.map((id) => identity(names.get(id), id)).join(', ');
}

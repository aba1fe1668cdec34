/**
 * Removable volumes on macOS: `diskutil list -plist external physical` names
 * the external disks and their mounted partitions; `diskutil info -plist ID`
 * gives each volume's file system, size and free space. Written and tested
 * on recorded output only.
 */

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | { [k: string]: PlistValue };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(parseInt(e.slice(1), 10)) : (ENTITIES[e] ?? ''),
  );
}

/** A small parser for Apple's XML property lists (the subset diskutil prints); null when malformed. */
export function parsePlist(xml: string): PlistValue | null {
  const tokens = xml.replace(/<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->/g, '').match(/<[^>]+>|[^<]+/g) ?? [];
  let i = 0;
  const next = (): string | undefined => {
    while (i < tokens.length && /^\s*$/.test(tokens[i] as string)) i++;
    return tokens[i++];
  };
  const textUntil = (close: string): string => {
    let s = '';
    while (i < tokens.length && tokens[i] !== close) s += tokens[i++];
    if (tokens[i] !== close) throw new Error(`missing ${close}`);
    i++;
    return unescapeXml(s);
  };
  const value = (tok: string | undefined): PlistValue => {
    switch (tok) {
      case '<string>':
        return textUntil('</string>');
      case '<string/>':
        return '';
      case '<integer>':
      case '<real>': {
        const n = Number(textUntil(tok === '<integer>' ? '</integer>' : '</real>').trim());
        if (!Number.isFinite(n)) throw new Error('bad number');
        return n;
      }
      case '<true/>':
        return true;
      case '<false/>':
        return false;
      case '<date>':
        return new Date(textUntil('</date>').trim());
      case '<data>':
        return new Uint8Array(Buffer.from(textUntil('</data>').replace(/\s/g, ''), 'base64'));
      case '<array/>':
        return [];
      case '<dict/>':
        return {};
      case '<array>': {
        const arr: PlistValue[] = [];
        for (let t = next(); t !== '</array>'; t = next()) {
          if (t === undefined) throw new Error('unterminated array');
          arr.push(value(t));
        }
        return arr;
      }
      case '<dict>': {
        const d: { [k: string]: PlistValue } = {};
        for (let t = next(); t !== '</dict>'; t = next()) {
          if (t !== '<key>') throw new Error('expected key');
          const k = textUntil('</key>');
          d[k] = value(next());
        }
        return d;
      }
      default:
        throw new Error(`unexpected ${tok ?? 'end'}`);
    }
  };
  try {
    if (next() !== '<plist version="1.0">') return null;
    const v = value(next());
    if (next() !== '</plist>') return null;
    return v;
  } catch {
    return null;
  }
}

function dict(v: PlistValue | undefined): { [k: string]: PlistValue } | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) ? v : null;
}

/** Device identifiers of mounted volumes on external physical disks, from `diskutil list -plist external physical`. */
export function mountedIdsFromList(xml: string): string[] {
  const root = dict(parsePlist(xml) ?? undefined);
  const disks = root?.['AllDisksAndPartitions'];
  if (!Array.isArray(disks)) return [];
  const ids: string[] = [];
  const take = (v: PlistValue): void => {
    const d = dict(v);
    if (!d) return;
    if (typeof d['DeviceIdentifier'] === 'string' && typeof d['MountPoint'] === 'string' && d['MountPoint'] !== '') ids.push(d['DeviceIdentifier']);
    for (const key of ['Partitions', 'APFSVolumes']) {
      const kids = d[key];
      if (Array.isArray(kids)) kids.forEach(take);
    }
  };
  disks.forEach(take);
  return ids;
}

export interface MacVolume {
  device: string;
  mountpoint: string;
  label: string | null;
  fsType: string | null;
  freeBytes: number | null;
  totalBytes: number | null;
}

/** One volume from `diskutil info -plist ID`, or null when it is internal, a system volume or not mounted. */
export function volumeFromInfo(xml: string): MacVolume | null {
  const d = dict(parsePlist(xml) ?? undefined);
  if (!d) return null;
  const mp = d['MountPoint'];
  if (typeof mp !== 'string' || mp === '' || mp === '/' || mp.startsWith('/System/')) return null;
  if (d['Internal'] === true && d['BusProtocol'] !== 'USB') return null;
  const n = (k: string): number | null => (typeof d[k] === 'number' ? (d[k] as number) : null);
  const s = (k: string): string | null => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : null);
  return {
    device: s('DeviceNode') ?? `/dev/${s('DeviceIdentifier') ?? ''}`,
    mountpoint: mp,
    label: s('VolumeName'),
    fsType: s('FilesystemType') ?? s('FilesystemName'),
    freeBytes: n('FreeSpace') ?? n('APFSContainerFree') ?? n('AvailableSpace'),
    totalBytes: n('TotalSize') ?? n('Size'),
  };
}

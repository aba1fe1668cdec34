/**
 * A medium's identity on macOS (`diskutil info -plist`) and Windows (one
 * PowerShell run of Get-Volume -FilePath and Get-Partition | Get-Disk), from
 * recorded output written after the documented formats (testing/media-testdata;
 * no Mac or Windows runs these tests): label, UUID, serial, "a folder on the
 * workstation's own disk", and "Unknown: …" with the reason when the tool
 * fails, does not answer in time or prints something else. Property tests:
 * no input makes a parser throw or yield a field that is not a string or null.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifyMedium, type IdentityDeps } from './medium-identity.ts';
import { parseDiskutilIdentity } from './medium-identity-macos.ts';
import { parseWindowsIdentity, psQuote, windowsIdentityArgs } from './medium-identity-windows.ts';

const sample = (name: string): Promise<string> => readFile(new URL(`../../testing/media-testdata/${name}`, import.meta.url), 'utf8');

/** A `run` answering from recorded output, and recording what was asked. */
function recorded(platform: NodeJS.Platform, answer: string | Error | 'never', extra: Partial<IdentityDeps> = {}): { deps: IdentityDeps; asked: Array<{ cmd: string; args: readonly string[] }> } {
  const asked: Array<{ cmd: string; args: readonly string[] }> = [];
  return {
    asked,
    deps: {
      platform,
      run: (cmd, args) => {
        asked.push({ cmd, args });
        if (answer === 'never') return new Promise<string>(() => undefined);
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
      ...extra,
    },
  };
}

describe('macOS: diskutil info -plist of the mount point', () => {
  it('records the volume name, the VolumeUUID and the device, and says diskutil gives no serial (naming the drive)', async () => {
    const { deps, asked } = recorded('darwin', await sample('diskutil-info-fleet07.plist'), { mountPointOf: async () => '/Volumes/FLEET-07' });
    expect(await identifyMedium('/Volumes/FLEET-07/airgap-ca-export', deps)).toEqual({
      path: '/Volumes/FLEET-07/airgap-ca-export',
      mountpoint: '/Volumes/FLEET-07',
      device: '/dev/disk4s1',
      fsType: 'msdos',
      label: 'FLEET-07',
      uuid: 'B5C7E9F1-2A3B-3C4D-8E9F-0A1B2C3D4E5F',
      serial: null,
      note: 'diskutil gives no serial for /dev/disk4s1 (SanDisk Cruzer Blade Media).',
    });
    expect(asked).toEqual([{ cmd: 'diskutil', args: ['info', '-plist', '/Volumes/FLEET-07'] }]);
  });

  it('takes a serial where diskutil prints one, DiskUUID when there is no VolumeUUID, and the device node from the identifier', async () => {
    const xml = (await sample('diskutil-info-fleet07.plist'))
      .replace(/\t<key>VolumeUUID<\/key>\n\t<string>[^<]*<\/string>\n/, '')
      .replace(/\t<key>DeviceNode<\/key>\n\t<string>[^<]*<\/string>\n/, '')
      .replace('<key>WholeDisk</key>', '<key>SerialNumber</key>\n\t<string> 4C530001230915117364 </string>\n\t<key>WholeDisk</key>');
    const { deps } = recorded('darwin', xml, { mountPointOf: async () => '/Volumes/FLEET-07' });
    expect(await identifyMedium('/Volumes/FLEET-07', deps)).toMatchObject({ device: '/dev/disk4s1', uuid: '0E2E5B5C-8B1A-4C71-9F0B-7B3C2A1D4E5F', serial: '4C530001230915117364', note: null });
  });

  it("says a folder on the Mac's internal data volume has no label, UUID or serial to record", async () => {
    const { deps } = recorded('darwin', await sample('diskutil-info-data-volume.plist'), { mountPointOf: async () => '/System/Volumes/Data' });
    const id = await identifyMedium('/Users/alice/export', deps);
    expect(id).toMatchObject({ mountpoint: '/System/Volumes/Data', device: null, label: null, uuid: null, serial: null });
    expect(id.note).toBe("A folder on the workstation's own disk (/System/Volumes/Data), not a removable medium: it has no label, UUID or serial to record. Mark it collected once the files are copied off or deleted.");
  });

  it('records "Unknown" with the reason when diskutil fails, prints something else, or does not answer within the time limit', async () => {
    const failing = recorded('darwin', new Error('Could not find disk: /Volumes/GONE\nmore'), { mountPointOf: async () => '/Volumes/GONE' });
    const failed = await identifyMedium('/Volumes/GONE', failing.deps);
    expect(failed).toMatchObject({ mountpoint: null, label: null, uuid: null, serial: null });
    expect(failed.note).toBe('Unknown: diskutil failed (Could not find disk: /Volumes/GONE), so the label, UUID and serial of this medium are not recorded.');
    const garbled = await identifyMedium('/Volumes/X', recorded('darwin', 'Disk /Volumes/X not found', { mountPointOf: async () => '/Volumes/X' }).deps);
    expect(garbled.note).toBe('Unknown: diskutil printed nothing Airgap CA can read for this folder, so the label, UUID and serial of this medium are not recorded.');
    const silent = await identifyMedium('/Volumes/X', recorded('darwin', 'never', { mountPointOf: async () => '/Volumes/X', toolTimeoutMs: 20 }).deps);
    expect(silent.note).toBe('Unknown: diskutil did not answer within 20 ms, so the label, UUID and serial of this medium are not recorded.');
  });
});

describe('Windows: Get-Volume -FilePath, Get-Partition | Get-Disk', () => {
  it('records the label, the volume GUID path and the disk serial (Windows PowerShell 5.1: letters and enums as numbers, the serial padded)', async () => {
    const { deps, asked } = recorded('win32', await sample('powershell-identity-ps51.json'));
    expect(await identifyMedium('E:\\airgap-ca-export', deps)).toEqual({
      path: 'E:\\airgap-ca-export',
      mountpoint: 'E:\\',
      device: '\\\\.\\PhysicalDrive1',
      fsType: 'FAT32',
      label: 'FLEET-07',
      uuid: '\\\\?\\Volume{3f2504e0-4f89-11d3-9a0c-0305e82c3301}\\',
      serial: '4C530001230915117364',
      note: null,
    });
    expect(asked).toEqual([{ cmd: 'powershell.exe', args: windowsIdentityArgs('E:\\airgap-ca-export') }]);
    expect(asked[0]!.args.at(-1)).toContain("Get-Volume -FilePath 'E:\\airgap-ca-export'");
  });

  it("says a folder on the system drive (the disk Windows boots from) has nothing to record; a missing serial is named", async () => {
    const system = await identifyMedium('C:\\Users\\alice\\export', recorded('win32', await sample('powershell-identity-system.json')).deps);
    expect(system).toMatchObject({ mountpoint: 'C:\\', device: null, label: null, uuid: null, serial: null });
    expect(system.note).toContain("A folder on the workstation's own disk (C:\\)");
    const noSerial = (await sample('powershell-identity-ps51.json')).replace('"SerialNumber":"    4C530001230915117364",', '');
    const id = await identifyMedium('E:\\', recorded('win32', noSerial).deps);
    expect(id).toMatchObject({ label: 'FLEET-07', serial: null, note: 'Windows (Get-Volume) gives no serial for \\\\.\\PhysicalDrive1 (SanDisk Cruzer Blade).' });
  });

  it('records "Unknown" when PowerShell fails or prints no volume, and never passes a folder name out of its quotes', async () => {
    const failed = await identifyMedium('F:\\', recorded('win32', new Error('Get-Volume : No MSFT_Volume objects found')).deps);
    expect(failed.note).toBe('Unknown: powershell.exe failed (Get-Volume : No MSFT_Volume objects found), so the label, UUID and serial of this medium are not recorded.');
    expect((await identifyMedium('F:\\', recorded('win32', '{"volume":null}').deps)).note).toContain('Unknown: Windows (Get-Volume) printed nothing Airgap CA can read');
    const args = windowsIdentityArgs("E:\\it's ‘here’; Remove-Item C:\\");
    expect(args.at(-1)).toContain("Get-Volume -FilePath 'E:\\it''s ‘‘here’’; Remove-Item C:\\';");
  });
});

/** PowerShell's reading of a single-quoted literal: any quote character doubled stands for itself; alone, it ends the literal. */
function readPsLiteral(lit: string): { value: string; rest: string } | null {
  const quote = /['\u2018\u2019\u201A\u201B]/;
  if (!quote.test(lit[0] ?? '')) return null;
  let value = '';
  for (let i = 1; i < lit.length; i++) {
    const ch = lit[i]!;
    if (!quote.test(ch)) {
      value += ch;
      continue;
    }
    if (quote.test(lit[i + 1] ?? '')) {
      value += ch;
      i++;
      continue;
    }
    return { value, rest: lit.slice(i + 1) };
  }
  return null;
}

const FIELDS = ['mountpoint', 'device', 'fsType', 'label', 'uuid', 'serial', 'model'] as const;
const stringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

describe('the parsers, for any input', () => {
  const plistish = fc
    .array(fc.oneof(fc.constantFrom('<plist version="1.0">', '</plist>', '<dict>', '</dict>', '<key>', '</key>', '<string>', '</string>', '<true/>', '<false/>', '<integer>', '</integer>', '<array>', '</array>', '<data>', '</data>', '<date>', '</date>', 'VolumeName', 'MountPoint', 'SerialNumber', 'Internal', '/', '&amp;', '&#0;'), fc.string()), { maxLength: 40 })
    .map((parts) => parts.join(''));
  const recordedMac = fc.constantFrom('diskutil-info-fleet07.plist', 'diskutil-info-data-volume.plist', 'diskutil-info-disk4s1.plist');

  it('parseDiskutilIdentity never throws and yields only strings or null (and a boolean internal)', async () => {
    const real = await Promise.all(['diskutil-info-fleet07.plist', 'diskutil-info-data-volume.plist', 'diskutil-info-disk4s1.plist'].map(sample));
    fc.assert(
      fc.property(fc.oneof(fc.string(), plistish, recordedMac.chain((n) => fc.nat({ max: 4000 }).map((cut) => real[['diskutil-info-fleet07.plist', 'diskutil-info-data-volume.plist', 'diskutil-info-disk4s1.plist'].indexOf(n)]!.slice(0, cut)))), (xml) => {
        const id = parseDiskutilIdentity(xml);
        if (id === null) return true;
        return FIELDS.every((k) => stringOrNull(id[k])) && typeof id.internal === 'boolean';
      }),
      { numRuns: 400 },
    );
  });

  it('parseWindowsIdentity never throws and yields only strings or null (and a boolean internal)', () => {
    const doc = fc.record({ volume: fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('DriveLetter', 'FileSystemLabel', 'FileSystem', 'UniqueId', 'Path'), fc.jsonValue())), disk: fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('Number', 'SerialNumber', 'FriendlyName', 'IsBoot', 'IsSystem'), fc.jsonValue())) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), doc.map((d) => JSON.stringify(d))), fc.string({ maxLength: 3 }), (json, drive) => {
        const id = parseWindowsIdentity(json, drive);
        if (id === null) return true;
        return FIELDS.every((k) => stringOrNull(id[k])) && typeof id.internal === 'boolean';
      }),
      { numRuns: 400 },
    );
  });

  it('psQuote gives a literal PowerShell reads back as exactly the folder name, with nothing after it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom("'", '\u2018', '\u2019', '\u201A', '\u201B', '"', '`', '$', ';', '\\'), fc.string({ minLength: 1, maxLength: 1 })) }), (name) => {
        expect(readPsLiteral(psQuote(name))).toEqual({ value: name, rest: '' });
      }),
      { numRuns: 400 },
    );
  });
});

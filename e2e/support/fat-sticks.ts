/**
 * Real FAT volumes mounted through FUSE for the specs that write to media and
 * eject them (the platform's eject is the real fusermount -u): one image and
 * one empty mount point per stick under the test's work folder.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeFatImage, mountFat, type FatMount } from '../../src-main/testing/fat-testkit.ts';

export { holdMedium } from '../../src-main/testing/fat-testkit.ts';

export interface FatStick extends FatMount {
  /** The image file, to mount again (read-only) after an eject. */
  image: string;
}

/** Makes and mounts one FAT stick per name at `<workDir>/<NAME>` (image `<workDir>/<name>.img`, `sizeKiB` each). */
export async function mountFatSticks(workDir: string, names: readonly string[], sizeKiB = 2048): Promise<FatStick[]> {
  const sticks: FatStick[] = [];
  try {
    for (const name of names) {
      const image = join(workDir, `${name.toLowerCase()}.img`);
      const point = join(workDir, name);
      await makeFatImage(image, sizeKiB);
      mkdirSync(point);
      sticks.push(await mountFat(image, point));
    }
  } catch (e) {
    await unmountFatSticks(sticks);
    throw e;
  }
  return sticks;
}

/** Unmounts whatever of the sticks is still mounted (safe after an eject). */
export async function unmountFatSticks(sticks: readonly FatMount[]): Promise<void> {
  for (const s of sticks) await s.cleanup();
}


// electron-builder's afterPack hook, bundled by main/build.mjs to dist/packaging/after-pack.mjs (electron-builder.yml):
// sets Gatehouse's fuses in the packaged Electron binary. It runs after electron-builder embedded app.asar's integrity
// hash and before it signs, so the signature covers the fuses.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AfterPackContext } from 'electron-builder';
import { GATEHOUSE_FUSES, readFuses, setFuses } from './fuses.ts';

/** The part of electron-builder's AfterPackContext this hook reads (executableName is the Linux packager's). */
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** The file that holds the fuse wire: the executable on Linux and Windows, the framework binary on macOS. */
export function electronBinaryOf({ appOutDir, electronPlatformName, packager }: PackContext): string {
  const product = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${product}.app`, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
  }
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${product}.exe`);
  if (!packager.executableName) throw new Error('electron-builder gave no Linux executable name');
  return path.join(appOutDir, packager.executableName);
}

export async function afterPack(context: PackContext | AfterPackContext): Promise<void> {
  const file = electronBinaryOf(context as PackContext);
  const binary = await fs.readFile(file);
  const wires = setFuses(binary, GATEHOUSE_FUSES);
  await fs.writeFile(file, binary);
  console.log(`  • fuses set in ${path.relative(context.appOutDir, file)} (${wires} wire${wires > 1 ? 's' : ''}): ${JSON.stringify(readFuses(binary))}`);
}

export default afterPack;

// The server's command line: `gatehouse serve` on the desktop's data dir, with the ready line as JSON.

export function serverArguments(dataDir: string): string[] {
  return ['serve', '--json', '--data', dataDir];
}

// Splits a child's output stream into lines as chunks arrive (a chunk may end mid-line).

export interface ChunkSource {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

export function onLines(source: ChunkSource, listener: (line: string) => void): void {
  let pending = '';
  source.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') listener(line.replace(/\r$/, ''));
  });
}

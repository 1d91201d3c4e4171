// The installed version of an npm package, in Node (node_modules/<name>/package.json on disk) and in the browser
// bench (the same file, served by bench/browser.ts's Vite dev server from the repository root).
const inNode = typeof document === 'undefined' && typeof process !== 'undefined' && !!process.versions?.node;

export async function pkgVersion(name: string): Promise<string> {
  if (inNode) {
    const { readFileSync } = await import('node:fs');
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  const res = await fetch(`/node_modules/${name}/package.json`);
  return ((await res.json()) as { version: string }).version;
}

// The outer describe of an mlswg vector test: the file's cases, or one skipped test saying the file is not installed
// (mlsVectors() has already printed how to install it), so a missing file is counted, never silently passed.

/**
 * `describe('<file> (mlswg interop vectors)')` around `body(cases)`; when `cases` is undefined (the vectors are not
 * installed) the describe holds a single skipped test naming the file instead.
 * @example describeVectors('treekem.json', await mlsVectors('treekem.json'), (cases) => cases.forEach(…));
 */
export function describeVectors<T>(file: string, cases: T[] | undefined, body: (cases: T[]) => void): void {
  describe(`${file} (mlswg interop vectors)`, () => {
    if (!cases) it.skip(`${file} not installed (see README "Test vectors")`, () => {});
    else body(cases);
  });
}

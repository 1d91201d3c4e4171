/**
 * A small SVG picture of a group's ratchet tree (RFC 9420 §7, array layout of Appendix C): occupied and blank
 * leaves, non-blank and blank parents. Read from a GroupInfo with the ratchet_tree extension (public data: the
 * facade hands it out for external joins), decoded with the SDK's wire decoders; nothing secret is involved.
 */
import { ExtensionType, findExtension } from '../../sdk/src/messages/extensions.ts';
import { mlsMessageFrom } from '../../sdk/src/messages/mls-message.ts';
import { WireFormat } from '../../sdk/src/messages/common.ts';
import { readRatchetTreeExtension } from '../../sdk/src/messages/ratchet-tree.ts';

export interface TreeNode {
  /** 'leaf' | 'parent' */
  kind: 'leaf' | 'parent';
  blank: boolean;
  /** Leaf: the member's name. */
  label?: string;
}

/** The nodes of the full tree (array order, extended with blanks to a complete tree) from a GroupInfo message. */
export function treeFromGroupInfo(groupInfo: Uint8Array): TreeNode[] {
  const m = mlsMessageFrom(groupInfo);
  if (m.wireFormat !== WireFormat.mls_group_info) return [];
  const ext = findExtension(m.groupInfo.extensions, ExtensionType.ratchet_tree);
  if (!ext) return [];
  const wire = readRatchetTreeExtension(ext);
  let leaves = 1;
  while (2 * leaves - 1 < wire.length) leaves *= 2;
  const out: TreeNode[] = [];
  for (let i = 0; i < 2 * leaves - 1; i++) {
    const n = wire[i] ?? null;
    const kind = i % 2 === 0 ? 'leaf' : 'parent';
    const label =
      n !== null && n.nodeType === 1 && n.leaf.credential.kind === 'basic'
        ? new TextDecoder().decode(n.leaf.credential.identity)
        : undefined;
    out.push({ kind, blank: n === null, ...(label !== undefined ? { label } : {}) });
  }
  return out;
}

const level = (i: number): number => {
  let k = 0;
  while ((i >> k) & 1) k++;
  return k;
};

/** SVG markup for the tree (leaves at the bottom; x is the node index, which is the in-order position). */
export function treeSvg(nodes: TreeNode[], me?: string): string {
  if (nodes.length === 0) return '';
  const rootLevel = level((nodes.length - 1) >> 1); // a complete tree of 2L-1 nodes has its root at L-1
  const dx = 22;
  const dy = 34;
  const pad = 16;
  const w = (nodes.length - 1) * dx + 2 * pad;
  const h = rootLevel * dy + 2 * pad + 14;
  const pos = (i: number) => ({ x: pad + i * dx, y: pad + (rootLevel - level(i)) * dy });
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const parts: string[] = [];
  for (let i = 1; i < nodes.length; i += 2) {
    const k = level(i);
    const p = pos(i);
    for (const c of [i - (1 << (k - 1)), i + (1 << (k - 1))]) {
      const q = pos(c);
      parts.push(`<line x1="${p.x}" y1="${p.y}" x2="${q.x}" y2="${q.y}" stroke="#bbb"/>`);
    }
  }
  nodes.forEach((n, i) => {
    const { x, y } = pos(i);
    if (n.kind === 'parent') {
      parts.push(
        `<rect data-node="${i}" data-blank="${n.blank}" x="${x - 6}" y="${y - 6}" width="12" height="12" rx="2" ` +
          `fill="${n.blank ? '#fff' : '#5b6ee1'}" stroke="#5b6ee1" ${n.blank ? 'stroke-dasharray="2 2"' : ''}>` +
          `<title>parent node ${i}${n.blank ? ' (blank)' : ''}</title></rect>`,
      );
    } else {
      const mine = n.label !== undefined && n.label === me;
      const fill = n.blank ? '#fff' : mine ? '#2a9d5c' : '#e09b3d';
      parts.push(
        `<circle data-node="${i}" data-blank="${n.blank}" cx="${x}" cy="${y}" r="8" fill="${fill}" ` +
          `stroke="${n.blank ? '#aaa' : fill}" ${n.blank ? 'stroke-dasharray="2 2"' : ''}>` +
          `<title>leaf ${i / 2}${n.label ? `: ${esc(n.label)}` : ' (blank)'}</title></circle>`,
      );
      if (n.label)
        parts.push(`<text x="${x}" y="${y + 20}" font-size="9" text-anchor="middle">${esc(n.label.slice(0, 5))}</text>`);
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="ratchet tree">${parts.join('')}</svg>`;
}

// Ratchet trees from the vectors' hex (the serialized `optional<Node> ratchet_tree<V>`, RFC 9420 §12.4.3.3) and back.
// Shared by tree-validation, tree-operations and treekem.
import { decode } from '../../sdk/src/codec/reader.ts';
import { encode } from '../../sdk/src/codec/writer.ts';
import { decodeRatchetTree, encodeRatchetTree, type RatchetTree } from '../../sdk/src/messages/ratchet-tree.ts';
import { TreeState } from '../../sdk/src/tree/ratchet-tree.ts';
import { hex, toHex } from './bytes.ts';

/** The decoded wire form of a hex ratchet tree; `what` names the field in a decode error. */
export const wireTreeFromHex = (treeHex: string, what: string): RatchetTree => decode(hex(treeHex), decodeRatchetTree, what);

/** A fresh TreeState (no cached hashes) from a hex ratchet tree. */
export const treeFromHex = (treeHex: string, what: string): TreeState => TreeState.fromWire(wireTreeFromHex(treeHex, what));

/** The hex serialization of a wire tree, or of a TreeState's current wire form. */
export const treeHex = (tree: RatchetTree | TreeState): string =>
  toHex(encode((w) => encodeRatchetTree(w, tree instanceof TreeState ? tree.toWire() : tree)));

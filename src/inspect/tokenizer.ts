// Token ids as text, from a Hugging Face tokenizer.json: the vocabulary (model.vocab, as a map for BPE/WordPiece
// or [piece, score] pairs for Unigram) and added_tokens, decoded the way its decoder says — byte-level BPE
// (GPT-2's byte ↔ printable-character table) or SentencePiece-style metaspace (▁ is a space, <0xNN> a byte).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface TokenText {
  /** The text of one token, as shown in a strip (bytes that are not whole UTF-8 characters as \xNN). */
  token(id: number): string;
  readonly size: number;
}

/** GPT-2's bytes_to_unicode, inverted: printable character → byte. */
function byteLevelTable(): Map<string, number> {
  const bytes: number[] = [];
  for (let b = 33; b <= 126; b++) bytes.push(b);
  for (let b = 161; b <= 172; b++) bytes.push(b);
  for (let b = 174; b <= 255; b++) bytes.push(b);
  const chars = [...bytes];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b);
      chars.push(256 + n++);
    }
  }
  return new Map(bytes.map((b, i) => [String.fromCodePoint(chars[i]), b]));
}

function showBytes(bytes: number[]): string {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('\uFFFD') ? bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('') : text;
}

function decoderKinds(decoder: unknown): string[] {
  if (!decoder || typeof decoder !== 'object') return [];
  const d = decoder as { type?: string; decoders?: unknown[] };
  return [d.type ?? '', ...(d.decoders ?? []).flatMap(decoderKinds)];
}

export function loadTokenizer(file: string): TokenText {
  let json: { model?: { vocab?: unknown }; added_tokens?: { id: number; content: string }[]; decoder?: unknown; pre_tokenizer?: unknown };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${path.basename(file)}: not a readable tokenizer.json (${(error as Error).message})`);
  }
  const pieces: string[] = [];
  const vocab = json.model?.vocab;
  if (Array.isArray(vocab)) vocab.forEach((entry, id) => (pieces[id] = Array.isArray(entry) ? String(entry[0]) : String(entry)));
  else if (vocab && typeof vocab === 'object') for (const [piece, id] of Object.entries(vocab as Record<string, number>)) pieces[id] = piece;
  else throw new Error(`${path.basename(file)}: no model.vocab in this tokenizer.json`);
  const special = new Set<number>();
  for (const t of json.added_tokens ?? []) {
    pieces[t.id] = t.content;
    special.add(t.id);
  }
  const kinds = [...decoderKinds(json.decoder), ...decoderKinds(json.pre_tokenizer)];
  const byteLevel = kinds.includes('ByteLevel');
  const table = byteLevel ? byteLevelTable() : undefined;
  return {
    size: pieces.length,
    token(id: number): string {
      const piece = pieces[id];
      if (piece === undefined) return `<${id}>`;
      if (special.has(id)) return piece;
      if (table) {
        const bytes = [...piece].map((ch) => table.get(ch));
        return bytes.every((b) => b !== undefined) ? showBytes(bytes as number[]) : piece;
      }
      const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      if (byte) return showBytes([parseInt(byte[1], 16)]);
      return piece.replace(/▁/g, ' ');
    },
  };
}
